public import SegmentaCore

/// A subscription to a segment's changes: after each refresh, who entered and who left is POSTed to `url`.
public struct Webhook: Sendable, Equatable {
    /// The webhook's id.
    public var id: Int64
    /// The segment whose changes it receives.
    public var segment: String
    /// Where deliveries are POSTed (checked against the network policy at creation and at delivery).
    public var url: String
    /// The HMAC key for `X-Segmenta-Signature`; never returned by the API after creation.
    public var secret: String
    /// When it was created.
    public var createdAt: Timestamp
}

/// One page of one refresh's changes for one webhook: the outbox row and its delivery log.
public struct WebhookDelivery: Sendable, Equatable {
    /// Waiting (new or to be retried), delivered, or failed for good.
    public enum Status: String, Sendable { case pending, delivered, failed }
    /// The delivery's id (`X-Segmenta-Delivery`).
    public var id: Int64
    /// The webhook it belongs to.
    public var webhookID: Int64
    /// The webhook's URL.
    public var url: String
    /// The webhook's signing key.
    public var secret: String
    /// The refresh (snapshot) whose changes it carries.
    public var snapshotID: Int64
    /// Which page of that refresh's changes (0, 1, …).
    public var page: Int
    /// The exact JSON body sent (and signed).
    public var body: String
    /// Pending, delivered or failed.
    public var status: Status
    /// Attempts made so far.
    public var attempts: Int
    /// When it is due (again).
    public var nextAttemptAt: Timestamp
    /// The endpoint's HTTP status at the last attempt.
    public var responseStatus: Int?
    /// Why the last attempt failed.
    public var lastError: String?
    /// When it was queued.
    public var createdAt: Timestamp
    /// When it was delivered.
    public var deliveredAt: Timestamp?
}
