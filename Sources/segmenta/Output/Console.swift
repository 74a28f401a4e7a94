import Foundation
import Synchronization

/// Where the command line writes: results to stdout, messages to stderr — or, while a test runs a
/// command in process, into a ``Capture`` (set for the command's task and its child tasks).
enum Console {
    /// What a command wrote, kept apart by stream.
    final class Capture: Sendable {
        private let streams = Mutex<(out: String, err: String)>(("", ""))
        var out: String { streams.withLock { $0.out } }
        var err: String { streams.withLock { $0.err } }
        func write(out text: String) { streams.withLock { $0.out += text } }
        func write(err text: String) { streams.withLock { $0.err += text } }
    }

    @TaskLocal static var capture: Capture?

    /// Writes results.
    static func out(_ text: String) {
        if let capture { capture.write(out: text) } else { Swift.print(text, terminator: "") }
    }

    /// `print`, for code inside types that have a `print` of their own.
    static func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
        out(items.map { "\($0)" }.joined(separator: separator) + terminator)
    }

    /// Writes a message (an error, a note, progress).
    static func err(_ text: String) {
        if let capture { capture.write(err: text) } else { FileHandle.standardError.write(Data(text.utf8)) }
    }
}

/// `print` within the command line goes through ``Console`` (results on stdout, or a test's capture).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Console.out(items.map { "\($0)" }.joined(separator: separator) + terminator)
}
