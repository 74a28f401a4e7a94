import ArgumentParser
import SegmentaCore
import SegmentaStore

extension Segmenta {
    /// `segmenta migrations`.
    struct Migrations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many customers moved between segments from one date to another (e.g. Champions who became At Risk).",
            discussion: """
            With --segments A,B,C each profile is placed in the first listed segment it belonged to at the latest snapshot
            at or before each date (or in "(none)"). With --rfm, the RFM segments saved by the `segmenta rfm` runs at or
            before each date are used.
            """
        )

        @Option(help: ArgumentHelp("Segments to compare, comma-separated, in priority order.", valueName: "a,b,c")) var segments: String?
        @Flag(help: "Use the RFM segments of the saved RFM runs.") var rfm = false
        @Option(help: ArgumentHelp("The earlier date.", valueName: "date")) var from: String
        @Option(help: ArgumentHelp("The later date.", valueName: "date")) var to: String
        @Option(help: "Output: table or csv.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (segments != nil) != rfm else { throw ValidationError("give either --segments A,B,C or --rfm") }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                guard let a = try parseAsOf(from, flag: "--from"), let b = try parseAsOf(to, flag: "--to") else { return }
                let states: [String]
                let before: [String: String], after: [String: String]
                if rfm {
                    guard let x = try await db.analysisValues(kind: AnalysisKind.rfm.rawValue, asOf: a) else { throw CLIError("no RFM run with an as-of at or before \(from); run `segmenta rfm --as-of \(from)`") }
                    guard let y = try await db.analysisValues(kind: AnalysisKind.rfm.rawValue, asOf: b) else { throw CLIError("no RFM run with an as-of at or before \(to); run `segmenta rfm --as-of \(to)`") }
                    Terminal.note("RFM runs as of \(x.asOf.dateString) and \(y.asOf.dateString)")
                    (before, after) = (x.values, y.values)
                    states = RFMSegment.allCases.map(\.rawValue)
                } else {
                    // A name given twice counts once, in its first place (never a crash).
                    states = NameList.parse(segments)
                    guard !states.isEmpty else { throw CLIError("--segments needs at least one segment name, e.g. --segments champions,at-risk") }
                    (before, after) = (try await db.membership(of: states, asOf: a), try await db.membership(of: states, asOf: b))
                }
                let none = "(none)"
                let all = states + [none]
                var matrix = [[Int]](repeating: [Int](repeating: 0, count: all.count), count: all.count)
                let index = Dictionary(all.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                let noneIndex = all.count - 1
                for id in Set(before.keys).union(after.keys) {
                    matrix[before[id].flatMap { index[$0] } ?? noneIndex][after[id].flatMap { index[$0] } ?? noneIndex] += 1
                }
                let everyone = try await db.counts().profiles
                matrix[all.count - 1][all.count - 1] = max(0, everyone - Set(before.keys).union(after.keys).count)
                if format == .csv {
                    print(CSVCell.row(["from"] + all))
                    for (i, row) in matrix.enumerated() { print(CSVCell.row([all[i]] + row.map(String.init))) }
                    return
                }
                print(Terminal.bold("Rows: segment at \(from); columns: segment at \(to)"))
                var t = TextTable(["from \\ to"] + all, rightAligned: Set(1...all.count))
                for (i, row) in matrix.enumerated() { t.add([all[i]] + row.map(Fmt.thousands)) }
                print(t.render())
            }
        }
    }
}
