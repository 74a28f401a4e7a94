import Foundation
import Testing
import SegmentaCore
@testable import segmenta

/// The command line as people type it: arguments, output formats, exit statuses and error text,
/// on a temporary store, each answer worked out by hand. One at a time: a failing command
/// removes the stores this process created (as the real process does), which are process-wide.
@Suite(.serialized) struct CommandLineTests {
    /// Three customers: a (2 orders, 100 in all, last on 1 March), b (1 order of 20 on 15 February),
    /// c (3 orders, 60 in all, last on 25 March).
    static let orders = """
        customer_id,date,amount,order_id
        a,2026-01-10,30,o1
        a,2026-03-01,70,o2
        b,2026-02-15,20,o3
        c,2026-01-05,10,o4
        c,2026-02-05,20,o5
        c,2026-03-25,30,o6

        """

    @Test func importThenRFMGivesTheScoresWorkedOutByHand() async throws {
        let dir = try CLI.folder()
        let file = dir.appendingPathComponent("orders.csv").path, db = dir.appendingPathComponent("s.sqlite").path
        try Self.orders.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = await CLI.run(["import", "orders", file, "--db", db])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.contains("6"), "\(imported.out)")

        let rfm = await CLI.run(["rfm", "--db", db, "--as-of", "2026-04-01", "--format", "csv"])
        #expect(rfm.status == 0, "\(rfm.err)")
        let lines = rfm.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,recency,frequency,monetary,r,f,m,fm,segment")
        var rows: [String: [String]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[cells[0]] = cells
        }
        // Recency in days to 1 April: a 31, b 45, c 7. With 3 customers and 5 bins the ranks 1, 2, 3
        // score 1, 3, 5 (⌈5·(rank−1)/2⌉, at least 1); recency ranks descending (b, a, c), frequency
        // and monetary ascending (f: b, a, c; m: b 20, c 60, a 100); fm = ⌈(f+m)/2⌉.
        let expected: [String: (recency: Double, frequency: Double, monetary: Double, r: String, f: String, m: String, fm: String)] = [
            "a": (31, 2, 100, "3", "3", "5", "4"),
            "b": (45, 1, 20, "1", "1", "1", "1"),
            "c": (7, 3, 60, "5", "5", "3", "4"),
        ]
        #expect(Set(rows.keys) == Set(expected.keys))
        for (id, e) in expected {
            let row = try #require(rows[id])
            #expect(Double(row[1]) == e.recency && Double(row[2]) == e.frequency && Double(row[3]) == e.monetary, "\(row)")
            #expect(Array(row[4...7]) == [e.r, e.f, e.m, e.fm], "\(id): \(row)")
        }

        // JSON carries the same numbers.
        let json = await CLI.run(["rfm", "--db", db, "--as-of", "2026-04-01", "--format", "json"])
        #expect(json.status == 0, "\(json.err)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8))
        let customers = (parsed as? [String: Any])?["customers"] as? [[String: Any]] ?? (parsed as? [[String: Any]]) ?? []
        #expect(customers.count == 3, "\(json.out.prefix(300))")
        #expect(customers.first { $0["customer_id"] as? String == "a" }?["monetary"] as? Double == 100)
    }

    @Test func aBadOptionValueIsRefusedWithTheUsageStatus() async {
        let run = await CLI.run(["rfm", "--format", "xml"])
        #expect(run.status == 64)   // EX_USAGE, as ArgumentParser ends the process
        #expect(run.err.contains("xml"), "\(run.err)")
        #expect(run.out.isEmpty)
    }

    @Test func aMissingStoreSaysHowToMakeOne() async throws {
        let db = try CLI.folder().appendingPathComponent("none.sqlite").path
        let run = await CLI.run(["rfm", "--db", db])
        #expect(run.status == 1)
        #expect(run.err.hasPrefix("error: no store at \(db)"), "\(run.err)")
        #expect(run.err.contains("segmenta demo"))
        #expect(!FileManager.default.fileExists(atPath: db), "reading must not create a store")
    }

    @Test func aBadFileNamesItsLineAndLeavesNoStoreBehind() async throws {
        let dir = try CLI.folder()
        let file = dir.appendingPathComponent("bad.csv").path, db = dir.appendingPathComponent("new.sqlite").path
        try "customer_id,date,amount\nx,2026-01-01,5\ny,not-a-date,7\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = await CLI.run(["import", "orders", file, "--db", db])
        #expect(run.status == 1)
        #expect(run.err.contains("line 3"), "\(run.err)")
        #expect(run.err.contains("not-a-date"), "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: db), "a failed import must leave no new store")
    }

    @Test func segmentsAreCreatedListedAndShownInWords() async throws {
        let dir = try CLI.folder()
        let file = dir.appendingPathComponent("orders.csv").path, db = dir.appendingPathComponent("s.sqlite").path
        try Self.orders.write(toFile: file, atomically: true, encoding: .utf8)
        _ = await CLI.run(["import", "orders", file, "--db", db])
        let definition = dir.appendingPathComponent("big.json").path
        try #"{"name": "big-spenders", "condition": {"orders": "sum", "op": "gte", "value": 60}}"#
            .write(toFile: definition, atomically: true, encoding: .utf8)
        let created = await CLI.run(["segments", "create", "--file", definition, "--db", db])
        #expect(created.status == 0, "\(created.err)")
        let refreshed = await CLI.run(["segments", "refresh", "big-spenders", "--as-of", "2026-04-01", "--db", db])
        #expect(refreshed.status == 0, "\(refreshed.err)")
        // a spent 100 and c 60: both at least 60; b spent 20.
        let members = await CLI.run(["segments", "members", "big-spenders", "--include-no-consent", "--db", db])
        #expect(members.out.split(separator: "\n").dropFirst().map(String.init).sorted() == ["a", "c"], "\(members.out)")
        let list = await CLI.run(["segments", "list", "--format", "json", "--db", db])
        let names = (try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["big-spenders"])
        let unknown = await CLI.run(["segments", "show", "nope", "--db", db])
        #expect(unknown.status == 1 && unknown.err.contains("nope"), "\(unknown.err)")
    }

    @Test func versionAndHelpGoToStdoutAndSucceed() async {
        let version = await CLI.run(["--version"])
        #expect(version.status == 0 && version.out == "0.1.0\n")
        let help = await CLI.run(["rfm", "--help"])
        #expect(help.status == 0 && help.out.contains("--as-of"))
    }
}

extension CommandLineTests {
    /// The CLI's refreshes raise drift alerts with the thresholds the server uses (issue 35): the
    /// same flags, read from the same variables. 100 pros for five weekly refreshes, then 25 move
    /// to free (evenly across countries, so the mix holds): 75 is inside 3σ (70–130, σ at least
    /// √100 = 10) and outside 2σ (80–120).
    @Test func segmentRefreshAlertsWithTheGivenThresholds() async throws {
        func store(_ sigma: String?) async throws -> String {
            let dir = try CLI.folder()
            let db = dir.appendingPathComponent("s.sqlite").path, people = dir.appendingPathComponent("people.csv").path
            let rows = (0..<200).map { i in "u\(i),\(i < 100 ? "pro" : "free"),\(i < 50 ? "FR" : i < 150 ? "DE" : "US")" }
            try (["id,plan,country"] + rows).joined(separator: "\n").write(toFile: people, atomically: true, encoding: .utf8)
            #expect(await CLI.run(["import", "profiles", people, "--db", db]).status == 0)
            let definition = dir.appendingPathComponent("pros.json").path
            try #"{"name": "pros", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}"#.write(toFile: definition, atomically: true, encoding: .utf8)
            #expect(await CLI.run(["segments", "create", "--file", definition, "--db", db]).status == 0)
            for day in ["05", "12", "19", "26"] {
                let r = await CLI.run(["segments", "refresh", "pros", "--as-of", "2026-01-\(day)", "--db", db])
                #expect(r.status == 0 && !r.out.contains("alert"), "\(r.out)\(r.err)")
            }
            #expect(await CLI.run(["segments", "refresh", "pros", "--as-of", "2026-02-02", "--db", db]).status == 0)
            let moved = (0..<13).map { "u\($0),free" } + (50..<62).map { "u\($0),free" }
            try (["id,plan"] + moved).joined(separator: "\n").write(toFile: people, atomically: true, encoding: .utf8)
            #expect(await CLI.run(["import", "profiles", people, "--db", db]).status == 0)
            let r = await CLI.run(["segments", "refresh", "pros", "--as-of", "2026-02-09", "--db", db] + (sigma.map { ["--alert-sigma", $0] } ?? []))
            #expect(r.status == 0, "\(r.err)")
            return r.out
        }
        #expect(!(try await store(nil)).contains("alert"))
        #expect(try await store("2").contains("alert: pros shrank 25% in a week: 75 members against 100 at the previous refresh and a usual range of 80–120 over the last 5 refreshes."))
        let bad = await CLI.run(["segments", "refresh", "--alert-sigma", "0.5"])
        #expect(bad.status != 0 && bad.err.contains("must be between 1 and 10 standard deviations"), "\(bad.err)")
    }

    @Test func driftThresholdsComeFromTheFlagThenTheEnvironment() throws {
        let none = try DriftOptions.parse([])
        #expect(try none.options(environment: [:]) == DriftDetector.Options())
        #expect(try none.options(environment: ["SEGMENTA_ALERT_SIGMA": " 2 ", "SEGMENTA_ALERT_LEVEL": "0.05"]).sizeSigma == 2)
        #expect(try none.options(environment: ["SEGMENTA_ALERT_LEVEL": "0.05"]).alpha == 0.05)
        let flag = try DriftOptions.parse(["--alert-sigma", "4"])
        #expect(try flag.options(environment: ["SEGMENTA_ALERT_SIGMA": "2"]).sizeSigma == 4)
        #expect(throws: (any Error).self) { try none.options(environment: ["SEGMENTA_ALERT_SIGMA": "three"]) }
        #expect(throws: (any Error).self) { try none.options(environment: ["SEGMENTA_ALERT_LEVEL": "1.5"]) }
    }
}
