import SegmentaCore

/// Printing RFM results as a table, CSV or JSON.
enum RFMOutput {
    static let csvHeader = "customer_id,recency,frequency,monetary,r,f,m,fm,segment"

    /// The CSV or JSON text in pieces of about 1 MiB (nothing for a table).
    static func pieces(_ result: RFMResult, format: OutputFormat) -> [String] {
        var pieces: [String] = []
        switch format {
        case .csv: csv(result) { pieces.append($0) }
        case .json: json(result) { pieces.append($0) }
        case .table: break
        }
        return pieces
    }

    /// The CSV text, handed to `emit` in pieces of about 1 MiB (default: standard output).
    static func csv(_ result: RFMResult, emit: (String) -> Void = { print($0, terminator: "") }) {
        var out = csvHeader + "\n"
        out.reserveCapacity(result.customers.count * 48)
        for c in result.customers {
            out += CSVCell.field(c.customerID)
            out += ",\(c.recency),\(c.frequency),\(JSONValue.format(c.monetary)),\(c.r),\(c.f),\(c.m),\(c.fm),\(c.segment?.rawValue ?? "")\n"
            if out.utf8.count > 1 << 20 { emit(out); out = "" }
        }
        emit(out)
    }

    /// The JSON text, handed to `emit` in pieces of about 1 MiB (default: standard output).
    static func json(_ result: RFMResult, emit: (String) -> Void = { print($0, terminator: "") }) {
        var out = "{\"as_of\":\"\(result.asOf.dateString)\",\"bins\":\(result.bins),\"customers\":["
        for (i, c) in result.customers.enumerated() {
            if i > 0 { out += "," }
            out += "{\"customer_id\":"
            JSONValue.writeString(c.customerID, to: &out)
            out += ",\"recency\":\(c.recency),\"frequency\":\(c.frequency),\"monetary\":\(JSONValue.format(c.monetary)),\"r\":\(c.r),\"f\":\(c.f),\"m\":\(c.m),\"fm\":\(c.fm),\"segment\":"
            out += c.segment.map { "\"\($0.rawValue)\"" } ?? "null"
            out += "}"
            if out.utf8.count > 1 << 20 { emit(out); out = "" }
        }
        out += "],\"summary\":["
        out += result.summary.map { s in
            "{\"segment\":\"\(s.segment.rawValue)\",\"customers\":\(s.customers),\"share\":\(JSONValue.format(s.share)),\"mean_recency\":\(JSONValue.format(s.meanRecency)),\"mean_frequency\":\(JSONValue.format(s.meanFrequency)),\"mean_monetary\":\(JSONValue.format(s.meanMonetary)),\"revenue_share\":\(JSONValue.format(s.revenueShare))}"
        }.joined(separator: ",")
        out += "],\"grid\":" + JSONValue.array(result.grid.map { .array($0.map { .number(Double($0)) }) }).jsonText + "}\n"
        emit(out)
    }

    static func table(_ result: RFMResult, source: String) {
        print(Terminal.bold("RFM of \(Fmt.thousands(result.customers.count)) customers from \(source), as of \(result.asOf.dateString)"))
        print("")
        if result.bins == 5 {
            var t = TextTable(["segment", "customers", "share", "recency (d)", "frequency", "monetary", "revenue"], rightAligned: [1, 2, 3, 4, 5, 6])
            for s in result.summary {
                t.add([s.segment.rawValue, Fmt.thousands(s.customers), Fmt.percent(s.share), Fmt.fixed(s.meanRecency, 0),
                       Fmt.fixed(s.meanFrequency, 1), Fmt.fixed(s.meanMonetary, 2), Fmt.percent(s.revenueShare)])
            }
            print(t.render())
            print("")
        }
        print(Terminal.bold("Customers by R (rows) and FM = ⌈(F+M)/2⌉ (columns)"))
        var g = TextTable(["R \\ FM"] + (1...result.bins).map(String.init), rightAligned: Set(1...result.bins))
        for r in (1...result.bins).reversed() {
            g.add(["R=\(r)"] + result.grid[r - 1].map { Fmt.thousands($0) })
        }
        print(g.render())
    }
}
