public import SegmentaCore

/// Figures for the overview page.
public struct StoreOverview: Sendable {
    /// Profiles, accounts and orders stored.
    public var profiles: Int, accounts: Int, orders: Int
    /// Events stored: the largest event row id (exact unless events were deleted by a privacy request).
    public var events: Int
    /// When the newest event arrived.
    public var lastEventAt: Timestamp?
}
