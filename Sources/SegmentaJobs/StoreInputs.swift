public import SegmentaCore
public import SegmentaStore

/// What the analyses read from the store, aggregated there per customer (never every order):
/// one place shared by the CLI, the demo and the scheduled recompute.
public enum StoreInputs {
    /// Lifecycle stages of every profile as of `asOf` (default: the day after the latest order).
    public static func lifecycle(_ db: some ProfileStore & ActivityStore, asOf: Timestamp? = nil, options: LifecycleOptions = LifecycleOptions()) async throws(SegmentaError)
        -> (asOf: Timestamp, customers: [LifecycleClassifier.Assignment]) {
        let snapshot: Timestamp
        if let asOf { snapshot = asOf } else { snapshot = LifecycleClassifier.defaultSnapshot(latestOrder: try await db.latestOrderTime()) }
        return (snapshot, LifecycleClassifier.classify(purchases: try await db.purchaseTimes(before: snapshot), prospects: try await db.profileIDs(),
                                                       asOf: snapshot, options: options))
    }

    /// BG/NBD and Gamma-Gamma inputs of every customer with a purchase up to the calibration end's
    /// day (default: the day of the latest order), as ``CustomerSummaryBuilder/summarize(_:calibrationEnd:unit:)``
    /// computes them from orders.
    public static func customerSummaries(_ db: some ActivityStore, calibrationEnd: Timestamp? = nil, unit: TimeUnit) async throws(SegmentaError) -> [CustomerSummary] {
        let latest: Timestamp?
        if let calibrationEnd { latest = calibrationEnd } else { latest = try await db.latestOrderTime() }
        guard let end = latest else { return [] }
        return try await db.customerSummaries(throughDay: end.epochDay, unit: unit)
    }
}
