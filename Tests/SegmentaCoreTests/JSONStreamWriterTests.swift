import Testing
@testable import SegmentaCore

@Suite struct JSONStreamWriterTests {
    /// The streamed text is the same as the tree's `jsonText` (keys written in sorted order),
    /// whatever the chunk size, and parses back to the same value.
    @Test(arguments: [1, 7, 1 << 20])
    func streamedTextEqualsTheTreesText(chunk: Int) throws {
        let rows: [JSONValue] = (0..<50).map { i in
            .object(["id": .string("c\(i) \"q\" \\ é"), "n": .number(Double(i) / 3), "none": .null, "tags": .array([.string("a"), .number(1)])])
        }
        let tree: JSONValue = .object(["as_of": .string("2026-11-27"), "customers": .array(rows), "empty": .array([]), "summary": .object(["k": .number(2)])])
        var out = ""
        var w = JSONStreamWriter(chunkBytes: chunk) { out += $0 }
        w.beginObject()
        w.member("as_of", .string("2026-11-27"))
        w.key("customers")
        w.beginArray()
        for i in 0..<50 {
            w.beginObject()
            w.key("id"); w.string("c\(i) \"q\" \\ é")
            w.key("n"); w.number(Double(i) / 3)
            w.key("none"); w.number(nil as Double?)
            w.key("tags"); w.value(.array([.string("a"), .number(1)]))
            w.endObject()
        }
        w.endArray()
        w.key("empty"); w.beginArray(); w.endArray()
        w.member("summary", .object(["k": .number(2)]))
        w.endObject()
        w.finish()
        #expect(out == tree.jsonText)
        #expect(try JSONTextParser.parse(out) == tree)
    }
}

@Suite struct JSONValueBytesTests {
    @Test func bytesAreTheSameTextAsTheStringWriter() {
        let values: [JSONValue] = [
            .number(0), .number(-0.0), .number(7), .number(-42), .number(9_007_199_254_740_992), .number(-9_007_199_254_740_992),
            .number(9_007_199_254_740_994), .number(627.7099999999999), .number(1e-7), .number(.nan), .number(.infinity),
            .string(""), .string("At Risk"), .string("quote \" and \\ and \n and \u{1}"), .string("élan 🙂"),
            .bool(true), .null, .array([.number(1), .string("x")]), .object(["b": .number(2), "a": .null]),
        ]
        for v in values {
            var bytes: [UInt8] = []
            v.write(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == v.jsonText, "\(v)")
        }
    }
}
