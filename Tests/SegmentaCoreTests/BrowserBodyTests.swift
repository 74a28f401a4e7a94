import Testing
@testable import SegmentaCore

/// What the browser SDKs post, decoded: lz-string (`lz64`), base64 and form bodies of posthog-js,
/// its event arrays, RudderStack's empty user ids. Expected values come from the reference
/// implementation (Python's `lzstring` 1.0.4, `compressToBase64`) and from the recorded requests
/// of `shared/wire/sdk-requests-2026-12-07.log`.
@Suite struct BrowserBodyTests {
    /// (text, `LZString.compressToBase64(text)`) computed by Python's lzstring 1.0.4 (which reads
    /// code points where JavaScript reads UTF-16 units: the same outside emoji, so none is here).
    static let lzVectors: [(String, String)] = [
        ("a", "IZA="),
        ("hello hello hello hello", "BYUwNmD2AEoTcq3FIA=="),
        ("Ünïcödé ✓ 日本語 mixed", "DsOw9wxgbwJglwAkMjkDCnpoGnNB5UQgtgSwA8BTGIA="),
        (#"[{"event":"$pageview","properties":{"distinct_id":"anon-lz","token":"TOKEN","$is_identified":false,"$current_url":"https://shop.example/home"},"uuid":"01a24e34-aaaa-7000-8000-000000000001","timestamp":"2026-12-07T01:53:19.243Z"}]"#,
         "NobwRApgbhB2AuYBcYAkAHAhgc2gSwgHcwAaMdAJwHt0IL4CBnZcAEz0YdgGN4B9PK2RhMsKrAC0AGwBepMPCoBrOMIAqAeQDSAUQBy81BwGs4DAGYEhSc5imMIZVNwCuFCmb5upwgBbx4dEYkAHoQxl8aADoIAA9MAFt0KQgQyISIMABfMhcXQWEABgBGTAAmABYIAGYKiUwGzAkAdkK2iQAONsKJbr6+4vkGDM5E9GEywrKANglist7mtRKkAFZqpGKATijK6oAtbIBdIA"),
        (String(repeating: "ab", count: 300), "IYI17SOrZ+6IcpqXrZj2u5/vQg4o0k8syi6q2m+uxhhoA==="),
    ]

    @Test(arguments: 0..<lzVectors.count)
    func lzStringDecompressesWhatTheReferenceCompressed(index: Int) throws {
        let (text, compressed) = Self.lzVectors[index]
        #expect(try LZString.decompressFromBase64(Array(compressed.utf8), maxUnits: 10_000) == text)
    }

    @Test func lzStringRefusesCutHostileAndOversizedInputs() {
        let long = Array(Self.lzVectors[4].1.utf8)
        #expect(throws: LZString.Failure.self) { try LZString.decompressFromBase64(long.prefix(10), maxUnits: 10_000) }   // cut before its end marker
        #expect(throws: LZString.Failure.self) { try LZString.decompressFromBase64(Array("ab$d".utf8), maxUnits: 10_000) }   // not base64
        #expect(throws: LZString.Failure.self) { try LZString.decompressFromBase64(long, maxUnits: 599) }   // 600 units asked, 599 allowed
        #expect(throws: LZString.Failure.self) { try LZString.decompressFromBase64(Array("////////".utf8), maxUnits: 10_000) }   // a code no entry has
        #expect(throws: LZString.Failure.self) { try LZString.decompressFromBase64([], maxUnits: 10) }
    }

    @Test func base64DecodesBothAlphabetsWithOrWithoutPadding() {
        #expect(Base64.decode(Array("eyJhIjoxfQ==".utf8)) == Array(#"{"a":1}"#.utf8))
        #expect(Base64.decode(Array("eyJhIjoxfQ".utf8)) == Array(#"{"a":1}"#.utf8))
        #expect(Base64.decode(Array("-_-_".utf8)) == [0xFB, 0xFF, 0xBF])   // URL-safe = "+/+/"
        #expect(Base64.decode(Array("+/+/".utf8)) == [0xFB, 0xFF, 0xBF])
        #expect(Base64.decode(Array("abcde".utf8)) == nil)   // no encoder writes 5 characters
        #expect(Base64.decode(Array("ab=c".utf8)) == nil)
        #expect(Base64.decode(Array("a b!".utf8)) == nil)
    }

    @Test func posthogFormsGiveTheirJSON() throws {
        let json = #"{"event":"E","distinct_id":"d","properties":{"token":"t+/"}}"#
        // base64 of the JSON, as posthog-js's compression=base64 sends it ("+" left unescaped on purpose).
        let base64 = "eyJldmVudCI6IkUiLCJkaXN0aW5jdF9pZCI6ImQiLCJwcm9wZXJ0aWVzIjp7InRva2VuIjoidCsvIn19"
        #expect(try PostHogFormBody.json(from: Array("data=\(base64)&compression=base64".utf8), compression: nil, maxBytes: 1000) == Array(json.utf8))
        let escaped = base64.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
        #expect(try PostHogFormBody.json(from: Array("data=\(escaped)".utf8), compression: "base64", maxBytes: 1000) == Array(json.utf8))
        let (text, lz) = Self.lzVectors[3]
        #expect(try PostHogFormBody.json(from: Array("data=\(lz)&compression=lz64".utf8), compression: nil, maxBytes: 10_000) == Array(text.utf8))
        #expect(try PostHogFormBody.json(from: Array("data=\(lz)".utf8), compression: "lz64", maxBytes: 10_000) == Array(text.utf8))
        // data= holding URL-encoded JSON itself.
        #expect(try PostHogFormBody.json(from: Array("data=%7B%22a%22%3A1%7D".utf8), compression: nil, maxBytes: 100) == Array(#"{"a":1}"#.utf8))
        #expect(PostHogFormBody.isForm(Array("data=x".utf8)) && !PostHogFormBody.isForm(Array(" \n[{}]".utf8)))
        do {
            _ = try PostHogFormBody.json(from: Array("payload=1".utf8), compression: nil, maxBytes: 100)
            Issue.record("a form without data was accepted")
        } catch { #expect(error.code == "invalid_body") }
        do {
            _ = try PostHogFormBody.json(from: Array("data=%%%".utf8), compression: "lz64", maxBytes: 100)
            Issue.record("bad lz64 was accepted")
        } catch { #expect(error.code == "invalid_lz64") }
    }

    @Test func posthogJSEventArraysAndAnonymousDistinctIDs() throws {
        // The shape posthog-js sends (shared/wire): an array, the token in properties, `$is_identified`.
        let body = try JSONTextParser.parse(#"""
        [{"uuid":"u1","event":"$pageview","properties":{"$current_url":"https://shop.example/","distinct_id":"anon-1","$device_id":"anon-1","$is_identified":false,"token":"KEY"},"timestamp":"2026-12-07T01:53:19.323Z"},
         {"uuid":"u2","event":"$identify","properties":{"distinct_id":"alice","$anon_distinct_id":"anon-1","$is_identified":false,"$set":{"plan":"pro"},"token":"KEY"},"timestamp":"2026-12-07T01:53:19.840Z"},
         {"uuid":"u3","event":"Order Completed","properties":{"distinct_id":"alice","$is_identified":true,"revenue":42.5,"token":"KEY"},"timestamp":"2026-12-07T01:53:20Z"}]
        """#)
        let batch = try WireBatch.decode(body, format: .posthogCapture)
        #expect(batch.bodyKey == "KEY")
        let m = try batch.items.map { try $0.get() }
        #expect(m.map(\.kind) == [.page, .identify, .track])
        #expect(m[0].userID == nil && m[0].anonymousID == "anon-1")
        #expect(m[1].userID == "alice" && m[1].anonymousID == "anon-1" && m[1].traits == ["plan": "pro"])
        #expect(m[2].userID == "alice" && m[2].anonymousID == nil && m[2].properties["token"] == nil)
    }

    @Test func emptyStringUserIDsAreAbsentAsRudderStackSendsThem() throws {
        let m = try Message.decode(["type": "page", "userId": "", "anonymousId": "15764680-c269", "name": "Home"])
        #expect(m.userID == nil && m.anonymousID == "15764680-c269")
        #expect(throws: Message.Invalid.self) { try Message.decode(["type": "page", "userId": "", "name": "Home"]) }
        #expect(throws: Message.Invalid.self) { try Message.decode(["type": "page", "userId": .array([]), "anonymousId": "a"]) }
    }
}
