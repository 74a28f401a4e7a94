public import Hummingbird
import SegmentaCore
import Foundation

/// posthog-js's feature-flag calls (`/flags/?v=2`, and `/decide/` in older versions), answered in
/// PostHog's documented form with no flags: Segmenta keeps no feature flags, and an answer that
/// is not a `200` makes the SDK retry the call on every page. The SDK option
/// `advanced_disable_flags: true` (`advanced_disable_decide` before 1.200) stops the calls.
struct PostHogFlags: Sendable {
    /// The paths posthog-js calls for flags and remote configuration.
    static let paths = ["/flags", "/decide"]

    func addRoutes(to router: Router<AppRequestContext>) {
        for path in Self.paths {
            router.post(RouterPath(path)) { _, _ in Self.answer() }
            router.get(RouterPath(path)) { _, _ in Self.answer() }
        }
    }

    /// No flags, no session recording, no surveys, no site apps; the compression the capture
    /// routes read (`gzip-js`, base64); `flags` for v2 and `featureFlags` for v1 readers.
    static func answer() -> Response {
        Response.json(.object([
            "flags": .object([:]),
            "featureFlags": .object([:]),
            "featureFlagPayloads": .object([:]),
            "errorsWhileComputingFlags": .bool(false),
            "quotaLimited": .array([]),
            "requestId": .string(UUID().uuidString.lowercased()),
            "supportedCompression": .array([.string("gzip-js"), .string("gzip"), .string("base64")]),
            "sessionRecording": .bool(false),
            "surveys": .bool(false),
            "heatmaps": .bool(false),
            "capturePerformance": .bool(false),
            "autocaptureExceptions": .bool(false),
            "siteApps": .array([]),
            "toolbarParams": .object([:]),
            "isAuthenticated": .bool(false),
            "config": .object(["enable_collect_everything": .bool(true)]),
        ]))
    }
}
