public import SegmentaCore

/// The rules of a segment's life, written once for every backend: what a new segment, a new
/// version and a delete must satisfy, with the messages people read. A backend reads the facts
/// (whether the name is taken, its kind, the other definitions, the computed traits it knows) in
/// its transaction and writes the rows; the checks are here.
enum SegmentRules {
    /// A stored definition document read back, parsed here once so that nothing above the store
    /// reads its fields: a static segment's (`"static": true`) has a description and no condition.
    static func stored(_ document: JSONValue, name: String) throws(SegmentaError) -> SegmentDefinition {
        guard case .object(let o) = document, case .bool(true)? = o["static"] else { return try ConditionSQL.definition(document) }
        return SegmentDefinition(name: name, description: o["description"]?.stringValue ?? "", condition: nil)
    }

    /// A new segment's name must be free.
    static func checkCreate(_ definition: SegmentDefinition, exists: Bool) throws(SegmentaError) {
        if exists { throw SegmentaError(.conflict, "a segment named \"\(definition.name)\" already exists; use `segments update` to change it") }
    }

    /// A new version needs a dynamic segment of that name (`kind`: its stored kind, nil when none).
    static func checkUpdate(_ definition: SegmentDefinition, kind: String?) throws(SegmentaError) {
        guard let kind else { throw SegmentaError(.notFound, "no segment named \"\(definition.name)\"; create it with `segments create`") }
        guard kind == "dynamic" else { throw SegmentaError(.conflict, "\"\(definition.name)\" is a static segment; its members are a fixed list") }
    }

    /// Whether the computed traits a definition names must be looked up (they are, unless allowed).
    static func needsComputedTraitNames(_ definition: SegmentDefinition, allowUnknown: Bool) -> Bool {
        !allowUnknown && !(definition.condition?.computedTraitNames.isEmpty ?? true)
    }

    /// What a condition refers to: segments that exist, without a cycle (`definitions`: every
    /// stored one), and — when `knownComputed` is given — computed traits that are Segmenta's own
    /// or already in the store.
    static func checkCondition(_ definition: SegmentDefinition, definitions: [String: SegmentDefinition], knownComputed: [String]?) throws(SegmentaError) {
        guard let condition = definition.condition else { return }
        var all = definitions
        all[definition.name] = definition
        _ = try ConditionSQL.membersQuery(condition, dialect: .sqlite, at: Timestamp(milliseconds: 0), resolve: ConditionSQL.resolver(all))
        guard let knownComputed else { return }
        let known = Set(Condition.builtInComputedTraits).union(knownComputed)
        if let unknown = Set(condition.computedTraitNames).subtracting(known).sorted().first {
            throw SegmentaError(.invalidInput, "no computed trait is named \"\(unknown)\"; known ones: \(known.sorted().joined(separator: ", ")). For a trait an analysis will compute later, pass --allow-unknown (API: ?allow_unknown=true)")
        }
    }

    /// A segment can be deleted when it exists and no other segment refers to it.
    static func checkDelete(_ name: String, exists: Bool, definitions: [String: SegmentDefinition]) throws(SegmentaError) {
        guard exists else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
        let users = definitions.filter { $0.key != name && ($0.value.condition?.segmentReferences.contains(name) ?? false) }.keys.sorted()
        guard users.isEmpty else { throw SegmentaError(.conflict, "\"\(name)\" is used by \(users.joined(separator: ", ")); change or delete those first") }
    }

    /// A static segment's name must be valid (checked before any read).
    static func checkStaticName(_ name: String) throws(SegmentaError) {
        guard SegmentDefinition.isValidName(name) else { throw SegmentaError(.invalidInput, "\"\(name)\" is not a valid name; use 1–64 letters, digits, -, _ or .") }
    }

    /// A static segment needs a free name and known profiles (`unknown`: the ids that are not; the
    /// first five, in customer order, are named).
    static func checkStatic(_ name: String, exists: Bool, unknown: [String]) throws(SegmentaError) {
        if exists { throw SegmentaError(.conflict, "a segment named \"\(name)\" already exists; pick another name") }
        guard unknown.isEmpty else {
            let shown = CustomerOrder.sorted(unknown).prefix(5).joined(separator: ", ")
            throw SegmentaError(.invalidInput, "\(unknown.count) id\(unknown.count == 1 ? " is" : "s are") not known profiles (\(shown)\(unknown.count > 5 ? ", …" : "")); import them first or remove them from the list")
        }
    }

    /// The answer to a refresh of a segment that does not exist.
    static func unknownSegment(_ name: String) -> SegmentaError {
        SegmentaError(.notFound, "no segment named \"\(name)\"; `segmenta segments list` shows them")
    }
}
