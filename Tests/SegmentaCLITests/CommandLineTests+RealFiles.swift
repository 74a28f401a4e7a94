import Foundation
import SegmentaCore
import Testing
@testable import segmenta

/// Files as people have them: US and European dates, decimal commas, `;` files, files without an
/// amount, empty files. Each expected figure is worked out by hand from the file in the test.
/// In ``CommandLineTests``, whose tests run one at a time (a failing command removes the stores
/// this process created).
extension CommandLineTests {
    func realFile(_ name: String, _ text: String) throws -> String {
        let url = try CLI.folder().appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// a: 2 orders (10 + 12.50) on 2024-12-30 and 2024-12-31; b: one of 1,234.56 on 2024-11-02.
    func rfmFromFile(_ path: String, _ extra: [String] = []) async throws -> [String: (Int, Double)] {
        let run = await CLI.run(["rfm", "--orders", path, "--format", "csv"] + extra)
        #expect(run.status == 0, "\(run.err)")
        var out: [String: (Int, Double)] = [:]
        for line in run.out.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            out[String(f[0])] = (Int(f[2]) ?? -1, Double(f[3]) ?? -1)   // customer_id,recency,frequency,monetary,…
        }
        return out
    }

    @Test func usAndEuropeanDatesAndDecimalCommasReadAsTheSameOrders() async throws {
        let iso = try realFile("iso.csv", "customer_id,date,amount\na,2024-12-30,10\na,2024-12-31,12.50\nb,2024-11-02,1234.56\n")
        let us = try realFile("us.csv", "customer_id,date,amount\na,12/30/2024,10\na,12/31/2024,12.50\nb,11/02/2024,1234.56\n")
        let eu = try realFile("eu.csv", "customer_id;date;amount\na;30.12.2024;10\na;31.12.2024;12,50\nb;02.11.2024;1.234,56\n")
        let expected = try await rfmFromFile(iso)
        #expect(expected["a"]?.0 == 2 && expected["a"]?.1 == 22.5 && expected["b"]?.1 == 1234.56)
        for (path, extra) in [(us, ["--date-format", "%m/%d/%Y"]), (us, ["--date-format", "auto"]),
                              (eu, ["--delimiter", ";", "--date-format", "%d/%m/%Y", "--decimal", "comma"]),
                              (eu, ["--delimiter", ";", "--date-format", "auto", "--decimal", "comma"])] {
            let got = try await rfmFromFile(path, extra)
            #expect(got.mapValues { "\($0.0) \($0.1)" } == expected.mapValues { "\($0.0) \($0.1)" }, "\(extra)")
        }
    }

    @Test func whatIsWrongSaysHowToReadIt() async throws {
        // A US file read as ISO: the error names the option.
        let us = try realFile("us.csv", "customer_id,date,amount\na,12/31/2024,10\n")
        var run = await CLI.run(["rfm", "--orders", us])
        #expect(run.status == 1 && run.err.contains("--date-format"), "\(run.err)")
        // Every date reads both ways: never a guess.
        let ambiguous = try realFile("amb.csv", "customer_id,date,amount\na,01/02/2024,10\nb,03/04/2024,5\n")
        run = await CLI.run(["rfm", "--orders", ambiguous, "--date-format", "auto"])
        #expect(run.status == 1 && run.err.contains("reads both as month/day and as day/month") && run.err.contains("01/02/2024"), "\(run.err)")
        // Day-first and month-first in one file.
        let mixed = try realFile("mixed.csv", "customer_id,date,amount\na,31/01/2024,10\nb,01/31/2024,5\n")
        run = await CLI.run(["rfm", "--orders", mixed, "--date-format", "auto"])
        #expect(run.status == 1 && run.err.contains("mixes day-first dates (31/01/2024) and month-first dates (01/31/2024)"), "\(run.err)")
        // A ; file read with the default delimiter: the delimiter is named.
        let semicolons = try realFile("semi.csv", "customer_id;date;amount\na;2024-12-31;10\n")
        run = await CLI.run(["rfm", "--orders", semicolons])
        #expect(run.status == 1 && run.err.contains("--delimiter ';'"), "\(run.err)")
        let tabs = try realFile("tabs.tsv", "customer_id\tdate\tamount\na\t2024-12-31\t10\n")
        run = await CLI.run(["rfm", "--orders", tabs])
        #expect(run.status == 1 && run.err.contains("--delimiter tab"), "\(run.err)")
        // A decimal comma read as a point.
        let comma = try realFile("comma.csv", "customer_id;date;amount\na;2024-12-31;12,50\n")
        run = await CLI.run(["rfm", "--orders", comma, "--delimiter", ";"])
        #expect(run.status == 1 && run.err.contains("--decimal comma"), "\(run.err)")
        run = await CLI.run(["rfm", "--orders", comma, "--date-format", "%b %d"])
        #expect(run.status == 64 && run.err.contains("--date-format"), "\(run.err)")
    }

    @Test func emptyInputsAndSkipsThatKeepNothingAreErrors() async throws {
        let headerOnly = try realFile("empty.csv", "customer_id,date,amount\n")
        for command in [["rfm"], ["lifecycle"], ["clv"], ["cohorts"]] {
            let run = await CLI.run(command + ["--orders", headerOnly])
            #expect(run.status == 1 && run.err.contains("has no rows after its header"), "\(command): \(run.err)")
            #expect(!run.out.contains("1970-01-01"))
        }
        let allBad = try realFile("bad.csv", "customer_id,date,amount\na,not-a-date,10\nb,2024-01-01,ten\n")
        let run = await CLI.run(["rfm", "--orders", allBad, "--on-error", "skip"])
        #expect(run.status == 1 && run.err.contains("no valid row") && run.err.contains("2 bad rows"), "\(run.err)")
        // An import of nothing changes nothing and leaves no store behind.
        let db = try CLI.folder().appendingPathComponent("s.sqlite").path
        let imported = await CLI.run(["import", "orders", headerOnly, "--db", db])
        #expect(imported.status == 1 && imported.err.contains("has no rows after its header"), "\(imported.err)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func aReportFromAFileHasPersonas() async throws {
        // 12 customers: 6 recent big spenders, 6 long gone with one small order each.
        var text = "customer_id,date,amount\n"
        for i in 0..<6 { text += "hi\(i),2024-12-0\(i + 1),500\nhi\(i),2024-11-1\(i),450\nhi\(i),2024-10-1\(i),480\n" }
        for i in 0..<6 { text += "lo\(i),2023-0\(i + 1)-15,12\n" }
        let path = try realFile("orders.csv", text)
        let out = try CLI.folder().appendingPathComponent("r.html").path
        let run = await CLI.run(["report", "--orders", path, "--out", out])
        #expect(run.status == 0, "\(run.err)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("Customers per persona"))
        #expect(html.contains("High spenders") || html.contains("Recently active") || html.contains("Frequent buyers"), "named from what sets them apart")
    }

    /// Issue 32: lifetimes' own example files have no amounts. The purchase model (BG/NBD) needs
    /// only who bought when: on the CDNOW sample without its amounts, the parameters and P(alive)
    /// are lifetimes' (0.11.3, `summary_data_from_transaction_data(freq="D")` in weeks, to 1998-06-30).
    @Test func clvOfAFileWithoutAmountsFitsThePurchaseModel() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SegmentaCoreTests/Fixtures/cdnow/CDNOW_sample.txt")
        var csv = "date,id\n"
        for line in try String(contentsOf: fixture, encoding: .utf8).split(whereSeparator: \.isNewline) {   // CRLF lines
            let f = line.split(separator: " ")
            guard f.count >= 5 else { continue }
            let d = f[2]
            csv += "\(d.prefix(4))-\(d.dropFirst(4).prefix(2))-\(d.suffix(2)),\(f[0])\n"
        }
        let path = try realFile("cdnow_date_id.csv", csv)
        let run = await CLI.run(["clv", "--orders", path, "--customer-column", "id", "--format", "json"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err.contains("no amount column: expected purchases and P(alive) only"))
        let out = try JSONTextParser.parse(run.out).objectValue ?? [:]
        let fit = out["bgnbd"]?.objectValue ?? [:]
        let lifetimes: [String: Double] = ["r": 0.253561043599183, "alpha": 5.447251837074497, "a": 0.6073660515643642, "b": 2.6472346803197864]
        for (k, v) in lifetimes { #expect(abs((fit[k]?.numberValue ?? 0) / v - 1) < 1e-4, "\(k)") }
        let first = out["customers"]?.arrayValues.first?.objectValue ?? [:]
        #expect(first["customer_id"] == "00004" && abs((first["p_alive"]?.numberValue ?? 0) - 0.66111928) < 1e-6)
        #expect(first["clv"] == .null)
    }

    @Test func cohortsOfAFileWithoutAmountsCountItsOrders() async throws {
        // lifetimes' example_transactions.csv has only date and id: a's first month is Jan, back in Feb; b only in Jan.
        let path = try realFile("tx.csv", "date,id\n2024-01-05,a\n2024-02-10,a\n2024-01-20,b\n")
        let run = await CLI.run(["cohorts", "--orders", path, "--customer-column", "id", "--format", "csv"])
        #expect(run.status == 0, "\(run.err)")
        // January's cohort: 2 customers, both active in month 0, one (a) in month 1.
        #expect(run.out == "cohort,period,size,active,retention\n2024-01,0,2,2,1\n2024-01,1,2,1,0.5\n", "\(run.out)")
    }
}
