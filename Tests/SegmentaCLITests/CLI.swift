import ArgumentParser
import Foundation
@testable import segmenta

/// Runs `segmenta` commands in this process, as the shell would: the arguments parsed by the
/// real command tree, the command run, its stdout and stderr captured apart, and the exit status
/// the process would end with.
enum CLI {
    struct Outcome {
        var status: Int32
        var out: String
        var err: String
    }

    static func run(_ arguments: [String]) async -> Outcome {
        let capture = Console.Capture()
        let status: Int32 = await Console.$capture.withValue(capture) {
            do {
                var command = try Segmenta.parseAsRoot(arguments)
                if var async = command as? any AsyncParsableCommand { try await async.run() } else { try command.run() }
                return 0
            } catch {
                // What ArgumentParser's main prints and returns for an error, a --help or a --version.
                let message = Segmenta.fullMessage(for: error)
                if !message.isEmpty {
                    if Segmenta.exitCode(for: error).isSuccess { capture.write(out: message + "\n") } else { capture.write(err: message + "\n") }
                }
                return Segmenta.exitCode(for: error).rawValue
            }
        }
        return Outcome(status: status, out: capture.out, err: capture.err)
    }

    /// A fresh folder for a test's files.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
