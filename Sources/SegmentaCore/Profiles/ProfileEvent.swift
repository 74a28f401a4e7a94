/// One track event of a person, as the store reads it for analyses over many people (support
/// tickets, surveys): whose, which, when and its properties.
public struct ProfileEvent: Sendable, Equatable {
    /// The profile it belongs to now (after merges).
    public var profile: String
    /// The event's name.
    public var name: String
    /// When it happened.
    public var timestamp: Timestamp
    /// Its properties.
    public var properties: [String: JSONValue]

    /// An event.
    public init(profile: String, name: String, timestamp: Timestamp, properties: [String: JSONValue]) {
        self.profile = profile
        self.name = name
        self.timestamp = timestamp
        self.properties = properties
    }
}
