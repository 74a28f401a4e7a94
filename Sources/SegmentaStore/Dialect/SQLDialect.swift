public import SegmentaCore

/// The SQL that differs between backends, for the statements Segmenta builds at run time (segment
/// conditions, trait reads): how parameters are written, how a JSON value at a path is read and
/// typed, and the few functions that have other names. Everything else is standard SQL that both
/// backends run as written.
///
/// Trait documents are SQLite JSON text (`json_extract`, `json_type`) or PostgreSQL `jsonb`
/// (`#>`, `#>>`, `jsonb_typeof`); a path is bound as a parameter in both (a JSON path text, or a
/// `text[]` of keys), so a trait name is data and never SQL.
public enum SQLDialect: Sendable {
    /// SQLite (JSON text, `?n` placeholders).
    case sqlite
    /// PostgreSQL (`jsonb`, `$n` placeholders).
    case postgres

    /// The placeholder of the `n`th bound value (1-based): `?n` or `$n`.
    package func placeholder(_ n: Int) -> String {
        switch self {
        case .sqlite: return "?\(n)"
        case .postgres: return "$\(n)"
        }
    }

    /// A boolean constant.
    package func literal(_ b: Bool) -> String {
        switch self {
        case .sqlite: return b ? "1" : "0"
        case .postgres: return b ? "true" : "false"
        }
    }

    /// The bound form of a path of object keys (`plan`, or `company` then `size`).
    package func path(_ keys: [String]) -> SQLArgument {
        switch self {
        case .sqlite:
            return .text("$" + keys.map { key in
                var s = ""
                JSONValue.writeString(key, to: &s)
                return "." + s
            }.joined())
        case .postgres:
            return .textArray(keys)
        }
    }

    /// A path of Segmenta's own constant keys, written inline as SQL text: for fragments that take
    /// no bound value. Only ASCII letters and `_` are kept, so nothing else can reach the SQL; a
    /// key from a request is always bound (``path(_:)``).
    package func pathLiteral(_ keys: [String]) -> String {
        let safe = keys.map { $0.filter { $0.isASCII && ($0.isLetter || $0 == "_") } }
        switch self {
        case .sqlite: return "'$." + safe.joined(separator: ".") + "'"
        case .postgres: return "'{" + safe.joined(separator: ",") + "}'"
        }
    }

    /// The bound path of a dotted trait path: each part a key (`company.size`).
    package func path(dotted: String) -> SQLArgument {
        path(dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }

    /// The JSON type of the value at `path` in `container`, NULL when absent.
    package func type(_ container: String, _ path: String) -> String {
        switch self {
        case .sqlite: return "json_type(\(container), \(path))"
        case .postgres: return "jsonb_typeof((\(container)) #> \(path))"
        }
    }

    /// A test of a JSON type (`json_type` / `jsonb_typeof` result) against a kind of value.
    package func isType(_ typeExpression: String, _ kind: JSONKind) -> String {
        switch (self, kind) {
        case (.sqlite, .number): return "\(typeExpression) IN ('integer', 'real')"
        case (.sqlite, .text): return "\(typeExpression) = 'text'"
        case (.sqlite, .bool(let b)): return "\(typeExpression) = '\(b)'"
        case (.sqlite, .array): return "\(typeExpression) = 'array'"
        case (.postgres, .number): return "\(typeExpression) = 'number'"
        case (.postgres, .text): return "\(typeExpression) = 'string'"
        case (.postgres, .bool): return "\(typeExpression) = 'boolean'"
        case (.postgres, .array): return "\(typeExpression) = 'array'"
        }
    }

    /// A boolean value test on top of ``isType(_:_:)`` (jsonb types booleans together).
    package func boolValue(_ container: String, _ path: String, _ b: Bool) -> String {
        switch self {
        case .sqlite: return isType(type(container, path), .bool(b))
        case .postgres: return "(((\(container)) #> \(path)) = '\(b)'::jsonb)"
        }
    }

    /// The value at `path` as SQL text (meaningful when its type is text).
    package func text(_ container: String, _ path: String) -> String {
        switch self {
        case .sqlite: return "json_extract(\(container), \(path))"
        case .postgres: return "((\(container)) #>> \(path))"
        }
    }

    /// The value at `path` as a SQL number, NULL unless it is a JSON number (never an error).
    package func number(_ container: String, _ path: String) -> String {
        switch self {
        case .sqlite: return "json_extract(\(container), \(path))"
        case .postgres:
            return "(CASE WHEN jsonb_typeof((\(container)) #> \(path)) = 'number' THEN ((\(container)) #>> \(path))::double precision END)"
        }
    }

    /// A list of ids bound as one value: a JSON array text (SQLite) or a `text[]` (PostgreSQL).
    package func idList(_ ids: [String]) -> SQLArgument {
        switch self {
        case .sqlite:
            var text = "["
            for (i, id) in ids.enumerated() {
                if i > 0 { text += "," }
                JSONValue.writeString(id, to: &text)
            }
            return .text(text + "]")
        case .postgres:
            return .textArray(ids)
        }
    }

    /// `column` is one of the ids bound at `placeholder` (an ``idList(_:)``).
    package func isIn(_ column: String, idList placeholder: String) -> String {
        switch self {
        case .sqlite: return "(\(column) IN (SELECT value FROM json_each(\(placeholder))))"
        case .postgres: return "(\(column) = ANY(\(placeholder)::text[]))"
        }
    }

    /// Milliseconds of an ISO-8601 text (NULL for anything else): the same parser everywhere.
    package func timestamp(_ textExpression: String) -> String { "seg_ts(\(textExpression))" }

    /// `haystack` contains `needle` (texts).
    package func containsText(_ haystack: String, _ needle: String) -> String {
        switch self {
        case .sqlite: return "instr(\(haystack), \(needle)) > 0"
        case .postgres: return "strpos(\(haystack), \(needle)) > 0"
        }
    }

    /// `text` starts with `prefix`.
    package func startsWith(_ text: String, _ prefix: String) -> String {
        switch self {
        case .sqlite: return "substr(\(text), 1, length(\(prefix))) = \(prefix)"
        case .postgres: return "left(\(text), length(\(prefix))) = \(prefix)"
        }
    }

    /// An object `{"amount": …, "currency": …}` built from an order row (for order filters).
    package func orderObject(_ alias: String) -> String {
        switch self {
        case .sqlite: return "json_object('amount', \(alias).amount, 'currency', \(alias).currency)"
        case .postgres: return "jsonb_build_object('amount', \(alias).amount, 'currency', \(alias).currency)"
        }
    }

    /// An array at `path` has an element for which `test` (over the element `j`) holds; false
    /// when the value is not an array.
    package func arrayHas(_ container: String, _ path: String, element test: (_ element: Element) -> String) -> String {
        switch self {
        case .sqlite:
            return "(\(isType(type(container, path), .array)) AND EXISTS (SELECT 1 FROM json_each(\(container), \(path)) j WHERE \(test(Element(dialect: self)))))"
        case .postgres:
            // CASE orders the evaluation: jsonb_array_elements fails on anything but an array.
            return "(CASE WHEN \(isType(type(container, path), .array)) THEN EXISTS (SELECT 1 FROM jsonb_array_elements((\(container)) #> \(path)) j(v) WHERE \(test(Element(dialect: self)))) ELSE false END)"
        }
    }

    /// An element of a JSON array, inside ``arrayHas(_:_:element:)``.
    package struct Element {
        let dialect: SQLDialect

        package func isType(_ kind: JSONKind) -> String {
            switch dialect {
            case .sqlite: return dialect.isType("j.type", kind)
            case .postgres: return dialect.isType("jsonb_typeof(j.v)", kind)
            }
        }
        package var text: String { dialect == .sqlite ? "j.value" : "(j.v #>> '{}')" }
        package var number: String { dialect == .sqlite ? "j.value" : "(CASE WHEN jsonb_typeof(j.v) = 'number' THEN (j.v #>> '{}')::double precision END)" }
        package func bool(_ b: Bool) -> String { dialect == .sqlite ? "j.type = '\(b)'" : "j.v = '\(b)'::jsonb" }
    }

    /// Kinds of JSON values that conditions test for.
    package enum JSONKind: Sendable {
        case number, text, bool(Bool), array
    }
}
