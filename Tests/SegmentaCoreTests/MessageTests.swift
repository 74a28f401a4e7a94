import Testing
@testable import SegmentaCore

@Suite struct JSONTextParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONTextParser.parse(#"{"a":[1,-2.5e1,true,false,null],"b":"x\"y\u00e9\n","c":{}}"#)
        #expect(v == .object(["a": [1, -25, true, false, nil], "b": "x\"yé\n", "c": .object([:])]))
        #expect(v.jsonText == #"{"a":[1,-25,true,false,null],"b":"x\"yé\n","c":{}}"#)
    }

    @Test(arguments: ["{", "[1,]", "{\"a\" 1}", "01", "\"abc", "tru", "{} x", "[1 2]"])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: JSONTextParser.SyntaxError.self) { try JSONTextParser.parse(text) }
    }

    /// Found by the `ingest` fuzz target: a 16-digit integer did not survive being written and read back.
    @Test(arguments: ["8888897371100655", "9007199254740993", "123456789012345678", "1e300", "-0.1", "5e-324", "1.7976931348623157e308", "0.30000000000000004"])
    func numbersRoundTrip(text: String) throws {
        let v = try JSONTextParser.parse(text)
        let back = try JSONTextParser.parse(v.jsonText)
        #expect(back == v, "\(text) → \(v.jsonText)")
    }

    @Test func refusesRepeatedKeysAndInvalidUTF8SayingWhat() {
        do {
            _ = try JSONTextParser.parse(#"{"userId":"a","event":"x","properties":{"plan":"pro","plan":"free"}}"#)
            Issue.record("a repeated key was accepted")
        } catch {
            #expect(error.reason == #"the key "plan" appears twice in one object; send each key once"# && error.offset == 53)
        }
        // The same key in two different objects is fine.
        #expect(throws: Never.self) { try JSONTextParser.parse(#"{"a":{"k":1},"b":{"k":2}}"#) }
        let bad: [UInt8] = Array(#"{"userId":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let reason = bad.withUnsafeBufferPointer { b -> String? in
            do throws(JSONTextParser.SyntaxError) { _ = try JSONTextParser.parse(bytes: b); return nil } catch { return error.reason }
        }
        #expect(reason == "a string is not valid UTF-8; send text encoded as UTF-8")
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONTextParser.SyntaxError.self) { try JSONTextParser.parse(deep) }
    }
}

@Suite struct MessageTests {
    func decode(_ json: String, kind: Message.Kind? = nil) throws -> Message {
        try Message.decode(JSONTextParser.parseObject(json), kind: kind)
    }

    @Test func nullFieldsAreAbsentAndRudderTraitsAreFolded() throws {
        let m = try decode(#"{"type":"identify","userId":"u1","anonymousId":null,"context":{"traits":{"plan":"pro"}},"messageId":"m1","timestamp":"2026-11-22T15:20:53.347+00:00"}"#)
        #expect(m.kind == .identify && m.userID == "u1" && m.anonymousID == nil && m.traits == ["plan": "pro"] && m.messageID == "m1")
    }

    @Test(arguments: [
        (#"{"type":"track","userId":"u"}"#, "missing_event"),
        (#"{"type":"track","event":"E"}"#, "missing_user_id"),
        (#"{"type":"group","userId":"u"}"#, "missing_group_id"),
        (#"{"type":"alias","userId":"u"}"#, "missing_previous_id"),
        (#"{"type":"launch","userId":"u"}"#, "bad_type"),
        (#"{"userId":"u"}"#, "missing_type"),
        (#"{"type":"track","event":"E","userId":"u","timestamp":"yesterday"}"#, "bad_timestamp"),
        (#"{"type":"track","event":"E","userId":{"a":1}}"#, "bad_user_id"),
    ])
    func invalidMessagesSayWhy(json: String, code: String) throws {
        do { _ = try decode(json); Issue.record("accepted \(json)") } catch let error as Message.Invalid { #expect(error.code == code) }
    }

    @Test func routeGivesTheTypeAndNumericIdsBecomeText() throws {
        let m = try decode(#"{"event":"E","userId":42}"#, kind: .track)
        #expect(m.kind == .track && m.userID == "42" && m.event == "E")
    }

    @Test func segmentTimeCorrectionUsesSentAtAndReceivedAt() throws {
        // Client clock 1 hour fast: timestamp 12:00, sentAt 12:05 (client), received 11:05 (server).
        let m = try decode(#"{"type":"track","event":"E","userId":"u","timestamp":"2026-01-01T12:00:00Z","sentAt":"2026-01-01T12:05:00Z"}"#)
        #expect(m.eventTime(arrival: try Timestamp.parse("2026-01-01T11:05:00Z")) == (try Timestamp.parse("2026-01-01T11:00:00Z")))
        let noSent = try decode(#"{"type":"track","event":"E","userId":"u","timestamp":"2026-01-01T12:00:00Z"}"#)
        #expect(noSent.eventTime(arrival: try Timestamp.parse("2026-05-01")) == (try Timestamp.parse("2026-01-01T12:00:00Z")))
        let noTime = try decode(#"{"type":"track","event":"E","userId":"u"}"#)
        #expect(noTime.eventTime(arrival: try Timestamp.parse("2026-05-01")) == (try Timestamp.parse("2026-05-01")))
    }
}

@Suite struct ProfileFileReaderTests {
    @Test func infersColumnTypesAndNestsDottedNames() throws {
        let text = "id,plan,seats,active,signed_up,zip,company.size\n1,pro,3,true,2026-01-05,01234,50\n2,free,,FALSE,2026-02-01T10:00:00+01:00,75001,\n"
        let (rows, types, _) = try withBytes(text) {
            try ProfileFileReader.read($0, options: DelimitedFileOptions(), idColumn: nil, policy: .fail, fileName: "p.csv")
        }
        #expect(types == ["plan": .string, "seats": .number, "active": .boolean, "signed_up": .date, "zip": .string, "company.size": .number])
        #expect(rows[0].traits == ["plan": "pro", "seats": 3, "active": true, "signed_up": "2026-01-05", "zip": "01234", "company": ["size": 50]])
        #expect(rows[1].traits == ["plan": "free", "active": false, "signed_up": "2026-02-01T09:00:00.000Z", "zip": "75001"])
    }

    @Test func rowsWithTheWrongShapeAreNamed() throws {
        do {
            _ = try withBytes("id,plan\n1,pro,extra\n") { try ProfileFileReader.read($0, options: DelimitedFileOptions(), idColumn: nil, policy: .fail, fileName: "p.csv") }
            Issue.record("expected failure")
        } catch let error as SegmentaError {
            #expect(error.message.contains("line 2: expected 2 fields, found 3"))
        }
    }
}

@Suite struct DemoGeneratorTests {
    @Test func sameSeedSameDataAndStructureIsThere() {
        let a = DemoGenerator.generate(customers: 300, seed: 9), b = DemoGenerator.generate(customers: 300, seed: 9)
        #expect(a.messages == b.messages)
        #expect(DemoGenerator.generate(customers: 300, seed: 10).messages != a.messages)
        let kinds = Set(a.messages.map(\.kind))
        #expect(kinds == [.identify, .track, .page, .group])
        #expect(a.messages.allSatisfy { ($0.timestamp ?? a.end) < a.end })
        let events = Set(a.messages.compactMap(\.event))
        for e in ["Signed Up", "Logged In", "Order Completed", "Invoice Paid", "Support Ticket Created", "NPS Submitted", "Subscription Cancelled"] {
            #expect(events.contains(e))
        }
    }

    @Test func aHistoryEndingAnotherDayIsTheSameHistoryMovedByWholeDays() throws {
        let a = DemoGenerator.generate(customers: 200, seed: 9)
        let end = Timestamp(year: 2026, month: 12, day: 7)   // 36 days after DemoGenerator.end (2026-11-01)
        let moved = DemoGenerator.shifted(a.messages, to: end)
        #expect(moved.count == a.messages.count)
        for (m, o) in zip(moved, a.messages) {
            #expect(m.timestamp?.milliseconds == o.timestamp.map { $0.milliseconds + 36 * 86_400_000 })
            #expect(m.messageID == o.messageID && m.event == o.event && m.properties == o.properties)
            if let signup = o.traits["signed_up_at"]?.stringValue {
                #expect(try Timestamp.parse(try #require(m.traits["signed_up_at"]?.stringValue)) == (try Timestamp.parse(signup)).adding(days: 36))
            }
        }
        #expect(moved.allSatisfy { ($0.timestamp ?? end) < end })
        #expect(DemoGenerator.shifted(a.messages, to: DemoGenerator.end) == a.messages)
    }

    @Test func freePlansChurnMoreThanEnterprise() {
        let data = DemoGenerator.generate(customers: 3000, seed: 1)
        var plan: [String: String] = [:]
        var churned: Set<String> = []
        for m in data.messages {
            if m.kind == .identify, let p = m.traits["plan"]?.stringValue { plan[m.userID!] = p }
            if m.event == "Subscription Cancelled" { churned.insert(m.userID!) }
        }
        func rate(_ p: String) -> Double {
            let ids = plan.filter { $0.value == p }.map(\.key)
            return Double(ids.filter(churned.contains).count) / Double(ids.count)
        }
        #expect(rate("free") > rate("enterprise") * 2)
    }
}

@Suite struct MessageIDTests {
    @Test("an id or event name holding a NUL character is refused with a reason")
    func nulInIdsIsRefused() throws {
        for object: [String: JSONValue] in [["type": "track", "userId": "a\u{0}b", "event": "E"],
                                            ["type": "track", "userId": "a", "event": "E\u{0}"],
                                            ["type": "track", "userId": "a", "event": "E", "messageId": "m\u{0}"]] {
            #expect(throws: Message.Invalid.self) { _ = try Message.decode(object) }
        }
        #expect(try Message.decode(["type": "track", "userId": "a", "event": "E", "properties": ["p": "x\u{0}"]]).properties["p"] == "x\u{0}")
    }
}
