/// A segment as users write it: a name, a description, a profile card and a condition.
public struct SegmentDefinition: Sendable, Equatable {
    /// Unique name: letters, digits, `-`, `_` and `.`, 1–64 characters.
    public var name: String
    /// What the segment is for, in words.
    public var description: String
    /// The profile card of the guides' template: objective, kpi, needs, risks, goals, actions.
    public var card: [String: String]
    /// The condition (nil for a static segment, whose members are a fixed list).
    public var condition: Condition?

    /// The card's fields, in display order.
    public static let cardFields = ["objective", "kpi", "needs", "risks", "goals", "actions"]

    /// A definition (nil condition: a static segment).
    public init(name: String, description: String = "", card: [String: String] = [:], condition: Condition?) {
        self.name = name
        self.description = description
        self.card = card
        self.condition = condition
    }

    /// Whether a name is acceptable.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" || $0 == "."
        }
    }
}
