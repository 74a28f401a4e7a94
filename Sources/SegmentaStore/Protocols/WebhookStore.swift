public import SegmentaCore

/// Webhooks and their durable outbox (the delivery log).
public protocol WebhookStore: Sendable {
    /// Adds a webhook to a segment.
    func createWebhook(segment: String, url: String, secret: String) async throws(SegmentaError) -> Webhook
    /// A segment's webhooks.
    func webhooks(of segment: String) async throws(SegmentaError) -> [Webhook]
    /// Removes a segment's webhook.
    func deleteWebhook(id: Int64, segment: String) async throws(SegmentaError)
    /// Deliveries due by `now`, oldest first.
    func dueWebhookDeliveries(now: Timestamp, limit: Int) async throws(SegmentaError) -> [WebhookDelivery]
    /// Records one delivery attempt: delivered, or failed with a retry time (nil: given up).
    func recordDeliveryAttempt(id: Int64, delivered: Bool, responseStatus: Int?, error: String?, retryAt: Timestamp?) async throws(SegmentaError)
    /// A segment's latest deliveries, newest first.
    func webhookDeliveries(segment: String, limit: Int) async throws(SegmentaError) -> [WebhookDelivery]
}
