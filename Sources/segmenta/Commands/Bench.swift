import ArgumentParser
import SegmentaCore

extension Segmenta {
    /// `segmenta bench`: time one model fit in-process (file reading excluded), for `bench/models.py`.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a model fit alone (reading the file is not timed); used by the benchmark scripts in bench/.",
            subcommands: [KMeansFit.self, BGNBDFit.self]
        )
    }
}

extension Segmenta.Bench {
    struct KMeansFit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "kmeans", abstract: "Standardise a feature table and fit k-means once.")
        @Option(help: ArgumentHelp("Feature table: id column then numeric features.", valueName: "file")) var input: String
        @Option(help: "Clusters.") var k = 8
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Option(help: "Restarts.") var nInit = 1
        @Option(help: ArgumentHelp("Initial centres (rows of numbers, standardised space).", valueName: "file")) var initCenters: String?

        func run() async throws {
            try await reportingErrors {
                let data = try FeatureTable.read(input, format: DelimitedFileOptions())
                let clock = Stopwatch()
                let scaled = Standardizer.fit(data, log: [Bool](repeating: false, count: data.columns)).apply(data)
                let centres = try initCenters.map { try FeatureTable.numbers($0) }
                let r = try KMeans.fit(scaled, options: KMeans.Options(k: k, nInit: nInit, seed: seed, initialCenters: centres))
                let seconds = clock.seconds
                print(JSONValue.object(["seconds": .number(seconds), "iterations": .number(Double(r.iterations)), "inertia": .number(r.inertia),
                                        "rows": .number(Double(data.rows))]).jsonText)
            }
        }
    }

    struct BGNBDFit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bgnbd", abstract: "Fit BG/NBD on a summary file.")
        @Option(help: ArgumentHelp("customer_id,frequency,recency,T", valueName: "file")) var summary: String

        func run() async throws {
            try await reportingErrors {
                let (rows, _) = try SummaryFile.read(summary)
                let clock = Stopwatch()
                let m = try BGNBDModel.fit(frequency: rows.map(\.frequency), recency: rows.map(\.recency), T: rows.map(\.T), standardErrors: false)
                let seconds = clock.seconds
                print(JSONValue.object(["seconds": .number(seconds), "r": .number(m.r), "alpha": .number(m.alpha), "a": .number(m.a), "b": .number(m.b),
                                        "log_likelihood": .number(m.logLikelihood), "rows": .number(Double(rows.count))]).jsonText)
            }
        }
    }
}
