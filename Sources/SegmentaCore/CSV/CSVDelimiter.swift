/// How fields are separated in a delimited text file.
public enum CSVDelimiter: Sendable, Equatable, CustomStringConvertible {
    /// One byte separates fields (`,` `;` `\t` `|`); double quotes quote fields as in RFC 4180.
    case byte(UInt8)
    /// Any run of spaces or tabs separates fields; leading and trailing blanks are ignored
    /// (the layout of fixed-width exports such as the CDNOW file). No quoting.
    case whitespace

    /// The comma, the default.
    public static let comma = CSVDelimiter.byte(UInt8(ascii: ","))

    /// Parses a delimiter name as given on the command line.
    /// - Parameter name: `,` `;` `|` `tab` (or a tab character), `space`, `whitespace`.
    /// - Returns: nil when the name is not one of those.
    public init?(name: String) {
        switch name.lowercased() {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .byte(UInt8(ascii: ";"))
        case "|", "pipe": self = .byte(UInt8(ascii: "|"))
        case "tab", "\t", "\\t", "tsv": self = .byte(9)
        case "space", " ": self = .byte(32)
        case "whitespace", "ws": self = .whitespace
        default:
            let bytes = Array(name.utf8)
            guard bytes.count == 1, bytes[0] != UInt8(ascii: "\""), bytes[0] != 10, bytes[0] != 13 else { return nil }
            self = .byte(bytes[0])
        }
    }

    /// The delimiter as `--delimiter` names it.
    public var description: String {
        switch self {
        case .whitespace: return "whitespace"
        case .byte(9): return "tab"
        case .byte(let b): return String(UnicodeScalar(b))
        }
    }
}
