import Foundation
import SegmentaCore

/// Writing to the terminal: results to stdout, progress and errors to stderr.
enum Terminal {
    /// Whether stderr is a terminal (progress bars only then).
    static let stderrIsTTY = isatty(STDERR_FILENO) == 1
    /// Whether stdout is a terminal (colour only then, and never with NO_COLOR).
    static let stdoutIsTTY = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func error(_ message: String) {
        Console.err("error: \(message)\n")
    }

    static func note(_ message: String) {
        Console.err("\(message)\n")
    }

    static func bold(_ s: String) -> String { stdoutIsTTY ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { stdoutIsTTY ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
}

/// A progress bar on stderr, drawn only when stderr is a terminal: the share done, and — when
/// told how many rows are behind it — the rows, their rate and the time left.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private var lastDrawn = -1
    private let started = ContinuousClock.now
    private let lock = NSLock()

    init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    /// Draws `done` of the total (redrawn when the percentage changes).
    /// - Parameter rows: rows read so far, for the rate and the time left.
    func update(_ done: Int, rows: Int? = nil) {
        guard Terminal.stderrIsTTY else { return }
        lock.lock(); defer { lock.unlock() }
        let percent = min(100, max(0, done) * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var line = "\r\u{1B}[2K\(label) \(bar) \(percent)%"
        let seconds = (ContinuousClock.now - started).inSeconds
        if let rows, seconds > 0 {
            line += "  \(Fmt.thousands(rows)) rows, \(Fmt.thousands(Int(Double(rows) / seconds))) rows/s"
            if percent > 0 && percent < 100 { line += ", about \(Int((seconds * Double(100 - percent) / Double(percent)).rounded(.up))) s left" }
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Replaces the bar with a line saying what runs now (a step without a measurable share).
    func phase(_ text: String) {
        guard Terminal.stderrIsTTY else { return }
        lock.lock(); defer { lock.unlock() }
        lastDrawn = 100
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label): \(text)".utf8))
    }

    func finish() {
        guard Terminal.stderrIsTTY, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
