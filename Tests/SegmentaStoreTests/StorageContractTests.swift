import Foundation
import GRDB
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// The storage contract: each protocol method called through `any Storage`, on every backend,
/// against hand-computed answers.
@Suite struct StorageContractTests {
    func t(_ s: String) -> Timestamp { (try? Timestamp.parse(s)) ?? Timestamp(milliseconds: 0) }

    @Test(arguments: ContractBackend.available)
    func messagesImportedInBatchesLandTogetherOrNotAtAll(backend: ContractBackend) async throws {
        try await backend.with { store in
            let arrival = t("2026-02-01")
            let first = [Message(kind: .page, messageID: "1", anonymousID: "anon", event: "Home", timestamp: t("2026-01-01")),
                         Message(kind: .identify, messageID: "2", userID: "u1", anonymousID: "anon", traits: ["plan": "pro"], timestamp: t("2026-01-02"))]
            let second = [Message(kind: .track, messageID: "3", userID: "u1", event: "Logged In", timestamp: t("2026-01-03")),
                          Message(kind: .page, messageID: "1", anonymousID: "anon", event: "Home", timestamp: t("2026-01-01"))]   // a repeat
            await #expect(throws: SegmentaError.self) {
                _ = try await store.importMessages { emit in
                    try emit(MessageBatch(messages: first, source: "f", arrival: arrival))
                    throw SegmentaError(.invalidInput, "line 3 is not JSON")
                }
            }
            let before = try await store.counts()
            #expect(before.events == 0 && before.profiles == 0)
            let r = try await store.importMessages { emit in
                try emit(MessageBatch(messages: first, source: "f", arrival: arrival))
                try emit(MessageBatch(messages: second, source: "f", arrival: arrival))
            }
            #expect(r.accepted == 3 && r.duplicates == 1 && r.profilesMerged == 1 && r.byKind[.track] == 1 && r.byKind[.page] == 1)
            #expect(try await store.profileIDs() == ["u1"])
            #expect(try await store.activity(.event("Logged In")).map(\.customerID) == ["u1"])
            #expect(try await store.counts().events == 3)
        }
    }

    /// PostHog's server SDKs send a visitor's anonymous id as a plain distinct id (stored as a user
    /// id) until `$identify` names it `$anon_distinct_id`: then the two are one person, as in
    /// PostHog; a profile that has another user id is still never merged.
    @Test(arguments: ContractBackend.available)
    func anIdentifyMergesAProfileKnownOnlyByTheAnonymousIDItNames(backend: ContractBackend) async throws {
        try await backend.with { store in
            let arrival = t("2026-12-07T02:00:00Z")
            _ = try await store.apply([
                Message(kind: .page, messageID: "p1", userID: "anon-1", event: "https://shop.example/home", timestamp: t("2026-12-07T01:52:42Z")),
                Message(kind: .track, messageID: "p2", userID: "anon-1", event: "Product Viewed", timestamp: t("2026-12-07T01:52:43Z")),
                Message(kind: .identify, messageID: "b1", userID: "bob", traits: ["plan": "free"], timestamp: t("2026-12-07T01:00:00Z")),
            ], source: "ph", arrival: arrival)
            let r = try await store.apply([
                Message(kind: .identify, messageID: "p3", userID: "alice", anonymousID: "anon-1", traits: ["plan": "pro"], timestamp: t("2026-12-07T01:52:44Z")),
                // bob is identified by his own user id: naming him as an anonymous id never merges him.
                Message(kind: .identify, messageID: "p4", userID: "carol", anonymousID: "bob", timestamp: t("2026-12-07T01:52:45Z")),
                // The same when dave was identified earlier in the same batch.
                Message(kind: .identify, messageID: "p5", userID: "dave", traits: ["plan": "free"], timestamp: t("2026-12-07T01:52:46Z")),
                Message(kind: .identify, messageID: "p6", userID: "erin", anonymousID: "dave", timestamp: t("2026-12-07T01:52:47Z")),
            ], source: "ph", arrival: arrival)
            #expect(r.profilesMerged == 1 && r.mergesRefused == 2)
            let alice = try #require(try await store.profileID(forExternalID: "alice"))
            #expect(try await store.profileID(forExternalID: "anon-1") == alice)
            #expect(try await store.activity(.event("Product Viewed")).map(\.customerID) == [alice])
            let detail = try #require(try await store.profileDetail(alice)?.json.objectValue)
            let kinds = Dictionary(uniqueKeysWithValues: (detail["identities"]?.arrayValues ?? []).compactMap { i in
                i.objectValue.flatMap { o in o["id"]?.stringValue.map { ($0, o["kind"]?.stringValue ?? "") } }
            })
            #expect(kinds == ["alice": "user_id", "anon-1": "anonymous_id"])   // never two user ids on one profile
            #expect(detail["event_counts"]?.objectValue?["by_type"]?.objectValue?["page"] == .number(1))
            #expect(try await store.profileID(forExternalID: "bob") != store.profileID(forExternalID: "carol"))
            #expect(try await store.profileIDs().sorted() == ["alice", "bob", "carol", "dave", "erin"])
        }
    }

    /// A segment's members' values, as the drift check reads them: the store's own values of the
    /// trait (or computed trait), for the current members only.
    @Test(arguments: ContractBackend.available)
    func memberValuesAreTheTraitValuesOfTheCurrentMembers(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01")
            _ = try await store.apply([
                Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": "pro", "seats": 3, "company": ["size": 12]], timestamp: at),
                Message(kind: .identify, messageID: "2", userID: "b", traits: ["plan": "pro", "active": true], timestamp: at),
                Message(kind: .identify, messageID: "3", userID: "c", traits: ["plan": "free", "seats": 2.5], timestamp: at),
                Message(kind: .identify, messageID: "4", userID: "d", traits: ["seats": 7], timestamp: at),
            ], source: "t", arrival: at)
            try await store.replaceComputedTraits(ComputedTraitRows(["lifecycle": ["a": "active", "c": "new", "d": "lost"]]), computedAt: at)
            _ = try await store.createSegment(["name": "paying", "condition": ["trait": "seats", "op": "gte", "value": 2.5]], allowUnknownComputed: false)
            _ = try await store.refresh("paying", asOf: at)   // a, c, d
            let members = Set(try await store.members(of: "paying"))
            #expect(members == ["a", "c", "d"])
            for (name, computed) in [("plan", false), ("seats", false), ("company.size", false), ("active", false), ("lifecycle", true)] {
                let all = computed ? try await store.computedTraitValues(name) : try await store.traitValues(name)
                let mine = try await store.memberValues(of: "paying", trait: name, computed: computed)
                #expect(mine == all.filter { members.contains($0.key) }, "\(name)")
            }
            #expect(try await store.memberValues(of: "paying", trait: "plan", computed: false) == ["a": "pro", "c": "free"])
            #expect(try await store.memberValues(of: "paying", trait: "lifecycle", computed: true) == ["a": "active", "c": "new", "d": "lost"])
        }
    }

    @Test(arguments: ContractBackend.available)
    func ordersPerCurrency(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.importOrders([Order(id: "e1", customerID: "c", timestamp: t("2026-01-02"), amount: 1, currency: "EUR"),
                                              Order(id: "e2", customerID: "c", timestamp: t("2026-01-03"), amount: 1, currency: "EUR"),
                                              Order(id: "n1", customerID: "c", timestamp: t("2026-01-03"), amount: 1),
                                              Order(id: "u1", customerID: "d", timestamp: t("2026-01-04"), amount: 1, currency: "USD")], source: "test")
            let currencies = try await store.orderCurrencies()
            #expect(currencies.map(\.currency) == ["EUR", nil, "USD"] && currencies.map(\.orders) == [2, 1, 1])
        }
    }

    @Test(arguments: ContractBackend.available)
    func runsKeptForTheNextComparisonArePruned(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-04-01")
            for (subject, n) in [("a", 6), ("b", 2)] {
                for i in 0..<n {
                    try await store.recordAnalysis(kind: "segment_mix", asOf: at.adding(days: i), parameters: .object(["subject": .string(subject), "snapshot": .number(Double(i))]),
                                                   summary: .object(["i": .number(Double(i))]), values: [("p1", "x")], at: at)
                }
            }
            #expect(try await store.pruneAnalysisRuns(kind: "segment_mix", subject: "a", keep: 2) == 4)
            #expect(try await store.analysisRuns(kind: "segment_mix", parameter: "a").map { $0.summary.objectValue?["i"] } == [.number(4), .number(5)])
            #expect(try await store.analysisRuns(kind: "segment_mix", parameter: "b").count == 2)   // another subject untouched
            #expect(try await store.pruneAnalysisRuns(kind: "segment_mix", subject: "a", keep: 2) == 0)
        }
    }

    @Test(arguments: ContractBackend.available)
    func alertsAreKeptListedAndSentToWebhooks(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-04-01")
            _ = try await store.apply([Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": "pro"], timestamp: at)], source: "t", arrival: at)
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name": "pros", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}"#))
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name": "others", "condition": {"trait": "plan", "op": "neq", "value": "pro"}}"#))
            _ = try await store.createWebhook(segment: "pros", url: "https://example.com/hook", secret: "0123456789abcdef")
            let refresh = try await store.refresh("pros", asOf: at, webhookPageSize: 1000)
            let size = DriftDetector.Finding(kind: .size, trait: nil, message: "pros grew 100%", details: .object(["size": 1]))
            let mix = DriftDetector.Finding(kind: .mix, trait: "plan", message: "In pros, the share of plan = pro rose", details: .object(["p": 0.001]))
            let stored = try await store.recordAlerts([size, mix], segment: "pros", snapshot: refresh.snapshot)
            #expect(stored.map(\.kind) == ["size", "mix"] && stored.allSatisfy { $0.snapshot == refresh.snapshot.id })
            #expect(try await store.recordAlerts([], segment: "pros", snapshot: refresh.snapshot).isEmpty)
            let listed = try await store.alerts(segment: "pros", limit: 10)
            #expect(listed.map(\.message) == ["In pros, the share of plan = pro rose", "pros grew 100%"])   // newest first
            #expect(listed.first?.trait == "plan" && listed.first?.details == .object(["p": 0.001]) && listed.last?.trait == nil)
            #expect(try await store.alerts(segment: nil, limit: 1).count == 1)
            #expect(try await store.alerts(segment: "others", limit: 10).isEmpty)
            // One alert delivery (page 0) beside the membership page (1), with both alerts.
            let deliveries = try await store.webhookDeliveries(segment: "pros", limit: 10)
            let alert = try #require(deliveries.first { $0.page == 0 })
            let body = try JSONTextParser.parse(alert.body).objectValue
            #expect(body?["type"] == .string("alert") && body?["segment"] == .string("pros") && body?["alerts"]?.arrayValues.count == 2)
            #expect(deliveries.map(\.page).sorted() == [0, 1])
            // Deleting the segment takes its alerts with it.
            try await store.deleteSegment("pros")
            #expect(try await store.alerts(segment: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: ContractBackend.available)
    func ordersAreAggregatedPerCustomer(backend: ContractBackend) async throws {
        try await backend.with { store in
            let orders = [
                Order(id: "o1", customerID: "a", timestamp: t("2026-01-01T10:00:00Z"), amount: 10),
                Order(id: "o2", customerID: "a", timestamp: t("2026-01-01T18:00:00Z"), amount: 5),    // same day as o1: one purchase of 15
                Order(id: "o3", customerID: "a", timestamp: t("2026-01-11T09:00:00Z"), amount: 20),
                Order(id: "o4", customerID: "a", timestamp: t("2026-01-21T09:00:00Z"), amount: -8),   // a refund
                Order(id: "o5", customerID: "a", timestamp: t("2026-01-31T09:00:00Z"), amount: 30),
                Order(id: "o6", customerID: "b", timestamp: t("2026-01-15T00:00:00Z"), amount: 7.5),
            ]
            let first = try await store.importOrders(orders, source: "test")
            #expect(first.inserted == 6 && first.profilesCreated == 2)
            #expect(try await store.importOrders(orders, source: "test").duplicates == 6)

            let totals = try await store.customerTotals(before: nil)
            #expect(totals.ids == ["a", "b"])
            #expect(totals.count == [4, 1])            // the refund is not a purchase…
            #expect(totals.monetary == [57, 7.5])      // …but it is subtracted from the spend
            #expect(totals.first.map(\.milliseconds) == [t("2026-01-01T10:00:00Z").milliseconds, t("2026-01-15T00:00:00Z").milliseconds])

            let times = try await store.purchaseTimes(before: t("2026-01-20"))
            #expect(times["a"]?.count == 3 && times["b"]?.count == 1)
            #expect(try await store.latestOrderTime() == t("2026-01-31T09:00:00Z"))

            // Purchase days of a: Jan 1 (15), Jan 11 (20), Jan 31 (30); of b: Jan 15. Calibration ends Jan 31.
            let summaries = try await store.customerSummaries(throughDay: t("2026-01-31").epochDay, unit: .day)
            #expect(summaries == [CustomerSummary(customerID: "a", frequency: 2, recency: 30, T: 30, monetary: 25),
                                  CustomerSummary(customerID: "b", frequency: 0, recency: 0, T: 16, monetary: 0)])
        }
    }

    @Test(arguments: ContractBackend.available)
    func identitiesMergeAndMessagesCountOnce(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            let messages = [
                Message(kind: .track, messageID: "m1", anonymousID: "x1", event: "Viewed", timestamp: at),
                Message(kind: .identify, messageID: "m2", userID: "u1", anonymousID: "x1", traits: ["plan": "pro"], timestamp: at),
                Message(kind: .track, messageID: "m3", userID: "u1", event: "Exported", timestamp: at),
            ]
            let applied = try await store.apply(messages, source: "web", arrival: at)
            #expect(applied.accepted == 3)
            #expect(try await store.apply([messages[2]], source: "web", arrival: at).duplicates == 1)
            let anonymous = try await store.profileID(forExternalID: "x1")
            let known = try await store.profileID(forExternalID: "u1")
            #expect(anonymous != nil && anonymous == known)
            #expect(try await store.profileIDs().count == 1)
            #expect(try await store.traitValues("plan").values.sorted() == ["pro"])
            #expect(try await store.sampleTraits(limit: 5) == [.object(["plan": "pro"])])
            #expect(try await store.eventCounts("Exported", days: 1, asOf: at.adding(days: 1)).values.reduce(0, +) == 1)
            // Track events by frequency, ties by name; the retried message counted once; identifies are not events.
            _ = try await store.apply([Message(kind: .track, messageID: "m4", userID: "u1", event: "Viewed", timestamp: at)], source: "web", arrival: at)
            let names = try await store.eventNames(limit: 5)
            #expect(names.map(\.name) == ["Viewed", "Exported"] && names.map(\.count) == [2, 1])
            #expect(try await store.eventNames(limit: 1).map(\.name) == ["Viewed"])
        }
    }

    /// Several windows read in one pass count as each window alone would (worked out by hand):
    /// both ends included, identifies and other names left out, zeros only for the windows.
    @Test(arguments: ContractBackend.available)
    func eventCountsInSeveralWindowsAtOnce(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-31T00:00:00Z")
            var messages: [Message] = []
            for (i, (user, daysBefore)) in [("u1", 0), ("u1", 10), ("u1", 30), ("u1", 45), ("u2", 31), ("u2", 100), ("u3", 200)].enumerated() {
                messages.append(Message(kind: .track, messageID: "e\(i)", userID: user, event: "Viewed", timestamp: at.adding(days: -daysBefore)))
            }
            messages.append(Message(kind: .track, messageID: "o1", userID: "u1", event: "Other", timestamp: at))
            messages.append(Message(kind: .identify, messageID: "i1", userID: "u4", traits: ["plan": "pro"], timestamp: at))
            _ = try await store.apply(messages, source: "web", arrival: at)
            let windows = [at.adding(days: -30)...at, at.adding(days: -90)...at, at.adding(days: -60)...at.adding(days: -31)]
            let counts = try await store.eventCounts("Viewed", in: windows)
            var byUser: [String: [Double]?] = [:]
            for u in ["u1", "u2", "u3"] { byUser[u] = .some(counts[try await store.profileID(forExternalID: u) ?? ""]) }
            #expect(byUser["u1"] == [3, 4, 1])      // 0, 10, 30 days before; 45 too in 90; 45 alone in 31–60
            #expect(byUser["u2"] == [0, 1, 1])      // 31 days before
            #expect(byUser["u3"] == .some(nil))     // 200 days before: in no window, left out
            #expect(counts.count == 2)
            #expect(try await store.eventCounts("Viewed", in: []).isEmpty)
            // The one-window form gives every profile, 0 when none.
            let one = try await store.eventCounts("Viewed", days: 30, asOf: at)
            #expect(one.count == 4 && one.values.sorted() == [0, 0, 0, 3])
        }
    }

    @Test(arguments: ContractBackend.available)
    func accountMembershipsFollowGroupsAndMerges(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            _ = try await store.apply([
                Message(kind: .group, messageID: "g1", userID: "u2", groupID: "beta", timestamp: at),
                Message(kind: .group, messageID: "g2", userID: "u1", groupID: "acme", timestamp: at),
                Message(kind: .group, messageID: "g3", anonymousID: "x9", groupID: "acme", timestamp: at),
                Message(kind: .group, messageID: "g4", userID: "u1", groupID: "acme", timestamp: at.adding(days: 1)),   // already a member
                Message(kind: .identify, messageID: "i1", userID: "u3", anonymousID: "x9", timestamp: at),                 // x9's profile becomes u3's
            ], source: "web", arrival: at)
            let pairs = try await store.accountMemberships().map { "\($0.account):\($0.profile)" }
            // By account, then person; the anonymous member counted as the person it turned out to be.
            let u3 = try await store.profileID(forExternalID: "u3") ?? "?"
            #expect(pairs == ["acme:u1", "acme:\(u3)", "beta:u2"].sorted())
            #expect(try await store.profileID(forExternalID: "x9") == u3)
        }
    }

    @Test(arguments: ContractBackend.available)
    func namedTrackEventsInAWindowOnTheirProfileNow(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            _ = try await store.apply([
                Message(kind: .track, messageID: "t1", anonymousID: "x1", event: "Ticket Created", properties: ["ticket_id": 1, "channel": "chat"], timestamp: at.adding(days: -10)),
                Message(kind: .track, messageID: "t2", userID: "u2", event: "Ticket Created", properties: ["ticket_id": 2], timestamp: at.adding(days: -100)),   // before the window
                Message(kind: .track, messageID: "t3", userID: "u2", event: "Survey Answered", properties: ["csat": 4], timestamp: at.adding(days: -1)),
                Message(kind: .track, messageID: "t4", userID: "u2", event: "Logged In", timestamp: at.adding(days: -1)),                                    // not asked for
                Message(kind: .page, messageID: "t5", userID: "u2", event: "Ticket Created", timestamp: at.adding(days: -1)),                               // not a track event
                Message(kind: .identify, messageID: "t6", userID: "u1", anonymousID: "x1", timestamp: at),                                                  // x1 is u1's
            ], source: "web", arrival: at)
            let got = try await store.trackEvents(named: ["Ticket Created", "Survey Answered"], from: at.adding(days: -90), to: at)
            let u1 = try await store.profileID(forExternalID: "u1") ?? "?", u2 = try await store.profileID(forExternalID: "u2") ?? "?"
            #expect(got == [ProfileEvent(profile: u1, name: "Ticket Created", timestamp: at.adding(days: -10), properties: ["ticket_id": 1, "channel": "chat"]),
                            ProfileEvent(profile: u2, name: "Survey Answered", timestamp: at.adding(days: -1), properties: ["csat": 4])])
            #expect(try await store.trackEvents(named: [], from: at.adding(days: -90), to: at).isEmpty)
        }
    }

    @Test(arguments: ContractBackend.available)
    func segmentsRefreshWithEntriesAndExits(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "pro"]),
                                                ProfileFileReader.Row(line: 3, id: "p2", traits: ["plan": "free"])], at: t("2026-01-01"))
            let definition = try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#)
            _ = try await store.createSegment(definition, allowUnknownComputed: false)
            let first = try await store.refresh("pro", asOf: t("2026-01-02"))
            #expect(first.entered == ["p1"] && first.exited.isEmpty)
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "free"]),
                                                ProfileFileReader.Row(line: 3, id: "p2", traits: ["plan": "pro"])], at: t("2026-01-03"))
            let second = try await store.refresh("pro", asOf: t("2026-01-04"))
            #expect(second.entered == ["p2"] && second.exited == ["p1"])
            #expect(try await store.members(of: "pro") == ["p2"])
            let condition = try ConditionParser.condition(JSONTextParser.parse(#"{"trait":"plan","op":"eq","value":"pro"}"#))
            #expect(try await store.matchingProfiles(condition, asOf: t("2026-01-04")) == ["p2"])
            #expect(try await store.segments().map(\.name) == ["pro"])
            #expect(try await store.segment(named: "nope") == nil)
        }
    }

    @Test(arguments: ContractBackend.available)
    func computedTraitsAndRunsAreKept(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: [:]), ProfileFileReader.Row(line: 3, id: "p2", traits: [:])],
                                               at: t("2026-01-01"))
            var rows = ComputedTraitRows(names: ["rfm_segment", "rfm_r"])
            rows.append("p1", [.string("Champions"), .number(5)])
            rows.append("p2", [nil, .number(1)])
            try await store.replaceComputedTraits(rows, computedAt: t("2026-01-02"))
            #expect(try await store.computedTraitValues("rfm_segment") == ["p1": "Champions"])
            #expect(try await store.computedTraitValues("rfm_r") == ["p1": "5", "p2": "1"])
            try await store.recordAnalysis(kind: "rfm", asOf: t("2026-01-02"), parameters: .object([:]), summary: .object([:]),
                                           values: [("p2", "Lost"), ("p1", "Champions")], at: t("2026-01-02"))
            #expect(try await store.analysisDates(kind: "rfm") == [t("2026-01-02")])
            let kept = try await store.sortedAnalysisValues(kind: "rfm", asOf: t("2026-02-01"))
            #expect(kept?.map { "\($0.profile)=\($0.value)" } == ["p1=Champions", "p2=Lost"])
            #expect(try await store.sortedAnalysisValues(kind: "rfm", asOf: t("2025-12-31")) == nil)
        }
    }

    @Test(arguments: ContractBackend.available)
    func computedTraitsReplacedWhileTheirRowsAreComputedFromTheStore(backend: ContractBackend) async throws {
        try await backend.with { store in
            let t0 = t("2026-01-01")
            _ = try await store.importOrders([Order(id: "o1", customerID: "a", timestamp: t0, amount: 10),
                                              Order(id: "o2", customerID: "a", timestamp: t0.adding(days: 2), amount: 5),
                                              Order(id: "o3", customerID: "b", timestamp: t0, amount: 7)], source: "f")
            var old = ComputedTraitRows(names: ["rfm_f", "rfm_segment"])
            old.append("a", [.number(9), .string("Lost")])
            old.append("gone", [.number(1), .string("Lost")])
            try await store.replaceComputedTraits(old, computedAt: t0)
            // The rows read the store (on another connection) while the old values are cleared.
            try await store.replaceComputedTraits(names: ["rfm_f", "rfm_segment"], computedAt: t0) { () async throws(SegmentaError) in
                let totals = try await store.customerTotals(before: nil)
                var rows = ComputedTraitRows(names: ["rfm_f", "rfm_segment"])
                for i in 0..<totals.customerCount { rows.append(totals.ids[i], [.number(Double(totals.count[i])), i == 0 ? .string("Champions") : nil]) }
                return rows
            }
            #expect(try await store.computedTraitValues("rfm_f") == ["a": "2", "b": "1"])
            #expect(try await store.computedTraitValues("rfm_segment") == ["a": "Champions"])
            // Rows that fail, or that hold other names than announced, change nothing.
            await #expect(throws: SegmentaError.self) {
                try await store.replaceComputedTraits(names: ["rfm_f", "rfm_segment"], computedAt: t0) { () async throws(SegmentaError) -> ComputedTraitRows in
                    throw SegmentaError(.notFound, "the store has no orders")
                }
            }
            await #expect(throws: SegmentaError.self) {
                try await store.replaceComputedTraits(names: ["rfm_f", "rfm_segment"], computedAt: t0) { () async throws(SegmentaError) in
                    ComputedTraitRows(names: ["rfm_f"])
                }
            }
            #expect(try await store.computedTraitValues("rfm_f") == ["a": "2", "b": "1"])
            #expect(try await store.computedTraitValues("rfm_segment") == ["a": "Champions"])
        }
    }

    @Test(arguments: ContractBackend.available)
    func keysAuthenticateUntilRevoked(backend: ContractBackend) async throws {
        try await backend.with { store in
            let key = APIKey(id: "k1", kind: .read, name: "dashboard", prefix: "sgr_12ab", createdAt: t("2026-01-01"))
            try await store.insertKey(key, hash: "h1")
            #expect(try await store.activeKey(hash: "h1")?.id == "k1")
            #expect(try await store.activeKey(hash: "h2") == nil)
            try await store.revokeKey(id: "k1")
            #expect(try await store.activeKey(hash: "h1") == nil)          // a revoked key authenticates nothing
            #expect(try await store.key(id: "k1")?.revokedAt != nil)
            #expect(try await store.keys().map(\.id) == ["k1"])
            await #expect(throws: SegmentaError.self) { try await store.revokeKey(id: "k1") }   // already revoked
            // A write key's web origins come back as stored; no list is "any origin".
            let site = APIKey(id: "k2", kind: .write, name: "site", prefix: "sgw_12ab", createdAt: t("2026-01-02"),
                              origins: ["https://shop.example", "http://localhost:3000"])
            try await store.insertKey(site, hash: "h2")
            #expect(try await store.activeKey(hash: "h2")?.origins == ["https://shop.example", "http://localhost:3000"])
            #expect(try await store.keys().map(\.origins) == [nil, ["https://shop.example", "http://localhost:3000"]])
        }
    }

    /// Every key kind is stored and found again on every backend (support keys came with schema
    /// v16 / PostgreSQL migration 7, which widened the kinds a key may have).
    @Test(arguments: ContractBackend.available)
    func everyKeyKindIsStored(backend: ContractBackend) async throws {
        try await backend.with { store in
            for (i, kind) in APIKey.Kind.allCases.enumerated() {
                try await store.insertKey(APIKey(id: "k\(i)", kind: kind, name: kind.rawValue, prefix: "x", createdAt: t("2026-01-01")), hash: "hash\(i)")
            }
            #expect(try await store.keys().map(\.kind).sorted { $0.rawValue < $1.rawValue } == APIKey.Kind.allCases.sorted { $0.rawValue < $1.rawValue })
            #expect(try await store.activeKey(hash: "hash3")?.kind == .support)
        }
    }

    /// A profile says since when it is in each segment: the as-of of the refresh it entered at,
    /// kept across later refreshes, gone when it leaves; the API's answer is written from the
    /// same type on every backend.
    @Test(arguments: ContractBackend.available)
    func aProfileSaysSinceWhenItIsInEachSegment(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "a", traits: ["plan": "pro"]),
                                                ProfileFileReader.Row(line: 3, id: "b", traits: ["plan": "free"])], at: t("2026-01-01"))
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#), allowUnknownComputed: false)
            _ = try await store.refresh("pro", asOf: t("2026-01-05"), webhookPageSize: 100)
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "b", traits: ["plan": "pro"])], at: t("2026-01-06"))
            _ = try await store.refresh("pro", asOf: t("2026-01-12"), webhookPageSize: 100)
            #expect(try await store.profileDetail("a")?.memberships == [ProfileDetail.Membership(segment: "pro", since: t("2026-01-05"))])
            #expect(try await store.profileDetail("b")?.memberships == [ProfileDetail.Membership(segment: "pro", since: t("2026-01-12"))])
            #expect(try await store.profileDetail("b")?.json["memberships"] == [["segment": "pro", "since": "2026-01-12T00:00:00.000Z"]])
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "a", traits: ["plan": "free"])], at: t("2026-01-13"))
            _ = try await store.refresh("pro", asOf: t("2026-01-19"), webhookPageSize: 100)
            #expect(try await store.profileDetail("a")?.memberships == [])
            #expect(try await store.profileDetail("a")?.json["segments"] == [])
        }
    }

    /// The consent rule (``ConsentRule``), written once: only `consent.marketing` false or the text
    /// "false" is a denial; the SQL of each backend, the Swift form over trait values and the export
    /// all agree, by a hand-made table.
    @Test(arguments: ContractBackend.available)
    func consentIsDeniedOnlyByFalse(backend: ContractBackend) async throws {
        try await backend.with { store in
            let consents: [(String, JSONValue?)] = [("bool-false", ["marketing": false]), ("text-false", ["marketing": "false"]), ("true", ["marketing": true]),
                                                    ("text-no", ["marketing": "no"]), ("upper", ["marketing": "False"]), ("zero", ["marketing": 0]),
                                                    ("null", ["marketing": .null]), ("absent", nil), ("not-object", "false")]
            _ = try await store.importProfiles(consents.enumerated().map { i, c in
                ProfileFileReader.Row(line: i + 2, id: c.0, traits: c.1.map { ["plan": "pro", "consent": $0] } ?? ["plan": "pro"])
            }, at: t("2026-01-01"))
            let ids = consents.map(\.0)
            #expect(try await store.consentDenied(among: ids) == ["bool-false", "text-false"])
            let values = try await store.traitValues(ConsentRule.marketingTrait)
            #expect(Set(ids.filter { ConsentRule.deniesMarketing(values[$0]) }) == ["bool-false", "text-false"])
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#), allowUnknownComputed: false)
            _ = try await store.refresh("pro", asOf: t("2026-01-02"), webhookPageSize: 100)
            let exported = try await store.exportableMembers(of: "pro", after: nil, limit: 100).map(\.id)
            #expect(Set(exported) == Set(ids).subtracting(["bool-false", "text-false"]))
            #expect(try await store.exportableMembers(of: "pro", after: nil, limit: 100, includeNoConsent: true).count == ids.count)
        }
    }

    @Test("a trait's value as text, whatever its JSON type: the same on every backend", arguments: ContractBackend.available)
    func traitValuesAsText(backend: ContractBackend) async throws {
        try await backend.with { store in
            let values: [(String, JSONValue?)] = [("yes", true), ("no", false), ("zero", 0), ("int", 12), ("neg", -3), ("half", 1.5), ("thousand", 1e3),
                                                  ("text", "é\n\"q\""), ("nested", ["a": 1]), ("list", [1, "b"]), ("null", .null), ("absent", nil)]
            _ = try await store.importProfiles(values.enumerated().map { i, v in
                ProfileFileReader.Row(line: i + 2, id: v.0, traits: v.1.map { ["v": $0] } ?? ["w": 1])
            }, at: t("2026-01-01"))
            // Written by hand: strings as their characters, integers without a point, objects as compact JSON.
            #expect(try await store.traitValues("v") == ["yes": "true", "no": "false", "zero": "0", "int": "12", "neg": "-3", "half": "1.5",
                                                         "thousand": "1000", "text": "é\n\"q\"", "nested": #"{"a":1}"#, "list": #"[1,"b"]"#])
        }
    }

    @Test(arguments: ContractBackend.available)
    func refreshesQueueWebhookPagesWithoutConsentDenials(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "pro"]),
                                                ProfileFileReader.Row(line: 3, id: "p2", traits: ["plan": "pro", "consent": ["marketing": false]]),
                                                ProfileFileReader.Row(line: 4, id: "p3", traits: ["plan": "pro"])], at: t("2026-01-01"))
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#), allowUnknownComputed: false)
            let hook = try await store.createWebhook(segment: "pro", url: "https://crm.example.com/hook", secret: "s3cret-s3cret-s3cret")
            #expect(try await store.webhooks(of: "pro").map(\.id) == [hook.id])
            #expect(try await store.consentDenied(among: ["p1", "p2", "p3"]) == ["p2"])
            let refreshed = try await store.refresh("pro", asOf: t("2026-01-02"), webhookPageSize: 1)
            #expect(refreshed.entered == ["p1", "p2", "p3"])
            // p2 denied marketing consent: two ids left, one per page.
            let due = try await store.dueWebhookDeliveries(now: t("2030-01-01"), limit: 10)
            #expect(due.map(\.page) == [1, 2])
            let entered = try due.map { try JSONTextParser.parse($0.body).objectValue?["entered"] ?? .null }
            #expect(entered == [["p1"], ["p3"]])
            try await store.recordDeliveryAttempt(id: due[0].id, delivered: true, responseStatus: 200, error: nil, retryAt: nil)
            try await store.recordDeliveryAttempt(id: due[1].id, delivered: false, responseStatus: 500, error: "boom", retryAt: t("2030-06-01"))
            #expect(try await store.dueWebhookDeliveries(now: t("2030-01-01"), limit: 10).isEmpty)
            #expect(try await store.dueWebhookDeliveries(now: t("2030-06-01"), limit: 10).map(\.page) == [2])
            let log = try await store.webhookDeliveries(segment: "pro", limit: 10)
            #expect(log.map(\.status) == [.pending, .delivered] && log.map(\.attempts) == [1, 1])
            try await store.deleteWebhook(id: hook.id, segment: "pro")
            #expect(try await store.webhooks(of: "pro").isEmpty)
        }
    }

    /// A segment's life follows one set of rules (``SegmentRules``) with the same messages on every backend.
    @Test(arguments: ContractBackend.available)
    func segmentLifecycleRulesAndTheirMessages(backend: ContractBackend) async throws {
        try await backend.with { store in
            func doc(_ text: String) throws -> JSONValue { try JSONTextParser.parse(text) }
            func refusal(_ body: () async throws -> Void) async -> (SegmentaError.Code, String)? {
                do { try await body(); return nil } catch let e as SegmentaError { return (e.code, e.message) } catch { return nil }
            }
            _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "pro"])], at: t("2026-01-01"))
            let pro = #"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#
            _ = try await store.createSegment(try doc(pro), allowUnknownComputed: false)
            var r = await refusal { _ = try await store.createSegment(try doc(pro), allowUnknownComputed: false) }
            #expect(r?.0 == .conflict && r?.1 == "a segment named \"pro\" already exists; use `segments update` to change it")
            r = await refusal { _ = try await store.updateSegment(try doc(#"{"name":"nope","condition":{"trait":"plan","op":"exists","value":true}}"#), allowUnknownComputed: false) }
            #expect(r?.0 == .notFound && r?.1 == "no segment named \"nope\"; create it with `segments create`")
            var r0 = await refusal { _ = try await store.importStatic("bad name!", ids: ["p1"], description: "") }
            #expect(r0?.0 == .invalidInput && r0?.1 == "\"bad name!\" is not a valid name; use 1–64 letters, digits, -, _ or .")
            // Ids other than numbers sort by their bytes (CustomerOrder): x10 before x2.
            r0 = await refusal { _ = try await store.importStatic("fixed", ids: ["p1", "x10", "x9", "x1", "x2", "x3", "x4"], description: "") }
            #expect(r0?.0 == .invalidInput && r0?.1 == "6 ids are not known profiles (x1, x10, x2, x3, x4, …); import them first or remove them from the list")
            r0 = await refusal { _ = try await store.importStatic("pro", ids: ["p1"], description: "") }
            #expect(r0?.0 == .conflict && r0?.1 == "a segment named \"pro\" already exists; pick another name")
            r0 = await refusal { _ = try await store.refresh("nope", asOf: t("2026-01-02"), webhookPageSize: 10) }
            #expect(r0?.0 == .notFound && r0?.1 == "no segment named \"nope\"; `segmenta segments list` shows them")
            _ = try await store.importStatic("fixed", ids: ["p1"], description: "")
            r = await refusal { _ = try await store.updateSegment(try doc(#"{"name":"fixed","condition":{"trait":"plan","op":"exists","value":true}}"#), allowUnknownComputed: false) }
            #expect(r?.0 == .conflict && r?.1 == "\"fixed\" is a static segment; its members are a fixed list")
            let computed = #"{"name":"scored","condition":{"computed":"my_score","op":"gt","value":1}}"#
            r = await refusal { _ = try await store.createSegment(try doc(computed), allowUnknownComputed: false) }
            #expect(r?.0 == .invalidInput && r?.1.hasPrefix("no computed trait is named \"my_score\"; known ones: ") == true)
            #expect(try await store.createSegment(try doc(computed), allowUnknownComputed: true).name == "scored")
            r = await refusal { _ = try await store.createSegment(try doc(#"{"name":"a","condition":{"segment":"missing"}}"#), allowUnknownComputed: false) }
            #expect(r?.0 == .notFound && r?.1 == "the condition refers to segment \"missing\", which does not exist; create it first")
            _ = try await store.createSegment(try doc(#"{"name":"pro-fans","condition":{"segment":"pro"}}"#), allowUnknownComputed: false)
            r = await refusal { _ = try await store.updateSegment(try doc(#"{"name":"pro","condition":{"segment":"pro-fans"}}"#), allowUnknownComputed: false) }
            #expect(r?.0 == .invalidInput && r?.1 == "segment references form a cycle: pro-fans → pro → pro-fans")
            r = await refusal { try await store.deleteSegment("pro") }
            #expect(r?.0 == .conflict && r?.1 == "\"pro\" is used by pro-fans; change or delete those first")
            r = await refusal { try await store.deleteSegment("nope") }
            #expect(r?.0 == .notFound && r?.1 == "no segment named \"nope\"")
            try await store.deleteSegment("pro-fans")
            try await store.deleteSegment("pro")
            #expect(try await store.segments().map(\.name) == ["fixed", "scored"])
        }
    }

    /// Issue 32: a profile says how many of its messages came dated more than a day ahead (stored at
    /// their arrival); a clock corrected by `sentAt` is not one of them.
    @Test(arguments: ContractBackend.available)
    func aProfileCountsItsMessagesDatedAhead(backend: ContractBackend) async throws {
        try await backend.with { store in
            let arrival = t("2026-03-01T12:00:00Z"), ahead = t("2031-05-01T00:00:00Z")
            _ = try await store.apply([
                Message(kind: .track, messageID: "1", userID: "u", event: "Order Completed", timestamp: ahead),          // no sentAt: stored at arrival
                Message(kind: .identify, messageID: "2", userID: "u", traits: ["plan": "pro"], timestamp: ahead),       // the same for traits
                Message(kind: .track, messageID: "3", userID: "u", event: "Viewed", timestamp: ahead, sentAt: ahead),   // clock ahead, corrected by sentAt
                Message(kind: .track, messageID: "4", userID: "u", event: "Viewed", timestamp: t("2026-03-02T11:00:00Z")),   // 23 h ahead: kept as sent
                Message(kind: .track, messageID: "5", userID: "u", event: "Viewed", timestamp: arrival),
            ], source: "s", arrival: arrival)
            let counts = try await store.profileDetail("u")?.json.objectValue?["event_counts"]?.objectValue
            #expect(counts?["total"] == 5 && counts?["future_dated"] == 2)
        }
    }

    /// Issue 32: a search finds a name inside a field, case and accents aside, the same on every backend.
    @Test(arguments: ContractBackend.available)
    func searchFindsInsideFieldsCaseAndAccentsAside(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            let people: [(String, String)] = [("p1", "Anne Martin"), ("p2", "Martine Dupont"), ("p3", "José Núñez"),
                                              ("p4", "JOSE NUNEZ"), ("p5", "Jose\u{301} Nun\u{303}ez"), ("p6", "Łukasz Wójcik"), ("p7", "50% off_user")]
            _ = try await store.apply(people.enumerated().map { i, p in
                Message(kind: .identify, messageID: "m\(i)", userID: p.0, traits: ["name": .string(p.1), "email": .string("\(p.0)@example.com")], timestamp: at)
            }, source: "s", arrival: at)
            func found(_ q: String) async throws -> [String] { try await store.searchProfiles(q, traits: ["email", "name"], limit: 10).map(\.id) }
            // Starts with first, then inside; a surname is found.
            #expect(try await found("martin") == ["p2", "p1"])
            // Accents and case aside, whichever way the query and the names are written (NFC or not).
            for q in ["núñez", "NUNEZ", "Nun\u{303}ez", "josé núñez"] { #expect(try await found(q) == ["p3", "p4", "p5"], "\(q)") }
            #expect(try await found("JOSÉ") == ["p3", "p4", "p5"])
            #expect(try await found("wojcik") == ["p6"])
            #expect(try await found("lukasz") == ["p6"])
            // Exact before prefix before inside; `%` and `_` are letters, not wildcards.
            #expect(try await store.searchProfiles("jose nunez", traits: ["name"], limit: 10).map(\.exact) == [true, true, true])
            #expect(try await found("0% off_") == ["p7"])
            #expect(try await found("%") == ["p7"])
            #expect(try await found("example.com").count == 7)
            // A segment's members page finds the same way; an empty search lists everyone.
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name":"all","condition":{"trait":"name","op":"exists","value":true}}"#), allowUnknownComputed: false)
            _ = try await store.refresh("all", asOf: t("2026-03-02"), webhookPageSize: 100)
            let nunez = try await store.memberPage(of: "all", prefix: "NÚÑEZ", matching: ["name"], offset: 0, limit: 10)
            #expect(nunez.total == 3 && nunez.rows.map(\.id) == ["p3", "p4", "p5"])
            #expect(try await store.memberPage(of: "all", prefix: "martin", matching: ["name", "email"], offset: 0, limit: 10).rows.map(\.id) == ["p1", "p2"])
            #expect(try await store.memberPage(of: "all", prefix: "p6", matching: [], offset: 0, limit: 10).rows.map(\.id) == ["p6"])
            #expect(try await store.memberPage(of: "all", prefix: "", matching: ["name"], offset: 5, limit: 10).rows.map(\.id) == ["p6", "p7"])
        }
    }

    /// Issue 32: what leaves a segment between refreshes — an erasure, a merge, a withdrawn consent —
    /// reaches its webhooks as an exit with a reason, and the history adds up
    /// (size = previous + entered − exited − merged − erased).
    @Test(arguments: ContractBackend.available)
    func departuresReachWebhooksAndHistoryAddsUp(backend: ContractBackend) async throws {
        try await backend.with { store in
            let day1 = t("2026-03-01T12:00:00Z"), day2 = t("2026-03-02T12:00:00Z")
            func identify(_ id: String, _ traits: [String: JSONValue], _ n: Int, at: Timestamp) -> Message {
                Message(kind: .identify, messageID: "i\(n)", userID: id, traits: traits, timestamp: at)
            }
            _ = try await store.apply(["a", "b", "c", "new", "old"].enumerated().map { identify($1, ["plan": "pro"], $0, at: day1) }
                                      + [identify("d", ["plan": "pro", "consent": ["marketing": false]], 9, at: day1)], source: "s", arrival: day1)
            _ = try await store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#), allowUnknownComputed: false)
            _ = try await store.createWebhook(segment: "pro", url: "https://crm.example.com/hook", secret: "s3cret-s3cret-s3cret")
            let first = try await store.refresh("pro", asOf: t("2026-03-01T13:00:00Z"), webhookPageSize: 100)
            #expect(first.snapshot.size == 6)
            func body(_ d: WebhookDelivery) throws -> [String: JSONValue] { try JSONTextParser.parse(d.body).objectValue ?? [:] }
            var due = try await store.dueWebhookDeliveries(now: t("2030-01-01"), limit: 10)
            #expect(try due.map { try body($0)["entered"] } == [["a", "b", "c", "new", "old"]])   // d denied consent: withheld
            for d in due { try await store.recordDeliveryAttempt(id: d.id, delivered: true, responseStatus: 200, error: nil, retryAt: nil) }

            // b is erased; old is merged into new (an alias); c withdraws consent, d gives it.
            _ = try await store.deletePeople(["b"], suppress: false, requestID: "r1")
            _ = try await store.apply([Message(kind: .alias, messageID: "al", userID: "new", previousID: "old", timestamp: day2),
                                       identify("c", ["consent": ["marketing": false]], 20, at: day2),
                                       identify("d", ["consent": ["marketing": true]], 21, at: day2)], source: "s", arrival: day2)
            due = try await store.dueWebhookDeliveries(now: t("2030-01-01"), limit: 10)
            // Told at once, without a refresh: the id alone, with the reason.
            #expect(try due.map { try body($0)["type"] } == ["departure", "departure"])
            #expect(try due.map { try body($0)["reason"] } == ["erased", "merged"])
            #expect(try due.map { try body($0)["exited"] } == [["b"], ["old"]])
            #expect(try due.map { try body($0)["entered"] } == [[], []])
            for d in due { try await store.recordDeliveryAttempt(id: d.id, delivered: true, responseStatus: 200, error: nil, retryAt: nil) }
            // Once delivered, the erased person's id is no longer kept; the merged one's stays.
            let log = try await store.webhookDeliveries(segment: "pro", limit: 10)
            #expect(try log.prefix(2).map { try body($0)["exited"] } == [["old"], []])

            let second = try await store.refresh("pro", asOf: t("2026-03-02T13:00:00Z"), webhookPageSize: 100)
            #expect(second.snapshot.size == 4 && second.entered.isEmpty && second.exited.isEmpty)
            #expect(second.snapshot.merged == 1 && second.snapshot.erased == 1)
            let history = try await store.history(of: "pro")
            #expect(history.map(\.size) == [6, 4] && history.map(\.merged) == [0, 1] && history.map(\.erased) == [0, 1])
            #expect(history[1].size == history[0].size + history[1].entered - history[1].exited - history[1].merged - history[1].erased)
            // c is still a member (sizes count them) but leaves the receiver's list; d joins it.
            due = try await store.dueWebhookDeliveries(now: t("2030-01-01"), limit: 10)
            #expect(due.count == 1)
            let page = try body(due[0])
            #expect(page["entered"] == ["d"] && page["exited"] == ["c"] && page["consent_withdrawn"] == ["c"])
            for d in due { try await store.recordDeliveryAttempt(id: d.id, delivered: true, responseStatus: 200, error: nil, retryAt: nil) }
            // Nothing changed since: nothing to tell, and no departure counted twice.
            let third = try await store.refresh("pro", asOf: t("2026-03-03T13:00:00Z"), webhookPageSize: 100)
            #expect(third.snapshot.size == 4 && third.snapshot.merged == 0 && third.snapshot.erased == 0)
            #expect(try await store.dueWebhookDeliveries(now: t("2030-01-01"), limit: 10).isEmpty)
        }
    }

    @Test(arguments: ContractBackend.available)
    func privacyDeletesLeaveNoTraceAndSuppress(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            _ = try await store.apply([
                Message(kind: .identify, messageID: "m1", userID: "ada", anonymousID: "anon-1", traits: ["email": "ada@example.com"], timestamp: at),
                Message(kind: .track, messageID: "m2", userID: "ada", event: "Order Completed", properties: ["revenue": 42, "order_id": "o-1"], timestamp: at),
                Message(kind: .identify, messageID: "m3", userID: "bob", traits: ["email": "bob@example.com"], timestamp: at),
            ], source: "web", arrival: at)
            #expect(try await store.exportPerson("anon-1")?.objectValue?["orders"]?.arrayValues.count == 1)
            let request = try await store.deletePeople(["ada"], suppress: true, requestID: "r1")
            #expect(request.result.objectValue?["profiles"] == 1 && request.result.objectValue?["events"] == 2 && request.result.objectValue?["orders"] == 1)
            #expect(try await store.profileIDs() == ["bob"])
            #expect(try await store.profileID(forExternalID: "anon-1") == nil)
            #expect(try await store.exportPerson("ada") == nil)
            #expect(try await store.customerTotals(before: nil).ids.isEmpty)
            #expect(try await store.suppressed(among: ["ada", "anon-1", "bob"]) == ["ada", "anon-1"])
            let stored = try #require(try await store.privacyRequest(id: "r1"))
            #expect(stored.subjectHashes == [IDHash.of(id: "ada")])
            #expect(stored.id == "r1" && stored.suppress && stored.status == request.status && stored.result == request.result && stored.createdAt == request.createdAt)
            #expect(try await store.privacyRequest(id: "none") == nil)
            // A request names 1 to 5,000 ids (``Erasure``), the same answer on every backend; nothing is removed.
            for count in [0, 5001] {
                await #expect { _ = try await store.deletePeople(Array(repeating: "bob", count: count), suppress: false, requestID: "r\(count)") } throws: { e in
                    (e as? SegmentaError)?.message == "userIds must hold between 1 and 5,000 ids (got \(count))"
                }
            }
            #expect(try await store.profileIDs() == ["bob"])
            // A message that arrived before the delete and is applied after it does not bring ada back.
            let late = try await store.apply([Message(kind: .track, messageID: "m4", userID: "ada", event: "Viewed", timestamp: at)], source: "web", arrival: at)
            #expect(late.erased == 1 && late.accepted == 0)
            #expect(try await store.profileIDs() == ["bob"])
        }
    }

    /// The data version the server keeps the overview's counts by: it must move at every commit
    /// that changes what the overview counts (a message, an order, a privacy delete).
    @Test(arguments: ContractBackend.available)
    func theDataVersionMovesAtEveryCommit(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            var seen = [try #require(try await store.dataVersion())]
            _ = try await store.apply([Message(kind: .identify, messageID: "m1", userID: "ada", traits: ["plan": "pro"], timestamp: at)], source: "web", arrival: at)
            seen.append(try #require(try await store.dataVersion()))
            _ = try await store.importOrders([Order(id: "o1", customerID: "ada", timestamp: at, amount: 5)], source: "test")
            seen.append(try #require(try await store.dataVersion()))
            _ = try await store.deletePeople(["ada"], suppress: false, requestID: "r1")
            seen.append(try #require(try await store.dataVersion()))
            #expect(Set(seen).count == 4, "\(seen)")
            let o = try await store.overview()
            #expect(o.profiles == 0 && o.orders == 0)
        }
    }

    /// The version the dashboard's member mixes are kept by: runs of the named kinds move it, others do not.
    @Test(arguments: ContractBackend.available)
    func theAnalysisHighWaterFollowsOnlyItsKinds(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01")
            #expect(try await store.analysisHighWater(kinds: ["rfm", "lifecycle"]) == 0)
            try await store.recordAnalysis(kind: "rfm", asOf: at, parameters: [:], summary: [:], values: [], at: at)
            let afterRFM = try await store.analysisHighWater(kinds: ["rfm", "lifecycle"])
            #expect(afterRFM > 0)
            try await store.recordAnalysis(kind: "cohorts", asOf: at, parameters: [:], summary: [:], values: [], at: at)
            #expect(try await store.analysisHighWater(kinds: ["rfm", "lifecycle"]) == afterRFM)
            #expect(try await store.analysisHighWater(kinds: ["cohorts"]) > afterRFM)
            try await store.recordAnalysis(kind: "lifecycle", asOf: at, parameters: [:], summary: [:], values: [], at: at)
            let cohorts = try await store.analysisHighWater(kinds: ["cohorts"])
            #expect(try await store.analysisHighWater(kinds: ["rfm", "lifecycle"]) > cohorts)
            #expect(try await store.analysisHighWater(kinds: []) == 0)
        }
    }

    @Test("a store written by a newer segmenta is refused, never written to")
    func newerSchemaIsRefused() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newer-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        try queue.close()
        #expect(throws: SegmentaError.self) { _ = try SQLiteStore(path: path) }
        guard ContractBackend.available.contains(.postgres) else { return }
        try await ContractBackend.postgres.with { store in
            guard let backend = store as? PostgresBackend else { return }
            try await backend.write { pg in try await pg.execute("INSERT INTO segmenta_schema (version, name, applied_at) VALUES (99, 'from the future', 0)") }
            do {
                try await backend.migrate()
                Issue.record("a newer schema was accepted")
            } catch {
                #expect((error as? SegmentaError)?.message.contains("newer than this segmenta knows") == true)
            }
        }
    }

    @Test(arguments: ContractBackend.available)
    func aNULCharacterInPropertiesOrTraitsNeverFailsACommit(backend: ContractBackend) async throws {
        try await backend.with { store in
            let at = t("2026-03-01T12:00:00Z")
            let batches = [
                MessageBatch(messages: [Message(kind: .identify, messageID: "n1", userID: "u1", traits: ["note": "a\u{0}b", "k\u{0}": 1], timestamp: at)], source: "web", arrival: at),
                MessageBatch(messages: [Message(kind: .track, messageID: "n2", userID: "u2", event: "Viewed", properties: ["q": "x\u{0}y"], timestamp: at)], source: "web", arrival: at),
            ]
            let results = try await store.apply(batches)
            #expect(results.map(\.accepted) == [1, 1])
            // PostgreSQL holds no NUL in text and keeps U+FFFD in its place (SQLite's JSON functions
            // read a text only up to a NUL).
            let note = try await store.traitValues("note")["u1"]
            #expect(backend == .sqlite ? note != nil : note == "a\u{FFFD}b")
            #expect(try await store.eventCounts("Viewed", days: 1, asOf: at.adding(days: 1))["u2"] == 1)
        }
    }

    @Test("a request's SQL time limit stops a PostgreSQL statement with a timeout error, and the next one runs")
    func postgresStatementsStopAtTheRequestDeadline() async throws {
        guard ContractBackend.available.contains(.postgres) else { return }
        try await ContractBackend.postgres.with { store in
            guard let backend = store as? PostgresBackend else { return }
            let deadline = QueryDeadline.deadline(after: .milliseconds(200))
            await QueryDeadline.$current.withValue(deadline) {
                do {
                    try await backend.read { pg in try await pg.execute("SELECT pg_sleep(5)") }
                    Issue.record("a five-second statement ran past a 200 ms limit")
                } catch {
                    #expect((error as? SegmentaError)?.code == .timeout)
                }
            }
            let ids = try await backend.profileIDs()   // the pool is still usable
            #expect(ids.isEmpty)
        }
    }
}
