/// Everything the reference evaluator knows of one profile.
public struct ProfileFacts: Sendable, Equatable {
    /// One stored event (track events are what behaviour conditions count).
    public struct Event: Sendable, Equatable {
        /// The event's name.
        public var name: String
        /// When it happened.
        public var timestamp: Timestamp
        /// Its properties.
        public var properties: [String: JSONValue]
        /// Creates an event.
        public init(name: String, timestamp: Timestamp, properties: [String: JSONValue] = [:]) {
            self.name = name
            self.timestamp = timestamp
            self.properties = properties
        }
    }

    /// The profile's id.
    public var id: String
    /// Its traits, nested as stored.
    public var traits: [String: JSONValue]
    /// Its computed traits by name (`rfm_segment`, `clv`, …).
    public var computed: [String: JSONValue]
    /// Traits of each account the profile belongs to.
    public var accounts: [[String: JSONValue]]
    /// Its track events, oldest first.
    public var events: [Event]
    /// Its orders (refunds negative).
    public var orders: [Order]
    /// When it was first seen (the signup when `signed_up_at` is absent).
    public var firstSeen: Timestamp?

    /// Creates a profile's facts.
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
