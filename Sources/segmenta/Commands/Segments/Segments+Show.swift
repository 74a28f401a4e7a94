import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a segment: its condition in words, card, and versions.")
        @Argument var name: String
        @Option(help: "Output: table (readable) or json (the definition document).") var format: OutputFormat = .table
        @Option(help: "Show this earlier version of the definition (see the versions listed).") var version: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                guard var info = try await db.segment(named: name) else { throw CLIError("no segment named \"\(name)\"; `segmenta segments list` shows them") }
                if let version {
                    let all = try await db.versions(of: name)
                    guard let v = all.first(where: { $0.version == version }) else {
                        throw CLIError("\(name) has no version \(version); its versions are \(all.map { String($0.version) }.joined(separator: ", "))")
                    }
                    info.definition = v.definition
                    info.document = v.document
                    info.version = v.version
                }
                if format == .json { print(info.document.jsonText); return }
                print(Terminal.bold(describe(info)))
                if !info.definition.description.isEmpty { print(info.definition.description) }
                if let condition = info.definition.condition {
                    print("\nwho: " + ConditionSentence.text(condition))
                    print("condition: " + ConditionRenderer.text(condition))
                }
                if !info.definition.card.isEmpty {
                    print("")
                    for field in SegmentDefinition.cardFields { if let v = info.definition.card[field] { print("\(field): \(v)") } }
                }
                if let e = info.lastError { print("\nlast refresh failed: \(e)") }
                print("\nversions:")
                for v in try await db.versions(of: name) { print("  \(v.version)  \(v.createdAt.iso8601)") }
            }
        }
    }
}
