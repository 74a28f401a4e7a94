import Foundation
import SegmentaCore

/// Reads a whole file into memory (mapped when possible) and lends its bytes.
enum FileBytes {
    static func with<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no file at \(path): check the path")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw CLIError("cannot read \(path): \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { raw in
            try body(raw.bindMemory(to: UInt8.self))
        }
    }
}

/// Monotonic seconds, for the summaries' timings.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
