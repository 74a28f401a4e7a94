public import SegmentaCore

/// How deleted people are removed from stored JSON (webhook bodies, analysis summaries, run
/// values): any list item that is one of their ids, an object naming one (`{"id": …}`), a row
/// starting with one (`[id, …]`), and any key that is one of their ids. Counts and aggregates are
/// left as they were. The same rule on every backend.
enum PrivacyScrub {
    static func scrub(_ v: JSONValue, ids: Set<String>) -> JSONValue {
        func isID(_ v: JSONValue) -> Bool { v.stringValue.map(ids.contains) ?? false }
        func names(_ v: JSONValue) -> Bool {
            switch v {
            case .string: return isID(v)
            case .object(let o): return o.values.contains(where: isID)
            case .array(let a): return a.first.map(isID) ?? false
            default: return false
            }
        }
        func walk(_ v: JSONValue) -> JSONValue {
            switch v {
            case .array(let a): return .array(a.filter { !names($0) }.map(walk))
            case .object(let o):
                var out: [String: JSONValue] = [:]
                for (k, x) in o where !ids.contains(k) { out[k] = walk(x) }
                return .object(out)
            default: return v
            }
        }
        return walk(v)
    }
}
