import Testing
@testable import SegmentaCore

@Suite struct OrderFileTests {
    func scan(_ text: String, policy: ErrorPolicy = .fail, options: DelimitedFileOptions = DelimitedFileOptions(),
              columns: OrderColumns = OrderColumns()) throws -> ([Order], ScanReport) {
        try withBytes(text) { try OrderFileScan.orders($0, options: options, columns: columns, policy: policy, fileName: "orders.csv") }
    }

    @Test func readsOptionalColumnsAndMappedNames() throws {
        let (orders, report) = try scan("Client,When,Total,order_id,currency\nc1,2026-01-02,12.50,o1,eur\nc2,20260103,3,,\n",
                                        columns: OrderColumns(customer: "client", date: "when", amount: "total"))
        #expect(report.rowsRead == 2)
        #expect(orders == [Order(id: "o1", customerID: "c1", timestamp: try Timestamp.parse("2026-01-02"), amount: 12.5, currency: "EUR"),
                           Order(id: nil, customerID: "c2", timestamp: try Timestamp.parse("2026-01-03"), amount: 3, currency: nil)])
    }

    @Test func badRowsAreNamedByLineColumnAndReasonAndFailTheWholeFile() throws {
        let text = "customer_id,date,amount\nc1,2026-01-02,10\nc2,2026-02-30,10\nc3,2026-01-02,ten\n,2026-01-02,1\nc5,2026-01-02\n"
        do {
            _ = try scan(text)
            Issue.record("expected a failure")
        } catch let error as SegmentaError {
            #expect(error.message.contains("line 3, column date: \"2026-02-30\" is not a date: day 30 does not exist in 2026-02"))
            #expect(error.message.contains("line 4, column amount: \"ten\" is not a number"))
            #expect(error.message.contains("line 5, column customer_id: the customer id is empty"))
            #expect(error.message.contains("line 6: expected 3 fields"))
            #expect(error.message.contains("--on-error skip"))
        }
        let (orders, report) = try scan(text, policy: .skip)
        #expect(orders.map(\.customerID) == ["c1"])
        #expect(report.issueCount == 4 && report.rowsRead == 5)
        #expect(report.issuesByColumn == ["date": 1, "amount": 1, "customer_id": 1, "row": 1])
    }

    @Test func missingColumnsSayWhichFlagToUse() throws {
        #expect(throws: SegmentaError.self) { try scan("id,date,amount\n1,2026-01-01,1\n") }
        do { _ = try scan("id,date,amount\n1,2026-01-01,1\n") } catch let error as SegmentaError {
            #expect(error.message.contains("--customer-column"))
            #expect(error.message.contains("id, date, amount"))
        }
    }

    @Test func noHeaderNeedsColumnNames() {
        #expect(throws: SegmentaError.self) { try scan("1 19970101 1 1\n", options: DelimitedFileOptions(delimiter: .whitespace, hasHeader: false)) }
    }

    @Test func parallelAndSerialScansAgreeOnLargeInput() throws {
        var text = "customer_id,date,amount\n"
        var rng = SplitMix64(seed: 3)
        for _ in 0..<60_000 {
            text += "\(Int(rng.uniform() * 5000)),2025-\(Timestamp.pad(Int(rng.uniform() * 12) + 1, 2))-1\(Int(rng.uniform() * 9)),\(Int(rng.uniform() * 10000)).\(Int(rng.uniform() * 100))\n"
        }
        text += "oops,2025-01-01,1\nx,bad,1\n"
        let one = try withBytes(text) { try OrderFileScan.totals($0, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .skip, fileName: "f", parallelism: 1) }
        let two = try withBytes(text) { try OrderFileScan.totals($0, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .skip, fileName: "f", parallelism: 2) }
        #expect(one.totals.ids == two.totals.ids)
        #expect(one.totals.count == two.totals.count)
        #expect(zip(one.totals.monetary, two.totals.monetary).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(one.report.issues == two.report.issues)
        #expect(two.report.issues.first?.line == 60_003)
    }
}

@Suite struct OrderBatchTests {
    @Test func segmentsCoverEveryRowAndKeepLineNumbers() throws {
        var text = "customer_id,date,amount\n"
        for i in 0..<5000 { text += "\(i % 97),2026-01-\(Timestamp.pad(i % 28 + 1, 2)),\(i % 50).5\n" }
        text += "x,2026-13-01,1\n"
        var seen = 0
        let report = try withBytes(text) { buffer in
            try OrderFileScan.forEachBatch(buffer, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .skip, fileName: "f",
                                           segmentBytes: 4096) { seen += $0.count }
        }
        #expect(seen == 5000)
        #expect(report.issues.map(\.line) == [5002])
        do {
            _ = try withBytes(text) { buffer in
                try OrderFileScan.forEachBatch(buffer, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .fail, fileName: "f",
                                               segmentBytes: 4096) { _ in }
            }
            Issue.record("expected a failure")
        } catch let e as SegmentaError {
            #expect(e.message.contains("line 5002, column date"))
        }
    }
}

@Suite struct FutureOrderTests {
    @Test("an order dated after the bound is a bad row with its line and the fix; without a bound it is read")
    func futureOrdersRefused() throws {
        let text = "customer_id,date,amount\n1,2026-01-05,10\n2,2150-01-01,20\n"
        var copy = text
        try copy.withUTF8 { bytes in
            let bound = try Timestamp.parse("2026-11-28")
            let (orders, report) = try OrderFileScan.orders(bytes, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .skip, fileName: "o.csv", notAfter: bound)
            #expect(orders.map(\.customerID) == ["1"])
            #expect(report.issues.first?.line == 3)
            #expect(report.issues.first?.reason.contains("--allow-future") == true)
            let (all, _) = try OrderFileScan.orders(bytes, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .skip, fileName: "o.csv")
            #expect(all.count == 2)
        }
    }
}
