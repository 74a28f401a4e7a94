import Foundation
import Logging
import Testing
import SegmentaCore
import SegmentaJobs
import SegmentaStore
import Synchronization
@testable import SegmentaServer

@Suite("Segment pages computed when the data changes, not when someone looks")
struct PageWarmingTests {
    /// A store file in a folder of its own (removed by the caller): the server's connections and
    /// a second one, as the CLI in another process would open.
    static func storeFile() throws -> (dir: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-pages-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent("store.sqlite").path)
    }

    /// A warmer of its own caches over `store`, looking every 20 ms, its log quiet.
    static func warmer(_ store: any Storage) -> PageWarmer {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return PageWarmer(store: store, mixes: MixCache(), overview: OverviewCache(), eventNames: EventNameCache(), logger: logger, interval: .milliseconds(20))
    }

    /// Nine orders of three customers (c0, c1, c2) up to `day`, and the static segment `vip` of c0 and c1.
    static func threeCustomersAndVIP(_ store: SQLiteStore, _ day: Timestamp) throws {
        _ = try store.importOrders((0..<9).map { Order(customerID: "c\($0 % 3)", timestamp: day.adding(days: -$0 * 20), amount: Double(10 + $0)) }, source: "f")
        _ = try store.importStatic("vip", ids: ["c0", "c1"], description: "two customers")
    }

    @Test("after a recompute every segment's member mixes are ready at the current version; a new snapshot makes them stale")
    func recomputeWarmsTheMixes() async throws {
        let s = try TestServer()
        let day = try Timestamp.parse("2026-06-01")
        try Self.threeCustomersAndVIP(s.store, day)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"spenders","condition":{"orders":"count","op":"gte","value":1}}"#))
        let store = s.store.backend
        await s.parts.recompute.recompute()
        let version = try await MixCache.version(store, history: try await store.history(of: "vip"))
        #expect(s.parts.mixes.holds("vip", "rfm_segment", version) && s.parts.mixes.holds("vip", "lifecycle", version))
        #expect(try await s.parts.mixes.warm(store) == 0)
        // The cached mix is the members' real mix: both members counted, each with a lifecycle stage.
        let lifecycle = try await s.parts.mixes.mix(store, "vip", "lifecycle", version)
        #expect(lifecycle.map(\.count).reduce(0, +) == 2 && !lifecycle.contains { $0.value == "(none)" })
        #expect(lifecycle.map(\.value).sorted() == (try await store.memberMix(of: "vip", computed: "lifecycle")).map(\.value).sorted())
        // A cohort analysis recorded meanwhile (by the API or the CLI) leaves the mixes as they are.
        try await store.recordAnalysis(kind: "cohorts", asOf: day, parameters: [:], summary: [:], values: [], at: day)
        #expect(try await MixCache.version(store, history: try await store.history(of: "vip")) == version && s.parts.mixes.holds("vip", "lifecycle", version))
        // A new snapshot of one segment makes its two mixes stale, and only those.
        _ = try s.store.refresh("spenders", asOf: Timestamp.now.adding(days: 1))
        #expect(try await s.parts.mixes.warm(store) == 2)
    }

    @Test("a mix asked for while it is being computed is computed once: the page waits for the warmer's join")
    func aMixIsComputedOnceAtATime() async throws {
        let s = try TestServer()
        // A segment large enough for its join to take a while.
        let day = try Timestamp.parse("2026-06-01")
        _ = try s.store.importOrders((0..<60_000).map { Order(customerID: "p\($0)", timestamp: day, amount: 1) }, source: "f")
        _ = try s.store.importStatic("everyone", ids: (0..<60_000).map { "p\($0)" }, description: "many")
        let store = s.store.backend
        let cache = MixCache()
        let version = try await MixCache.version(store, history: try await store.history(of: "everyone"))
        async let first = cache.mix(store, "everyone", "lifecycle", version)
        async let second = cache.mix(store, "everyone", "lifecycle", version)
        let (a, b) = try await (first, second)
        #expect(a.map(\.value) == ["(none)"] && a.map(\.count) == [60_000] && b.map(\.count) == [60_000])
        #expect(cache.started.load(ordering: .relaxed) == 1)
        // A later call at the same version is served from the cache; at a new one it is computed again.
        _ = try await cache.mix(store, "everyone", "lifecycle", version)
        _ = try await cache.mix(store, "everyone", "lifecycle", version + "!")
        #expect(cache.started.load(ordering: .relaxed) == 2)
    }

    @Test("an analysis recomputed through the API warms the segment pages' mixes and the overview in the background", .timeLimit(.minutes(1)))
    func analysisThroughTheAPIWarmsThePages() async throws {
        let s = try TestServer()
        let day = try Timestamp.parse("2026-06-01")
        try Self.threeCustomersAndVIP(s.store, day)
        let store = s.store.backend
        try await s.test { client in
            try await client.execute(uri: "/api/v1/analyses/rfm", method: .post, headers: TestServer.bearer(s.admin)) { #expect($0.status == .ok) }
        }
        let version = try await MixCache.version(store, history: try await store.history(of: "vip"))
        let dataVersion = try await store.dataVersion()
        // Each warming is a step of the warmer's progress: wait for the one that holds both.
        await s.parts.warmer.progress.wait { s.parts.mixes.holds("vip", "rfm_segment", version) && s.parts.overview.holds(dataVersion) }
        // The warmed mix is the members' RFM segments as the run wrote them.
        let mix = try await s.parts.mixes.mix(store, "vip", "rfm_segment", version)
        #expect(mix.map(\.count).reduce(0, +) == 2 && !mix.contains { $0.value == "(none)" })
    }

    @Test("the overview's counts are kept until anyone commits to the store, the CLI in another process included")
    func overviewCountsAreKeptUntilTheDataChanges() async throws {
        let (dir, path) = try Self.storeFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        let day = try Timestamp.parse("2026-06-01")
        let server = try SQLiteStore(path: path, cache: .server).backend
        _ = try await server.importOrders([Order(id: "a", customerID: "c1", timestamp: day, amount: 10)], source: "f")
        let cache = OverviewCache()
        #expect(try await cache.overview(server).orders == 1)
        let version = try await server.dataVersion()
        #expect(cache.holds(version))
        // Nothing committed: the next view is served from the cache at the same version.
        #expect(try await server.dataVersion() == version)
        #expect(try await cache.overview(server).orders == 1 && cache.holds(version))
        // Another process (a second connection to the file, as the CLI's import) adds a customer and two orders.
        let cli = try SQLiteStore(path: path)
        _ = try cli.importOrders([Order(id: "b", customerID: "c2", timestamp: day, amount: 5), Order(id: "c", customerID: "c1", timestamp: day, amount: 7)], source: "f")
        #expect(!cache.holds(try await server.dataVersion()))
        let after = try await cache.overview(server)
        #expect(after.orders == 3 && after.profiles == 2)
        // The server's own write moves the version too.
        _ = try await server.importOrders([Order(id: "d", customerID: "c3", timestamp: day, amount: 1)], source: "f")
        #expect(try await cache.overview(server).profiles == 3)
    }

    @Test("the warmer sees a change made by another process (the CLI) and computes the pages before anyone looks", .timeLimit(.minutes(1)))
    func theWarmerFollowsTheDataVersion() async throws {
        let (dir, path) = try Self.storeFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        let day = try Timestamp.parse("2026-06-01")
        let server = try SQLiteStore(path: path, cache: .server).backend
        let warmer = Self.warmer(server)
        await warmer.warm(startup: true)
        #expect(warmer.overview.holds(try await server.dataVersion()))
        let watching = Task { await warmer.watch() }
        defer { watching.cancel() }
        // The CLI, in another process: orders, a static segment, RFM and lifecycle written back.
        let cli = try SQLiteStore(path: path)
        try Self.threeCustomersAndVIP(cli, day)
        _ = try await RFMWriteBack.scoreAndSave(cli.backend, asOf: nil, refunds: .subtract, options: RFMOptions())
        let version = try await MixCache.version(server, history: try await server.history(of: "vip"))
        let dataVersion = try await server.dataVersion()
        await warmer.progress.wait { warmer.mixes.holds("vip", "rfm_segment", version) && warmer.overview.holds(dataVersion) }
        #expect(try await warmer.overview.overview(server).orders == 9)
    }

    @Test("with a backend that has no data version (events in ClickHouse), the warmer keeps watching until it is cancelled", .timeLimit(.minutes(1)))
    func theWarmerKeepsWatchingWithoutADataVersion() async throws {
        // The data version is nil without asking ClickHouse (nothing listens on port 9, nothing is asked).
        let storage = ClickHouseEventsStorage(primary: try SQLiteStore().backend,
                                              events: ClickHouseEventStore(url: try ClickHouseURL("clickhouse://127.0.0.1:9/none")))
        #expect(try await storage.dataVersion() == nil)
        let warmer = Self.warmer(storage)
        // A service whose run returns before shutdown stops the whole server: watching must last.
        let ended = Mutex(false)
        let watching = Task {
            await warmer.watch()
            ended.withLock { $0 = true }
        }
        // Five looks, each finding no version (nothing to warm): still watching after every one.
        let start = warmer.progress.steps
        await warmer.progress.wait { warmer.progress.steps >= start + 5 }
        #expect(!ended.withLock { $0 })
        watching.cancel()
        await watching.value
        #expect(ended.withLock { $0 })
    }

    @Test("the builder's event names are read once per five minutes of the server's clock, not at every page view")
    func eventNamesAreReusedForFiveMinutes() async throws {
        let clock = ManualClock()
        let s = try TestServer { $0.clock = clock }
        let at = clock.now
        func track(_ id: String, _ name: String) -> Message { Message(kind: .track, messageID: id, userID: "u", event: name, timestamp: at) }
        _ = try s.store.apply([track("1", "Logged In"), track("2", "Logged In"), track("3", "Exported")], source: "t", arrival: at)
        let store = s.store.backend
        #expect(try await s.parts.eventNames.names(store).map { "\($0.name) \($0.count)" } == ["Logged In 2", "Exported 1"])
        _ = try s.store.apply([track("4", "Exported"), track("5", "Exported"), track("6", "Invited")], source: "t", arrival: at)
        clock.advance(by: .seconds(299))
        #expect(try await s.parts.eventNames.names(store).map { "\($0.name) \($0.count)" } == ["Logged In 2", "Exported 1"])
        clock.advance(by: .seconds(1))
        #expect(!s.parts.eventNames.isFresh)
        #expect(try await s.parts.eventNames.names(store).map { "\($0.name) \($0.count)" } == ["Exported 3", "Logged In 2", "Invited 1"])
    }
}
