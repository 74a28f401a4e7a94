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

    /// The CSV text, handed to `emit` in order (default: standard output). Rows are formatted on
    /// every core, a wave of rows at a time, so memory stays flat whatever the number of customers.
    static func csv(_ result: RFMResult, emit: (String) -> Void = { print($0, terminator: "") }) {
        emit(csvHeader + "\n")
        let rows = result.customers
        RowText.inWaves(rows.count, emit: emit) { range in
            var out: [UInt8] = []
            out.reserveCapacity(range.count * 48)
            for i in range {
                let c = rows[i]
                out.append(contentsOf: CSVCell.field(c.customerID).utf8)
                RowText.append(c.recency, after: ",", to: &out)
                RowText.append(c.frequency, after: ",", to: &out)
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: JSONValue.format(c.monetary).utf8)
                RowText.append(c.r, after: ",", to: &out)
                RowText.append(c.f, after: ",", to: &out)
                RowText.append(c.m, after: ",", to: &out)
                RowText.append(c.fm, after: ",", to: &out)
                out.append(UInt8(ascii: ","))
                if let segment = c.segment { out.append(contentsOf: segment.rawValue.utf8) }
                out.append(UInt8(ascii: "\n"))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The JSON text, handed to `emit` in order (default: standard output); rows formatted as for ``csv(_:emit:)``.
    static func json(_ result: RFMResult, emit: (String) -> Void = { print($0, terminator: "") }) {
        emit("{\"as_of\":\"\(result.asOf.dateString)\",\"bins\":\(result.bins),\"customers\":[")
        let rows = result.customers
        RowText.inWaves(rows.count, emit: emit) { range in
            var out = ""
            out.reserveCapacity(range.count * 128)
            for i in range {
                let c = rows[i]
                if i > 0 { out += "," }
                out += "{\"customer_id\":"
                JSONValue.writeString(c.customerID, to: &out)
                out += ",\"recency\":\(c.recency),\"frequency\":\(c.frequency),\"monetary\":\(JSONValue.format(c.monetary)),\"r\":\(c.r),\"f\":\(c.f),\"m\":\(c.m),\"fm\":\(c.fm),\"segment\":"
                out += c.segment.map { "\"\($0.rawValue)\"" } ?? "null"
                out += "}"
            }
            return out
        }
        var out = "],\"summary\":["
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
