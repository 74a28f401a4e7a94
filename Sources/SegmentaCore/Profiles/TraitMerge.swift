/// How new traits are merged into a profile's: **deeply, per leaf, newest wins** — the same rule for
/// identify messages, PostHog `$set`, group traits, profile imports and identity merges.
///
/// - Nested objects are merged key by key: `{consent: {sms: true}}` sets `consent.sms` and leaves
///   `consent.marketing` as it was (an opt-out is never lost to an unrelated update).
/// - A dotted key is the same nested path: `"consent.marketing": false` sets `consent.marketing`,
///   exactly as a CSV column `consent.marketing` does.
/// - `null` removes the key at its path; an empty object changes nothing.
/// - Each leaf keeps the time it was last set (`times`, keyed by dotted path); a value older than
///   that, or than the time its parent was last replaced, is ignored.
public enum TraitMerge {
    /// Leaf paths and values of `traits` (`consent.sms` → true), dotted keys split into paths.
    /// Arrays, scalars and `null` are leaves; objects are walked (depth is bounded by the parser).
    public static func leaves(_ traits: [String: JSONValue]) -> [(path: [String], value: JSONValue)] {
        var out: [(path: [String], value: JSONValue)] = []
        func walk(_ prefix: [String], _ value: JSONValue) {
            if case .object(let o) = value, !o.isEmpty {
                for (k, v) in o.sorted(by: { $0.key < $1.key }) { walk(prefix + split(k), v) }
            } else if case .object = value {
                return   // an empty object changes nothing
            } else {
                out.append((prefix, value))
            }
        }
        for (k, v) in traits.sorted(by: { $0.key < $1.key }) { walk(split(k), v) }
        return out.filter { !$0.path.isEmpty }
    }

    /// A key's path: `a.b` → [a, b]; empty parts (`a..b`, `.a`) keep the key whole.
    static func split(_ key: String) -> [String] {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.contains(where: \.isEmpty) ? [key] : parts
    }

    /// Merges `new` (sent at `time`, milliseconds) into `traits`, updating `times`.
    /// - Returns: whether anything changed.
    @discardableResult
    public static func merge(_ new: [String: JSONValue], at time: Double, into traits: inout [String: JSONValue], times: inout [String: JSONValue]) -> Bool {
        var changed = false
        for (path, value) in leaves(new) {
            // The newest of the leaf's own time and its ancestors' (a parent replaced later wins).
            var previous = -Double.infinity
            for i in 1...path.count { previous = max(previous, times[path[0..<i].joined(separator: ".")]?.numberValue ?? -.infinity) }
            guard time >= previous else { continue }
            set(&traits, path[...], value.isNull ? JSONValue?.none : value)
            times[path.joined(separator: ".")] = .number(time)
            changed = true
        }
        return changed
    }

    /// Sets (or with nil removes) the value at a path, creating objects on the way (a scalar in the
    /// way is replaced by an object).
    static func set(_ object: inout [String: JSONValue], _ path: ArraySlice<String>, _ value: JSONValue?) {
        guard let head = path.first else { return }
        if path.count == 1 {
            object[head] = value
            return
        }
        var inner = object[head]?.objectValue ?? [:]
        if case .none = value, object[head]?.objectValue == nil { return }   // nothing to remove
        set(&inner, path.dropFirst(), value)
        object[head] = .object(inner)
    }
}
