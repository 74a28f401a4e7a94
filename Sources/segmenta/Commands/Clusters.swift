import ArgumentParser
import SegmentaCore
import SegmentaStore

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
                var db: SQLiteStore?
                let data: FeatureMatrix
                if let input {
                    data = try FeatureTable.read(input, format: orderFile.format.options)
                } else if let orders {
                    let (totals, report) = try FileBytes.with(orders) { bytes in
                        try OrderFileScan.totals(bytes, options: orderFile.format.options, columns: orderFile.mapping.columns, policy: orderFile.errors.onError, fileName: orders)
                    }
                    if report.issueCount > 0 { Terminal.note("skipped \(report.issueSummary)") }
                    let rfm = try RFMScorer.score(totals)
                    data = FeatureMatrix(ids: rfm.customers.map(\.customerID), names: ["recency", "frequency", "monetary"],
                                         values: rfm.customers.flatMap { [Double($0.recency), Double($0.frequency), $0.monetary] })
                } else {
                    db = try store.openExisting()
                    data = try StoreFeatures.load(db!, features: features?.split(separator: ",").map { String($0) } ?? ["rfm_recency", "rfm_frequency", "rfm_monetary"])
                }
                var options = KMeans.Options(k: 2, nInit: nInit, maxIterations: maxIter, tolerance: tol, seed: seed)
                if let initCenters {
                    options.initialCenters = try FeatureTable.numbers(initCenters)
                }
                let analysis = try ClusterAnalysis.run(data, k: Int(k), kRange: parseRange()!, log: log, standardize: !noStandardize, options: options)
                if let db { try ClusterWriteBack.save(analysis, ids: data.ids, to: db) }
                ClusterOutput.print(analysis, data: data, format: format)
            }
        }
    }
}

/// Saving clusters and personas as computed traits.
enum ClusterWriteBack {
    static func save(_ analysis: ClusterAnalysis, ids: [String], to db: SQLiteStore) throws {
        var cluster: [String: JSONValue] = [:], persona: [String: JSONValue] = [:]
        for (i, id) in ids.enumerated() {
            let c = analysis.result.labels[i]
            cluster[id] = .number(Double(c))
            persona[id] = .string(analysis.personas[c].name)
        }
        try db.replaceComputedTraits(["cluster": cluster, "persona": persona], computedAt: .now)
    }
}

/// Reads feature tables and centre files.
enum FeatureTable {
    static func read(_ path: String, format: DelimitedFileOptions) throws -> FeatureMatrix {
        try FileBytes.with(path) { bytes in
            let (names, start, line) = try format.layout(of: bytes)
            guard names.count >= 2 else { throw CLIError("\(path): needs an id column and at least one feature column") }
            var ids: [String] = [], values: [Double] = []
            var problem: String?
            try CSVScanner.scan(UnsafeBufferPointer(rebasing: bytes[start...]), delimiter: format.delimiter, firstLine: line) { r in
                guard r.count == names.count else { problem = "line \(r.line): expected \(names.count) fields, found \(r.count)"; return false }
                ids.append(r.string(0))
                for j in 1..<names.count {
                    guard let v = DecimalParser.double(r.bytes(j)) else {
                        problem = "line \(r.line), column \(names[j]): \"\(r.string(j))\" is not a number"
                        return false
                    }
                    values.append(v)
                }
                return true
            }
            if let problem { throw CLIError("\(path): \(problem)") }
            return FeatureMatrix(ids: ids, names: Array(names.dropFirst()), values: values)
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

/// Features from the store: traits, computed traits, event counts.
enum StoreFeatures {
    static func load(_ db: SQLiteStore, features: [String], quiet: Bool = false) throws -> FeatureMatrix {
        guard !features.isEmpty else { throw CLIError("--features needs at least one feature") }
        var columns: [[String: Double]] = []
        for f in features {
            if f.hasPrefix("events:") {
                let parts = f.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 3, let days = Int(parts[2]), days > 0, !parts[1].isEmpty else {
                    throw CLIError("feature \"\(f)\": write event counts as events:Event Name:DAYS, e.g. events:Logged In:90")
                }
                columns.append(try db.eventCounts(String(parts[1]), days: days, asOf: .now))
                continue
            }
            var values = try db.computedTraitValues(f).compactMapValues { DecimalParser.double($0) }
            if values.isEmpty { values = try db.traitValues(f).compactMapValues { DecimalParser.double($0) } }
            guard !values.isEmpty else {
                throw CLIError("no profile has a numeric \"\(f)\" (trait or computed trait); run `segmenta rfm` or `segmenta clv` first for computed ones")
            }
            columns.append(values)
        }
        var ids = Set(columns[0].keys)
        for c in columns.dropFirst() { ids.formIntersection(c.keys) }
        let ordered = CustomerOrder.sorted(Array(ids))
        let left = (try db.counts().profiles) - ordered.count
        if left > 0 && !quiet { Terminal.note("\(Fmt.thousands(left)) profiles without every feature are left out") }
        guard ordered.count >= 2 else { throw CLIError("fewer than 2 profiles have all of \(features.joined(separator: ", "))") }
        return FeatureMatrix(ids: ordered, names: features, values: ordered.flatMap { id in columns.map { $0[id]! } })
    }
}

enum ClusterOutput {
    static func print(_ a: ClusterAnalysis, data: FeatureMatrix, format: OutputFormat) {
        let r = a.result
        switch format {
        case .csv:
            Swift.print("customer_id,cluster,persona")
            var out = ""
            for (i, id) in data.ids.enumerated() {
                out += "\(CSVOut.field(id)),\(r.labels[i]),\(CSVOut.field(a.personas[r.labels[i]].name))\n"
                if out.utf8.count > 1 << 20 { Swift.print(out, terminator: ""); out = "" }
            }
            Swift.print(out, terminator: "")
        case .json:
            func matrix(_ m: [[Double]]) -> JSONValue { .array(m.map { .array($0.map(JSONValue.number)) }) }
            var o: [String: JSONValue] = [
                "k": .number(Double(a.k)), "inertia": .number(r.inertia), "iterations": .number(Double(r.iterations)),
                "silhouette": a.silhouette.isFinite ? .number(a.silhouette) : .null, "features": .array(data.names.map(JSONValue.string)),
                "standardized": .bool(a.standardized), "sizes": .array(r.sizes.map { .number(Double($0)) }),
                "centroids": .object(["original": matrix(a.personas.map(\.centroid)), "standardized": matrix(a.centroidsTransformed)]),
                "personas": .array(a.personas.map { p in
                    .object(["cluster": .number(Double(p.cluster)), "name": .string(p.name), "description": .string(p.description),
                             "size": .number(Double(p.size)), "share": .number(p.share)])
                }),
            ]
            if !a.silhouetteByK.isEmpty {
                o["k_search"] = .array(a.silhouetteByK.map { .object(["k": .number(Double($0.k)), "silhouette": .number($0.silhouette), "inertia": .number($0.inertia)]) })
            }
            Swift.print(JSONValue.object(o).jsonText)
        case .table:
            if !a.silhouetteByK.isEmpty {
                Swift.print(Terminal.bold("Choosing k by silhouette"))
                var t = TextTable(["k", "silhouette", "inertia"], rightAligned: [0, 1, 2])
                for s in a.silhouetteByK { t.add([String(s.k), Fmt.fixed(s.silhouette, 3), Fmt.fixed(s.inertia, 1)]) }
                Swift.print(t.render() + "\n")
            }
            Swift.print(Terminal.bold("\(a.k) personas among \(Fmt.thousands(data.rows)) customers (silhouette \(Fmt.fixed(a.silhouette, 3)), inertia \(Fmt.fixed(r.inertia, 1)), \(r.iterations) iterations)"))
            var t = TextTable(["#", "persona", "customers", "share"] + data.names, rightAligned: Set(2..<(4 + data.names.count)))
            for p in a.personas.sorted(by: { $0.size > $1.size }) {
                t.add([String(p.cluster), p.name, Fmt.thousands(p.size), Fmt.percent(p.share)] + p.centroid.map { Fmt.fixed($0, 2) })
            }
            Swift.print(t.render())
        }
    }
}
