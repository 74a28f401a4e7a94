import ArgumentParser
import SegmentaCore
import Foundation

extension Segmenta {
    /// `segmenta bench`: time one model fit in-process (file reading excluded), for `bench/models.py`.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a model fit alone (reading the file is not timed); used by the benchmark scripts in bench/.",
            subcommands: [KMeansFit.self, BGNBDFit.self, JSONParse.self]
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

extension Segmenta.Bench {
    /// Parses every line of a JSONL file (ingestion batches) with Segmenta's parser and with
    /// Foundation's two, best of `--rounds`, to check that keeping a parser of our own pays.
    struct JSONParse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "json", abstract: "Time JSONTextParser against JSONSerialization and JSONDecoder on a JSONL file.")
        @Option(help: ArgumentHelp("One JSON document per line.", valueName: "file")) var input: String
        @Option(help: "Rounds; the fastest counts.") var rounds = 3

        func run() async throws {
            try await reportingErrors {
                let text = try String(contentsOfFile: input, encoding: .utf8)
                let lines = text.split(separator: "\n").map { Data($0.utf8) }
                let bytes = lines.reduce(0) { $0 + $1.count }
                func best(_ body: () throws -> Int) rethrows -> (seconds: Double, checksum: Int) {
                    var fastest = Double.infinity, sum = 0
                    for _ in 0..<max(1, rounds) {
                        let clock = Stopwatch()
                        sum = try body()
                        fastest = min(fastest, clock.seconds)
                    }
                    return (fastest, sum)
                }
                let ours = try best {
                    var n = 0
                    for line in lines {
                        let v = try line.withUnsafeBytes { raw in try JSONTextParser.parse(bytes: raw.bindMemory(to: UInt8.self)) }
                        if case .object(let o) = v { n += o.count }
                    }
                    return n
                }
                let serialization = try best {
                    var n = 0
                    for line in lines { n += (try JSONSerialization.jsonObject(with: line) as? [String: Any])?.count ?? 0 }
                    return n
                }
                let decoder = try best {
                    var n = 0
                    let d = JSONDecoder()
                    for line in lines { if case .object(let o) = try d.decode(JSONValue.self, from: line) { n += o.count } }
                    return n
                }
                guard ours.checksum == serialization.checksum, ours.checksum == decoder.checksum else {
                    throw CLIError("the parsers disagree on the number of top-level keys (\(ours.checksum), \(serialization.checksum), \(decoder.checksum))")
                }
                func rate(_ s: Double) -> JSONValue { .number((Double(bytes) / 1_048_576 / s * 10).rounded() / 10) }
                print(JSONValue.object([
                    "documents": .number(Double(lines.count)), "megabytes": .number((Double(bytes) / 1_048_576 * 10).rounded() / 10),
                    "JSONTextParser_s": .number(ours.seconds), "JSONSerialization_s": .number(serialization.seconds), "JSONDecoder_s": .number(decoder.seconds),
                    "JSONTextParser_MBps": rate(ours.seconds), "JSONSerialization_MBps": rate(serialization.seconds), "JSONDecoder_MBps": rate(decoder.seconds),
                ]).jsonText)
            }
        }
    }
}
