/// Everything the reference evaluator knows of one profile.
public struct ProfileFacts: Sendable, Equatable {
    /// One stored event (track events are what behaviour conditions count).
    public struct Event: Sendable, Equatable {
        public var name: String
        public var timestamp: Timestamp
        public var properties: [String: JSONValue]
        public init(name: String, timestamp: Timestamp, properties: [String: JSONValue] = [:]) {
            self.name = name
            self.timestamp = timestamp
            self.properties = properties
        }
    }

    public var id: String
    public var traits: [String: JSONValue]
    public var computed: [String: JSONValue]
    /// Traits of each account the profile belongs to.
    public var accounts: [[String: JSONValue]]
    public var events: [Event]
    public var orders: [Order]
    public var firstSeen: Timestamp?

    public init(id: String, traits: [String: JSONValue] = [:], computed: [String: JSONValue] = [:], accounts: [[String: JSONValue]] = [],
                events: [Event] = [], orders: [Order] = [], firstSeen: Timestamp? = nil) {
        self.id = id
        self.traits = traits
        self.computed = computed
        self.accounts = accounts
        self.events = events
        self.orders = orders
        self.firstSeen = firstSeen
    }

    /// The signup time: the `signed_up_at` trait when it is a date, else first seen.
    public var signup: Timestamp? {
        if let s = traits["signed_up_at"]?.stringValue, let t = try? Timestamp.parse(s) { return t }
        return firstSeen
    }
}
