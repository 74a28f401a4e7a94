/// A profile found by a search, with what matched and how to show it to a person.
public struct ProfileMatch: Sendable, Equatable {
    /// The profile id.
    public var id: String
    /// The values of the searchable traits (e.g. email and name), where present.
    public var traits: [String: String]
    /// What matched: `id`, `identity` (a user or anonymous id), or the trait's name.
    public var matched: String
    /// True when the query equals the matched value (case aside); false for a prefix.
    public var exact: Bool

    /// A match.
    public init(id: String, traits: [String: String], matched: String, exact: Bool) {
        self.id = id
        self.traits = traits
        self.matched = matched
        self.exact = exact
    }
}
