public import SegmentaCore

/// A subscription to a segment's changes: after each refresh, who entered and who left is POSTed to `url`.
public struct Webhook: Sendable, Equatable {
    public var id: Int64
    public var segment: String
    public var url: String
    /// The HMAC key for `X-Segmenta-Signature`; never returned by the API after creation.
    public var secret: String
    public var createdAt: Timestamp
}

/// One page of one refresh's changes for one webhook: the outbox row and its delivery log.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, delivered, failed }
    public var id: Int64
    public var webhookID: Int64
    public var url: String
    public var secret: String
    public var snapshotID: Int64
    public var page: Int
    /// The exact JSON body sent (and signed).
    public var body: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var responseStatus: Int?
    public var lastError: String?
    public var createdAt: Timestamp
    public var deliveredAt: Timestamp?
}
