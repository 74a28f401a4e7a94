public import SegmentaCore

/// The span that ``ActivityStore/eventCounts(_:in:)`` reads for its windows: from the earliest
/// start to the latest end, one pass whatever the windows' number or overlap.
package struct EventWindows: Sendable {
    /// The earliest start.
    package let from: Timestamp
    /// The latest end.
    package let to: Timestamp

    /// The span of `windows`; nil when there is none.
    package init?(_ windows: [ClosedRange<Timestamp>]) {
        guard let from = windows.map(\.lowerBound).min(), let to = windows.map(\.upperBound).max() else { return nil }
        self.from = from
        self.to = to
    }
}
