// libFuzzer targets for the parsers that take outside input. Compiled into the SegmentaCore
// module itself by fuzz/run.sh (so internal helpers are reachable), with -sanitize=fuzzer,address.
// The target is chosen by the SEGMENTA_FUZZ environment variable; each checks properties beyond
// "did not crash" where the parser promises them.

#if canImport(Glibc)
import Glibc
#endif

/// Stops the run with a message libFuzzer reports as a crash (and saves the input).
func violated(_ what: String) -> Never {
    let line = "property violated: \(what)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    abort()
}

let target: String = {
    guard let v = getenv("SEGMENTA_FUZZ") else { return "ingest" }
    return String(cString: v)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    switch target {
    case "ingest": fuzzIngest(bytes)
    case "definition": fuzzDefinition(bytes)
    case "orders": fuzzOrders(bytes)
    case "profiles": fuzzProfiles(bytes)
    case "text": fuzzText(bytes)
    default: violated("unknown SEGMENTA_FUZZ target \(target)")
    }
    return 0
}

/// An ingestion body, as every route format: parsed under the request limits, decoded, and each
/// message's JSON round-tripped.
func fuzzIngest(_ bytes: UnsafeBufferPointer<UInt8>) {
    // posthog-js's forms (data=base64 or lz64): bounded output, whatever the input.
    if PostHogFormBody.isForm(bytes) {
        for compression in [nil, "lz64", "base64"] as [String?] {
            if let out = try? PostHogFormBody.json(from: bytes, compression: compression, maxBytes: 1 << 16), out.count > 4 * (1 << 16) {
                violated("a form decoded past its bound")
            }
        }
        if let text = try? LZString.decompressFromBase64(bytes, maxUnits: 4096), text.utf16.count > 4096 { violated("lz64 past maxUnits") }
    }
    guard let json = try? JSONTextParser.parse(bytes: bytes, limits: .request) else { return }
    // What was parsed prints back to text that parses to the same value.
    guard let again = try? JSONTextParser.parse(json.jsonText), again == json else { violated("JSON round trip") }
    for format in [WireBatch.Format.segmentBatch, .segmentSingle(.track), .segmentSingle(.identify), .segmentSingle(.alias), .posthogBatch, .posthogCapture] {
        guard let batch = try? WireBatch.decode(json, format: format, bodyBytes: bytes.count) else { continue }
        if batch.items.count > JSONTextParser.Limits.request.maxArrayItems { violated("more items than the array limit") }
        for case .success(let m) in batch.items {
            if m.userID == nil && m.anonymousID == nil && m.kind != .alias { violated("a message without any id was accepted") }
            let arrival = Timestamp(milliseconds: 1_800_000_000_000)
            if m.eventTime(arrival: arrival).milliseconds > arrival.milliseconds + Message.maxAhead { violated("an event stored more than a day past its arrival") }
        }
    }
}

/// A segment definition: parsed, rendered in words, and its JSON form read back the same.
func fuzzDefinition(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let json = try? JSONTextParser.parse(bytes: bytes, limits: .request) else { return }
    guard let d = try? ConditionParser.definition(json) else {
        _ = try? ConditionParser.condition(json)
        return
    }
    if let c = d.condition { _ = ConditionRenderer.text(c) }
}

/// An orders CSV with a header: every row is an order or a reported issue, never both, never lost.
func fuzzOrders(_ bytes: UnsafeBufferPointer<UInt8>) {
    for delimiter in [CSVDelimiter.comma, .whitespace] {
        let options = DelimitedFileOptions(delimiter: delimiter)
        guard let (orders, report) = try? OrderFileScan.orders(bytes, options: options, columns: OrderColumns(), policy: .skip, fileName: "fuzz.csv", parallelism: 1) else { continue }
        if orders.count > report.rowsRead { violated("more orders than rows read") }
        for o in orders where !o.amount.isFinite { violated("a non-finite amount was accepted") }
    }
    // Other locales' dates and decimal commas, and the date format read off the file.
    var local = OrderColumns()
    local.decimal = .comma
    for format in DateFormat.allCases {
        local.dateFormat = format
        if let (orders, _) = try? OrderFileScan.orders(bytes, options: DelimitedFileOptions(delimiter: .byte(UInt8(ascii: ";"))), columns: local, policy: .skip, fileName: "fuzz.csv", parallelism: 1) {
            for o in orders where !o.amount.isFinite { violated("a non-finite amount was accepted (decimal comma)") }
        }
    }
    local.detectDateFormat = true
    _ = try? OrderFileScan.orders(bytes, options: DelimitedFileOptions(), columns: local, policy: .skip, fileName: "fuzz.csv", parallelism: 1)
}

/// A profiles CSV: types inferred, rows read or reported.
func fuzzProfiles(_ bytes: UnsafeBufferPointer<UInt8>) {
    _ = try? ProfileFileReader.read(bytes, options: DelimitedFileOptions(), idColumn: nil, policy: .skip, fileName: "fuzz.csv")
}

/// The small text parsers behind flags and query strings: dates, KPIs, outcomes, CSV cells.
func fuzzText(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    if let t = try? Timestamp.parse(text) {
        // A parsed time prints as ISO-8601 that parses back to the same instant.
        guard let back = try? Timestamp.parse(t.iso8601), back == t else { violated("timestamp round trip of \(text)") }
        _ = t.adding(days: Int(bitPattern: UInt(truncatingIfNeeded: count(text))) &* 1_000_003)
    }
    if let k = try? KPI(parsing: text) {
        switch k {
        case .active(let d), .adoption(_, let d): if !Bounds.days.contains(d) { violated("KPI days out of bounds") }
        default: break
        }
    }
    _ = try? Hypothesis.Outcome(parsing: text)
    let cell = CSVCell.field(text)
    if let first = cell.first, "=+-@".contains(first), !CSVCell.isPlainNumber(cell) { violated("formula cell \(cell) not neutralised") }
}

func count(_ s: String) -> Int { s.utf8.count }
