import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
@testable import SegmentaServer
import SegmentaStore
import Testing
import Synchronization

@Suite("Ingestion routes: the SDK wire contract")
struct IngestionTests {
    let batch = #"{"batch":[{"type":"identify","userId":"u1","traits":{"plan":"pro"},"messageId":"m1","timestamp":"2026-11-20T10:00:00Z"},{"type":"track","userId":"u1","event":"Signed Up","messageId":"m2","timestamp":"2026-11-20T10:00:01Z"}],"sentAt":"2026-11-20T10:00:02Z"}"#

    @Test("a valid batch is answered exactly 200 {\"success\":true} and stored")
    func accepted() async throws {
        let s = try TestServer()
        try await s.test { client in
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: batch)) { r in
                #expect(r.status == .ok)
                #expect(r.json == .object(["success": .bool(true)]))
            }
        }
        #expect(try s.store.traits(of: "u1") == ["plan": .string("pro")])
        #expect(try s.store.counts().events == 2)
    }

    @Test("the write key is taken from Basic (with or without the colon) or from the body; unknown or missing keys get 401")
    func authentication() async throws {
        let s = try TestServer()
        let one = #"{"type":"track","userId":"u","event":"E","messageId":"k"}"#
        try await s.test { client in
            try await client.execute(uri: "/v1/track", method: .post, headers: TestServer.basic(s.write, colon: false), body: ByteBuffer(json: one)) { #expect($0.status == .ok) }
            let inBody = #"{"type":"track","userId":"u","event":"E","messageId":"k2","writeKey":"\#(s.write)"}"#
            try await client.execute(uri: "/v1/track/", method: .post, body: ByteBuffer(json: inBody)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/track", method: .post, body: ByteBuffer(json: one)) { r in
                #expect(r.status == .unauthorized)
                #expect(r.json.objectValue?["code"] == .string("unauthorized"))
                #expect(r.json.objectValue?["detail"]?.stringValue?.contains("write key") == true)
            }
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic("not-a-key-at-all"), body: ByteBuffer(json: batch)) { #expect($0.status == .unauthorized) }
            // Read and admin keys cannot ingest: only write keys can.
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.admin), body: ByteBuffer(json: batch)) { #expect($0.status == .unauthorized) }
        }
        #expect(try s.store.counts().events == 2)
    }

    @Test("gzip bodies are decompressed; bad gzip, bad JSON and a missing batch are 400; oversize is 413")
    func transport() async throws {
        let s = try TestServer { $0.maxBodyBytes = 64 * 1024 }
        var plain = ByteBuffer(json: batch)
        let gz = try plain.compress(with: .gzip())
        try await s.test { client in
            var headers = TestServer.basic(s.write)
            headers[.contentEncoding] = "gzip"
            try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: gz) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(json: batch)) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["code"] == .string("invalid_gzip"))
            }
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: "{\"batch\": [")) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["code"] == .string("invalid_json"))
            }
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: "{\"messages\": []}")) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["code"] == .string("invalid_batch"))
            }
            let big = "{\"batch\":[" + (0..<40).map { i in #"{"type":"track","userId":"u","event":"E","messageId":"b\#(i)","properties":{"pad":"\#(String(repeating: "x", count: 2000))"}}"# }.joined(separator: ",") + "]}"
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: big)) { r in
                #expect(r.status == .contentTooLarge)
                #expect(r.json.objectValue?["code"] == .string("payload_too_large"))
            }
        }
        #expect(try s.store.counts().events == 2)   // only the gzip batch landed
    }

    @Test("bad messages inside a batch are refused in the answer and counted by reason; the rest is stored; a retry is stored once")
    func partialBatch() async throws {
        let s = try TestServer()
        let pad = String(repeating: "y", count: 33 * 1024)
        let body = #"{"batch":[{"type":"track","userId":"u","event":"Ok","messageId":"a"},{"type":"track","event":"NoUser","messageId":"b"},{"type":"track","userId":"u","event":"Big","messageId":"c","properties":{"p":"\#(pad)"}},{"type":"track","userId":"u","messageId":"d"}]}"#
        try await s.test { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: body)) { #expect($0.status == .badRequest) }
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains(#"segmenta_ingest_messages_rejected_total{reason="missing_user_id"} 2"#))
                #expect(text.contains(#"segmenta_ingest_messages_rejected_total{reason="message_too_large"} 2"#))
                #expect(text.contains(#"segmenta_ingest_messages_rejected_total{reason="missing_event"} 2"#))
                #expect(text.contains("segmenta_ingest_messages_accepted_total 1"))
                #expect(text.contains("segmenta_ingest_messages_duplicate_total 1"))
            }
        }
        #expect(try s.store.counts().events == 1)
    }

    @Test("time correction: stored time = receivedAt − (sentAt − timestamp)")
    func timeCorrection() async throws {
        let s = try TestServer()
        // The client's clock is 1 hour fast: it stamped the event 10 s before sending.
        let body = #"{"batch":[{"type":"track","userId":"t","event":"E","messageId":"x","timestamp":"2030-01-01T01:00:00Z"}],"sentAt":"2030-01-01T01:00:10Z"}"#
        let before = Timestamp.now
        try await s.test { client in
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: body)) { #expect($0.status == .ok) }
        }
        let after = Timestamp.now
        let events = try #require(try s.store.profileEvents("t", limit: 5, cursor: nil)).events
        let stored = try Timestamp.parse(try #require(events.first?.objectValue?["timestamp"]?.stringValue))
        #expect(stored.milliseconds >= before.milliseconds - 10_000 && stored.milliseconds <= after.milliseconds - 10_000)
    }

    @Test("an event dated years ahead with no sentAt is stored at its arrival, counted; a trait set from the future does not freeze")
    func futureDatedMessages() async throws {
        let s = try TestServer()
        // A phone whose clock says 2031 and a plain HTTP sender with no sentAt (issue: one such event moved everyone's "as of").
        let future = #"{"batch":[{"type":"track","userId":"f","event":"Order Completed","properties":{"revenue":10},"messageId":"f1","timestamp":"2031-05-01T00:00:00Z"},{"type":"identify","userId":"f","traits":{"plan":"enterprise"},"messageId":"f2","timestamp":"2028-01-01T00:00:00Z"}]}"#
        let inAnHour = Timestamp(milliseconds: Timestamp.now.milliseconds + 3_600_000).iso8601
        let later = #"{"batch":[{"type":"identify","userId":"f","traits":{"plan":"free"},"messageId":"f3","timestamp":"\#(inAnHour)"}]}"#
        let before = Timestamp.now
        try await s.test { client in
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: future)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: later)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(String(buffer: r.body).contains("segmenta_ingest_messages_future_dated_total 2"))
            }
            // And on the person: the API's profile and the profile page.
            try await client.execute(uri: "/api/v1/profiles/f", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["event_counts"]?.objectValue?["future_dated"] == 2)
            }
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "key=\(s.read)")) { r -> String in
                String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
            }
            try await client.execute(uri: "/profiles/f", method: .get, headers: [.cookie: cookie]) { r in
                #expect(String(buffer: r.body).contains("2 messages were dated more than a day after their arrival"))
            }
        }
        let after = Timestamp.now
        let events = try #require(try s.store.profileEvents("f", limit: 5, cursor: nil)).events
        let order = try #require(events.first { $0.objectValue?["name"] == .string("Order Completed") }?.objectValue)
        let stored = try Timestamp.parse(try #require(order["timestamp"]?.stringValue))
        #expect(stored.milliseconds >= before.milliseconds && stored.milliseconds <= after.milliseconds)
        #expect(try s.store.traits(of: "f")?["plan"] == .string("free"))
        // A day ahead is a time zone, not a wrong clock: kept as sent.
        let m = Message(kind: .track, userID: "z", event: "E", timestamp: Timestamp(milliseconds: before.milliseconds + 20 * 3_600_000))
        #expect(m.eventTime(arrival: before) == m.timestamp)
        #expect(!m.isFutureDated(arrival: before))
    }

    @Test("PostHog routes: batch with api_key answered {\"status\":1}; $set, $pageview, $groupidentify, $create_alias and capture mapped")
    func posthog() async throws {
        let s = try TestServer()
        let body = #"""
        {"api_key":"\#(s.write)","sent_at":"2026-11-20T10:00:10Z","batch":[
          {"event":"$set","distinct_id":"p1","$set":{"plan":"free"},"uuid":"e1","timestamp":"2026-11-20T10:00:00Z","properties":{"$lib":"posthog-python"}},
          {"event":"$pageview","distinct_id":"p1","uuid":"e2","properties":{"$current_url":"https://x.test/pricing"}},
          {"event":"$groupidentify","distinct_id":"p1","uuid":"e3","properties":{"$group_type":"company","$group_key":"co1","$group_set":{"name":"Co"}}},
          {"event":"$create_alias","distinct_id":"p-old","uuid":"e4","properties":{"alias":"p1"}},
          {"event":"Exported","properties":{"distinct_id":"p1","format":"csv"},"uuid":"e5"}]}
        """#
        try await s.test { client in
            try await client.execute(uri: "/batch/", method: .post, body: ByteBuffer(json: body)) { r in
                #expect(r.status == .ok)
                #expect(r.json == .object(["status": .number(1)]))
            }
            let capture = #"{"api_key":"\#(s.write)","event":"Shared","distinct_id":"p1","properties":{"n":1}}"#
            try await client.execute(uri: "/capture/", method: .post, body: ByteBuffer(json: capture)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/i/v0/e/", method: .post, body: ByteBuffer(json: #"{"event":"X","distinct_id":"p1"}"#)) { #expect($0.status == .unauthorized) }
        }
        let p = try #require(try s.store.profileDetail("p1")?.json.objectValue)
        #expect(p["traits"] == .object(["plan": .string("free")]))
        #expect(p["accounts"]?.arrayValues.first?.objectValue?["id"] == .string("co1"))
        #expect(p["identities"]?.arrayValues.compactMap { $0.objectValue?["id"]?.stringValue }.sorted() == ["p-old", "p1"])
        let counts = p["event_counts"]?.objectValue
        #expect(counts?["by_type"]?.objectValue?["page"] == .number(1))
        #expect(counts?["by_event"] == .object(["Exported": .number(1), "Shared": .number(1)]))
    }

    @Test("/health answers 503 degraded while a batch waits longer than the limit for its commit, and ok once it is stored")
    func healthSeesAStalledWriter() async throws {
        let s = try TestServer()
        let queue = IngestQueue(capacity: 100)
        let router = Router(context: AppRequestContext.self)
        SystemController(store: s.store.backend, metrics: s.parts.metrics, queue: queue, stalledAfter: .milliseconds(100)).addRoutes(to: router)
        let held = Task { try await queue.submit(MessageBatch(messages: [Message(kind: .track, messageID: "h1", userID: "a", event: "E")], source: "t", arrival: .now)) }
        while await queue.depth == 0 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(150))   // real time past the limit: what the check measures
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.json.objectValue?["status"] == .string("degraded") && r.json.objectValue?["ingest"] == .string("stalled"))
                #expect((r.json.objectValue?["ingest_waiting_seconds"]?.numberValue ?? 0) >= 0.1)
            }
        }
        await IngestWriter(queue: queue, store: s.store.backend, metrics: s.parts.metrics, logger: s.parts.logger).commitWaiting()
        #expect(try await held.value.accepted == 1)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["ingest_waiting_seconds"] == .number(0))
            }
        }
    }

    @Test("a full commit queue refuses (503 upstream) instead of dropping; what was queued is committed")
    func backpressure() async throws {
        let s = try TestServer()
        let queue = IngestQueue(capacity: 1)
        let held = Task { try await queue.submit(MessageBatch(messages: [Message(kind: .track, messageID: "q1", userID: "a", event: "E")], source: "t", arrival: .now)) }
        while await queue.depth == 0 { await Task.yield() }
        await #expect(throws: IngestQueue.Full.self) {
            try await queue.submit(MessageBatch(messages: [Message(kind: .track, messageID: "q2", userID: "b", event: "E")], source: "t", arrival: .now))
        }
        await IngestWriter(queue: queue, store: s.store.backend, metrics: s.parts.metrics, logger: s.parts.logger).commitWaiting()
        #expect(try await held.value.accepted == 1)
        #expect(try s.store.counts().events == 1)
    }
}

extension IngestionTests {
    @Test("a group commit that never answers is given up after the limit: its request gets a storage error (503), and the next batch is stored")
    func stuckCommitIsAbandoned() async throws {
        let s = try TestServer()
        let queue = IngestQueue(capacity: 100)
        let calls = Mutex(0)
        let hung = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let store = s.store.backend
        // The first commit waits on a continuation nobody resumes until the end (as a connection
        // that closed under its statement did); the ones after it store normally.
        let writer = IngestWriter(queue: queue, commit: { batches in
            if calls.withLock({ $0 += 1; return $0 }) == 1 { await withCheckedContinuation { c in hung.withLock { $0 = c } } }
            return try await store.apply(batches)
        }, metrics: s.parts.metrics, logger: s.parts.logger, commitLimit: .seconds(2))   // short, yet long enough for the next commit on a loaded machine
        let first = Task { try await queue.submit(MessageBatch(messages: [Message(kind: .track, messageID: "s1", userID: "a", event: "E")], source: "t", arrival: .now)) }
        while await queue.depth == 0 { await Task.yield() }
        let started = ContinuousClock.now
        await writer.commitWaiting()
        #expect(ContinuousClock.now - started < .seconds(5))
        await #expect { try await first.value } throws: { ($0 as? SegmentaError)?.code == .storage }
        let second = Task { try await queue.submit(MessageBatch(messages: [Message(kind: .track, messageID: "s2", userID: "b", event: "E")], source: "t", arrival: .now)) }
        while await queue.depth == 0 { await Task.yield() }
        await writer.commitWaiting()
        #expect(try await second.value.accepted == 1)
        #expect(await queue.waiting == .zero)
        hung.withLock { $0?.resume(); $0 = nil }
    }
}
