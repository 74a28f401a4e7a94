import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta segments …`.
    struct Segments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Define segments as JSON conditions, refresh them into snapshots, and read members and history.",
            discussion: "The definition language is documented in docs/SEGMENTS.md.",
            subcommands: [Create.self, Update.self, Delete.self, List.self, Show.self, Refresh.self, Members.self, History.self,
                          Alerts.self, Diff.self, Explain.self, ImportStatic.self, Freeze.self]
        )
    }
}

/// Reads a definition document from a file (or `-` for standard input).
func readDefinition(_ path: String) throws -> JSONValue {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let d = FileManager.default.contents(atPath: path) else { throw CLIError("no file at \(path): check the path") }
        data = d
    }
    do { return try JSONTextParser.parse(String(decoding: data, as: UTF8.self)) } catch {
        throw CLIError("\(path): \(error.description); a definition is one JSON object (see docs/SEGMENTS.md)")
    }
}

func describe(_ info: SegmentInfo) -> String {
    let size = info.size.map(Fmt.thousands) ?? "never refreshed"
    return "\(info.name) (\(info.kind.rawValue), version \(info.version)): \(size)"
}


func printRefresh(_ r: RefreshResult) {
    if r.backtest {
        print("\(r.segment): backtest as of \(r.snapshot.asOf.iso8601): \(Fmt.thousands(r.snapshot.size)) members (+\(Fmt.thousands(r.entered.count)) entered, −\(Fmt.thousands(r.exited.count)) exited since the snapshot before it); not stored — later snapshots exist, and the current membership is unchanged")
        return
    }
    var left = "−\(Fmt.thousands(r.exited.count)) exited"
    if r.snapshot.merged > 0 { left += ", −\(Fmt.thousands(r.snapshot.merged)) merged into another profile" }
    if r.snapshot.erased > 0 { left += ", −\(Fmt.thousands(r.snapshot.erased)) erased" }
    print("\(r.segment): \(Fmt.thousands(r.snapshot.size)) members as of \(r.snapshot.asOf.iso8601) (+\(Fmt.thousands(r.entered.count)) entered, \(left)) in \(Fmt.fixed(r.seconds, 2)) s")
}
