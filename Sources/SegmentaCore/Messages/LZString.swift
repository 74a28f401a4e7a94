/// lz-string's `decompressFromBase64`, the `lz64` compression that posthog-js (before gzip-js)
/// and PostHog's capture endpoint use for event bodies.
///
/// The format is LZW over UTF-16 code units with a growing code width, written 6 bits per
/// base64 character (pieroxy/lz-string 1.4.4, `_decompress(length, 32, …)`).
/// Each dictionary entry is the previous entry plus one unit, so a hostile input can ask for far
/// more output than it holds: `maxUnits` bounds the output, and with it the dictionary.
public enum LZString {
    /// Why an input could not be decompressed.
    public struct Failure: Error, Sendable, Equatable {
        /// What was wrong.
        public var reason: String
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Decompresses lz-string base64 text into the string it holds.
    /// - Parameters:
    ///   - base64: the compressed text (`LZString.compressToBase64` of the sender).
    ///   - maxUnits: the most UTF-16 code units the output may have.
    /// - Throws: ``Failure`` on a character outside base64, a code that refers to no entry, an
    ///   input that ends before its end marker, or an output over `maxUnits`.
    /// - Complexity: O(output length) time and memory, bounded by `maxUnits`.
    public static func decompressFromBase64(_ base64: some Collection<UInt8>, maxUnits: Int) throws(Failure) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(base64.count)
        for c in base64 {
            let v = values[Int(c)]
            guard v >= 0 else { throw Failure(reason: "the lz64 text holds a character outside base64 (byte \(c))") }
            input.append(UInt8(v))
        }
        guard !input.isEmpty else { throw Failure(reason: "the lz64 text is empty") }
        var reader = BitReader(input: input)
        var dictionary: [[UInt16]] = [[], [], []]   // codes 0, 1 and 2 are markers, never entries
        var enlargeIn = 4, numBits = 3
        var result: [UInt16] = []

        func literal(_ code: Int) throws(Failure) -> [UInt16]? {
            switch code {
            case 0: return [UInt16(reader.read(8))]
            case 1: return [UInt16(reader.read(16))]
            case 2: return nil
            default: throw Failure(reason: "the lz64 text starts with an unknown code \(code)")
            }
        }
        guard let first = try literal(reader.read(2)) else { return "" }
        dictionary.append(first)
        var w = first
        result.append(contentsOf: first)
        while true {
            guard !reader.exhausted else { throw Failure(reason: "the lz64 text ends before its end marker; it was cut") }
            var code = reader.read(numBits)
            switch code {
            case 0, 1:
                dictionary.append([UInt16(reader.read(code == 0 ? 8 : 16))])
                code = dictionary.count - 1
                enlargeIn -= 1
            case 2:
                return String(decoding: result, as: UTF16.self)
            default:
                break
            }
            if enlargeIn == 0 { enlargeIn = 1 << numBits; numBits += 1 }
            let entry: [UInt16]
            if code < dictionary.count {
                entry = dictionary[code]
            } else if code == dictionary.count, let head = w.first {
                entry = w + [head]
            } else {
                throw Failure(reason: "the lz64 text refers to dictionary entry \(code) of \(dictionary.count); it is not lz-string data")
            }
            guard result.count + entry.count <= maxUnits else {
                throw Failure(reason: "the lz64 text expands to more than \(maxUnits) characters")
            }
            result.append(contentsOf: entry)
            if let head = entry.first { dictionary.append(w + [head]) }
            enlargeIn -= 1
            w = entry
            if enlargeIn == 0 { enlargeIn = 1 << numBits; numBits += 1 }
            guard numBits <= 31 else { throw Failure(reason: "the lz64 text has more codes than lz-string can write") }
        }
    }

    /// Bits of 6-bit values, most significant first; zeros past the end (as lz-string reads).
    struct BitReader {
        let input: [UInt8]
        var index = 0
        var position = 32   // lz-string's resetValue for base64: 6 bits, highest 0b100000

        var exhausted: Bool { index >= input.count }

        mutating func read(_ count: Int) -> Int {
            var bits = 0, power = 1
            for _ in 0..<count {
                let value = index < input.count ? Int(input[index]) : 0
                if value & position != 0 { bits |= power }
                position >>= 1
                if position == 0 { position = 32; index += 1 }
                power <<= 1
            }
            return bits
        }
    }
}
