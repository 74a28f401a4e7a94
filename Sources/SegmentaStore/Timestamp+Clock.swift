public import SegmentaCore
import Foundation

extension Timestamp {
    /// The current time from the system clock. Lives outside the pure core on purpose.
    public static var now: Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
