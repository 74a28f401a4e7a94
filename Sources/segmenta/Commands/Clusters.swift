import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta clusters`.
    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Discover natural groups with k-means and describe them as personas.",
            discussion: """
            Features are standardised (z-scores, population standard deviation) unless --no-standardize; --log applies
            log1p first. k-means++ seeding from --seed, Lloyd iterations, --n-init restarts; --k auto picks k by silhouette
            over --k-range. Features from the store: numeric traits (dotted paths), computed traits (rfm_recency, clv, …)
            or event counts as events:NAME:DAYS. With --orders the features are recency, frequency and monetary.
            From the store the computed traits cluster and persona are saved.
            """
        )

        @Option(help: ArgumentHelp("Features, comma-separated (store only).", valueName: "f1,f2")) var features: String?
        @Option(help: ArgumentHelp("Cluster customers of an orders CSV on recency, frequency and monetary.", valueName: "file")) var orders: String?
        @Option(help: ArgumentHelp("Cluster any table: first column the id, the others numeric features.", valueName: "file")) var input: String?
        @Flag(help: "Apply log1p to every feature first.") var log = false
        @Flag(help: "Cluster the raw values instead of z-scores.") var noStandardize = false
        @Option(help: "Number of clusters, or auto to choose by silhouette.") var k = "auto"
        @Option(help: ArgumentHelp("Range of k tried by --k auto.", valueName: "lo..hi")) var kRange = "2..8"
        @Option(help: "Restarts from new k-means++ seeds; the lowest inertia wins.") var nInit = 4
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Option(help: ArgumentHelp("CSV of initial centres (k rows, in the transformed, standardised space).", valueName: "file")) var initCenters: String?
        @Option(help: "Maximum Lloyd iterations.") var maxIter = 300
        @Option(help: "Tolerance on centre movement (relative to the mean feature variance); 0 runs until assignments stop changing.") var tol = 1e-4
        @Option(help: "Output: table, csv or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func validate() throws {
            if [orders, input].compactMap({ $0 }).count > 1 { throw ValidationError("give --orders or --input, not both") }
            if (orders != nil || input != nil) && features != nil { throw ValidationError("--features chooses store features; with --orders or --input the file decides") }
            if k != "auto" { guard let n = Int(k), n >= 1 else { throw ValidationError("--k takes a number of clusters or auto") } }
            guard parseRange() != nil else { throw ValidationError("--k-range takes lo..hi with 2 ≤ lo ≤ hi, e.g. 2..10") }
            guard nInit >= 1, maxIter >= 1, tol >= 0 else { throw ValidationError("--n-init and --max-iter must be at least 1, --tol at least 0") }
            if initCenters != nil && k == "auto" { throw ValidationError("--init-centers needs --k N (one row per centre)") }
        }

        func parseRange() -> ClosedRange<Int>? {
            let parts = kRange.split(separator: ".", omittingEmptySubsequences: true).compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 2, parts[0] <= parts[1] else { return nil }
            return parts[0]...parts[1]
        }

        func run() async throws {
            try await reportingErrors {
                var db: (any Storage)?
                let data: FeatureMatrix
                if let input {
                    data = try FeatureTable.read(input, format: orderFile.format.options)
                } else if let orders {
                    let (totals, report) = try FileBytes.with(orders) { bytes in
                        try OrderFileScan.totals(bytes, options: orderFile.format.options, columns: orderFile.mapping.columns, policy: orderFile.errors.onError, fileName: orders)
                    }
                    try report.requireRows(in: orders)
                    if report.issueCount > 0 { Terminal.note("skipped \(report.issueSummary)") }
                    let rfm = try RFMScorer.score(totals)
                    data = FeatureMatrix(ids: rfm.customers.map(\.customerID), names: ["recency", "frequency", "monetary"],
                                         values: rfm.customers.flatMap { [Double($0.recency), Double($0.frequency), $0.monetary] })
                } else {
                    let opened = try await store.storage()
                    db = opened
                    data = try await StoreFeatures.load(opened, features: features?.split(separator: ",").map { String($0) } ?? ["rfm_recency", "rfm_frequency", "rfm_monetary"])
                    let left = try await opened.counts().profiles - data.ids.count
                    if left > 0 { Terminal.note("\(Fmt.thousands(left)) profiles without every feature are left out") }
                }
                var options = KMeans.Options(k: 2, nInit: nInit, maxIterations: maxIter, tolerance: tol, seed: seed)
                if let initCenters {
                    options.initialCenters = try FeatureTable.numbers(initCenters)
                }
                let analysis = try ClusterAnalysis.run(data, k: Int(k), kRange: parseRange()!, log: log, standardize: !noStandardize, options: options)
                if let db { try await ClusterWriteBack.save(analysis, ids: data.ids, data: data, to: db) }
                ClusterOutput.print(analysis, data: data, format: format)
            }
        }
    }
}

/// Reads feature tables and centre files.
enum FeatureTable {
    /// A table of an id and numeric features (parsed on two cores, ``FeatureFile``).
    static func read(_ path: String, format: DelimitedFileOptions) throws -> FeatureMatrix {
        try FileBytes.with(path) { bytes in
            do throws(SegmentaError) { return try FeatureFile.parse(bytes, options: format) } catch {
                throw CLIError("\(path): \(error.message)")
            }
        }
    }

    /// Rows of numbers (no header).
    static func numbers(_ path: String) throws -> [[Double]] {
        try FileBytes.with(path) { bytes in
            var rows: [[Double]] = []
            var problem: String?
            try CSVScanner.scan(bytes, delimiter: .comma) { r in
                var row: [Double] = []
                for j in 0..<r.count {
                    guard let v = DecimalParser.double(r.bytes(j)) else { problem = "line \(r.line): \"\(r.string(j))\" is not a number"; return false }
                    row.append(v)
                }
                rows.append(row)
                return true
            }
            if let problem { throw CLIError("\(path): \(problem) (centres are rows of numbers, no header)") }
            return rows
        }
    }
}

enum ClusterOutput {
    static func print(_ a: ClusterAnalysis, data: FeatureMatrix, format: OutputFormat) {
        let r = a.result
        switch format {
        case .csv:
            Console.print("customer_id,cluster,persona")
            var out = ""
            for (i, id) in data.ids.enumerated() {
                out += "\(CSVCell.field(id)),\(r.labels[i]),\(CSVCell.field(a.personas[r.labels[i]].name))\n"
                if out.utf8.count > 1 << 20 { Console.print(out, terminator: ""); out = "" }
            }
            Console.print(out, terminator: "")
        case .json:
            func matrix(_ m: [[Double]]) -> JSONValue { .array(m.map { .array($0.map(JSONValue.number)) }) }
            var o: [String: JSONValue] = [
                "k": .number(Double(a.k)), "inertia": .number(r.inertia), "iterations": .number(Double(r.iterations)),
                "silhouette": a.silhouette.isFinite ? .number(a.silhouette) : .null, "features": .array(data.names.map(JSONValue.string)),
                "silhouette_standard_error": a.silhouetteEstimate.standardError.isFinite ? .number(a.silhouetteEstimate.standardError) : .null,
                "silhouette_sample": .number(Double(a.silhouetteEstimate.sample)),
                "standardized": .bool(a.standardized), "sizes": .array(r.sizes.map { .number(Double($0)) }),
                "centroids": .object(["original": matrix(a.personas.map(\.centroid)), "standardized": matrix(a.centroidsTransformed)]),
                "personas": .array(a.personas.filter { $0.size > 0 }.map { p in
                    .object(["cluster": .number(Double(p.cluster)), "name": .string(p.name), "description": .string(p.description),
                             "size": .number(Double(p.size)), "share": .number(p.share)])
                }),
            ]
            if !a.silhouetteByK.isEmpty {
                o["k_search"] = .array(a.silhouetteByK.map { .object(["k": .number(Double($0.k)), "silhouette": .number($0.silhouette), "inertia": .number($0.inertia)]) })
            }
            Console.print(JSONValue.object(o).jsonText)
        case .table:
            if !a.silhouetteByK.isEmpty {
                Console.print(Terminal.bold("Choosing k by silhouette"))
                var t = TextTable(["k", "silhouette", "inertia"], rightAligned: [0, 1, 2])
                for s in a.silhouetteByK { t.add([String(s.k), Fmt.fixed(s.silhouette, 3), Fmt.fixed(s.inertia, 1)]) }
                Console.print(t.render() + "\n")
            }
            let e = a.silhouetteEstimate
            let silhouette = e.sample < data.rows && e.standardError.isFinite
                ? "silhouette \(Fmt.fixed(a.silhouette, 3)) ± \(Fmt.fixed(e.standardError, 3)) on a sample of \(Fmt.thousands(e.sample))"
                : "silhouette \(Fmt.fixed(a.silhouette, 3))"
            Console.print(Terminal.bold("\(a.k) personas among \(Fmt.thousands(data.rows)) customers (\(silhouette), inertia \(Fmt.fixed(r.inertia, 1)), \(r.iterations) iterations)"))
            var t = TextTable(["#", "persona", "customers", "share"] + data.names, rightAligned: Set(2..<(4 + data.names.count)))
            // An empty cluster is never reported as a persona (k-means can leave one empty).
            for p in a.personas.filter({ $0.size > 0 }).sorted(by: { $0.size > $1.size }) {
                t.add([String(p.cluster), p.name, Fmt.thousands(p.size), Fmt.percent(p.share)] + p.centroid.map { Fmt.fixed($0, 2) })
            }
            Console.print(t.render())
        }
    }
}
