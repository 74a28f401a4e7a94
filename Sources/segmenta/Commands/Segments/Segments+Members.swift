import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a segment's members (all of them; no cap), with traits.")
        @Argument var name: String
        @Option(help: "Output: csv or json.") var format: OutputFormat = .csv
        @Option(help: ArgumentHelp("Traits to add as columns, comma-separated (dotted paths; computed traits by name).", valueName: "a,b")) var traits: String?
        @Flag(help: "Include people who denied marketing consent (left out by default, as in every export; for internal use).") var includeNoConsent = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                var ids = try await db.members(of: name)
                if !includeNoConsent {
                    let denied = try await db.consentDenied(among: ids)
                    if !denied.isEmpty {
                        ids.removeAll { denied.contains($0) }
                        Terminal.note("left out \(Fmt.thousands(denied.count)) members who denied marketing consent (--include-no-consent includes them, for internal use)")
                    }
                }
                let wanted = NameList.parse(traits)
                var columns: [[String: String]] = []
                for t in wanted {
                    var values = try await db.traitValues(t)
                    if values.isEmpty { values = try await db.computedTraitValues(t) }
                    columns.append(values)
                }
                if format == .json {
                    print(JSONValue.array(ids.map { id in
                        var o: [String: JSONValue] = ["profile_id": .string(id)]
                        for (i, t) in wanted.enumerated() { o[t] = columns[i][id].map(JSONValue.string) ?? .null }
                        return .object(o)
                    }).jsonText)
                    return
                }
                print(CSVCell.row(["profile_id"] + wanted))
                var out = ""
                for id in ids {
                    out += CSVCell.row([id] + columns.map { $0[id] ?? "" }) + "\n"
                    if out.utf8.count > 1 << 20 { print(out, terminator: ""); out = "" }
                }
                print(out, terminator: "")
            }
        }
    }
}
