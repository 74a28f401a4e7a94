import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
@testable import SegmentaServer
import SegmentaStore
import Testing

/// People can tell how fresh a membership is: the API and the pages say when the server's
/// scheduled refresh runs next (issue 36, "visible").
@Suite("The next scheduled refresh, said by the API and the pages")
struct RecomputeScheduleTests {
    static let t0 = (try? Timestamp.parse("2026-12-07T10:00:00Z")) ?? Timestamp(milliseconds: 0)

    @Test func theServiceSaysWhenItRunsNextAndIsOffOnceStopped() async throws {
        let clock = ManualClock(Self.t0)
        let s = try TestServer { $0.clock = clock }
        var service = s.parts.recompute
        service.clock = clock
        #expect(service.schedule.state == .off)
        let running = Task { [service] in try await service.run() }
        // The interval of a server left at its default (refresh off in the test: one hour).
        let due = try Timestamp.parse("2026-12-07T11:00:00Z")
        for _ in 0..<500 where service.schedule.state != .waiting(until: due) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(service.schedule.state == .waiting(until: due))
        #expect(service.schedule.nextRefresh == due && service.schedule.words == "7 Dec 2026, 11:00 UTC")
        running.cancel()
        _ = try? await running.value
        #expect(service.schedule.state == .off && service.schedule.nextRefresh == nil && service.schedule.words == "not scheduled")
    }

    @Test func durationsAddInWholeMillisecondsAndSaturate() throws {
        #expect(RecomputeSchedule.adding(.seconds(900), to: Self.t0) == (try Timestamp.parse("2026-12-07T10:15:00Z")))
        #expect(RecomputeSchedule.adding(.milliseconds(1500), to: Self.t0).milliseconds == Self.t0.milliseconds + 1500)
        #expect(RecomputeSchedule.adding(.seconds(Int64.max), to: Self.t0).milliseconds == Int64.max)
    }

    @Test func theSegmentAPISaysIt() async throws {
        let s = try TestServer()
        _ = try s.store.createSegment(["name": "pro", "condition": ["trait": "plan", "op": "eq", "value": "pro"]])
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": "pro"], timestamp: Self.t0)], source: "t", arrival: Self.t0)
        _ = try s.store.importStatic("vip", ids: ["a"])
        try await s.test { client in
            let read = TestServer.bearer(s.read)
            try await client.execute(uri: "/api/v1/segments/pro", method: .get, headers: read) { r in
                #expect(r.json.objectValue?["next_refresh_at"] == .null)   // this test server schedules none
            }
            s.parts.recompute.schedule.set(.waiting(until: Self.t0))
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: read) { r in
                let all = r.json.objectValue?["segments"]?.arrayValues.compactMap(\.objectValue) ?? []
                #expect(all.first { $0["name"] == "pro" }?["next_refresh_at"] == "2026-12-07T10:00:00.000Z")
                #expect(all.first { $0["name"] == "vip" }?["next_refresh_at"] == .null)   // a static list is never refreshed
            }
        }
    }
}
