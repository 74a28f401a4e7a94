import Foundation

/// Writing to the terminal: results to stdout, progress and errors to stderr.
enum Terminal {
    /// Whether stderr is a terminal (progress bars only then).
    static let stderrIsTTY = isatty(STDERR_FILENO) == 1
    /// Whether stdout is a terminal (colour only then, and never with NO_COLOR).
    static let stdoutIsTTY = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    static func bold(_ s: String) -> String { stdoutIsTTY ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { stdoutIsTTY ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private var lastDrawn = -1
    private let lock = NSLock()

    init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    func update(_ done: Int) {
        guard Terminal.stderrIsTTY else { return }
        lock.lock(); defer { lock.unlock() }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)%".utf8))
    }

    func finish() {
        guard Terminal.stderrIsTTY, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
