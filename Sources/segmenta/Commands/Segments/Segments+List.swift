import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List segments: name, kind, version, size, last refresh.")
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let all = try await store.storage().segments()
                if format == .json {
                    print(JSONValue.array(all.map { s in
                        .object(["name": .string(s.name), "kind": .string(s.kind.rawValue), "version": .number(Double(s.version)),
                                 "size": s.size.map { .number(Double($0)) } ?? .null,
                                 "last_refresh": s.lastRefreshAt.map { .string($0.iso8601) } ?? .null,
                                 "last_error": s.lastError.map(JSONValue.string) ?? .null])
                    }).jsonText)
                    return
                }
                guard !all.isEmpty else { print("no segments yet; create one with `segmenta segments create --file DEF.json`"); return }
                var t = TextTable(["name", "kind", "version", "size", "last refresh", "error"], rightAligned: [2, 3])
                for s in all {
                    t.add([s.name, s.kind.rawValue, String(s.version), s.size.map(Fmt.thousands) ?? "–",
                           s.lastRefreshAt.map { String($0.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "never",
                           s.lastError.map { $0.count > 60 ? String($0.prefix(59)) + "…" : $0 } ?? ""])
                }
                print(t.render())
            }
        }
    }
}
