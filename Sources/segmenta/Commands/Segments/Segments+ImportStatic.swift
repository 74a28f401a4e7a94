import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct ImportStatic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import-static", abstract: "Create a static segment from a CSV of profile ids.")
        @Argument var name: String
        @Option(help: ArgumentHelp("CSV with a profile_id, id, customer_id or user_id column.", valueName: "file")) var ids: String
        @Flag(help: "The file has no header line: every line's first field is an id.") var noHeader = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let list: [String] = try FileBytes.with(ids) { bytes in
                    let (names, start, line) = try DelimitedFileOptions(hasHeader: !noHeader, columnNames: noHeader ? ["profile_id"] : nil).layout(of: bytes)
                    let lowered = names.map { $0.lowercased() }
                    // A headerless file would silently lose its first id as a "header": say so instead.
                    guard let column = noHeader ? 0 : ["profile_id", "id", "customer_id", "user_id"].lazy.compactMap({ lowered.firstIndex(of: $0) }).first else {
                        throw CLIError("\(ids): the first line (\(names.joined(separator: ","))) has no profile_id, id, customer_id or user_id column; add a header line `profile_id`, or pass --no-header if every line is an id")
                    }
                    var out: [String] = []
                    try CSVScanner.scan(UnsafeBufferPointer(rebasing: bytes[start...]), delimiter: .comma, firstLine: line) { r in
                        if column < r.count, !r.isEmpty(column) { out.append(r.string(column).normalizedID) }
                        return true
                    }
                    return out
                }
                let result = try await store.storage().importStatic(name, ids: list, description: "Imported from \(ids)")
                print("created static segment \(name) with \(Fmt.thousands(result.snapshot.size)) members")
            }
        }
    }
}
