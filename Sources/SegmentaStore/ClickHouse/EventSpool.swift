import SegmentaCore
import Foundation

/// Event rows (`JSONEachRow` lines) of a file import, kept in a temporary file while the primary
/// store applies the file, then sent to ClickHouse in large inserts: memory holds one insert's
/// worth, whatever the size of the file.
final class EventSpool: @unchecked Sendable {
    let url: URL
    private let handle: FileHandle
    /// Whether nothing was appended yet.
    private(set) var isEmpty = true

    /// Bytes per insert (whole lines).
    static let insertBytes = 64 << 20

    init() throws(SegmentaError) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-events-\(UUID().uuidString).jsonl")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let h = try? FileHandle(forWritingTo: url) else {
            throw SegmentaError(.io, "could not create a temporary file in \(FileManager.default.temporaryDirectory.path) for the events; set TMPDIR to a writable folder")
        }
        handle = h
    }

    /// Appends lines (each ending in a newline).
    func append(_ lines: String) throws {
        guard !lines.isEmpty else { return }
        try handle.write(contentsOf: Data(lines.utf8))
        isEmpty = false
    }

    /// Sends every line to `events`, a few large inserts.
    func send(to events: ClickHouseEventStore) async throws(SegmentaError) {
        guard !isEmpty else { return }
        do { try handle.close() } catch { throw SegmentaError(.io, "could not finish the temporary events file: \(error)") }
        guard let reader = try? FileHandle(forReadingFrom: url) else { throw SegmentaError(.io, "could not read back the temporary events file \(url.path)") }
        defer { try? reader.close() }
        var carry = Data()
        while true {
            let chunk: Data
            do { chunk = try reader.read(upToCount: Self.insertBytes) ?? Data() } catch { throw SegmentaError(.io, "reading the temporary events file failed: \(error)") }
            if chunk.isEmpty { break }
            carry.append(chunk)
            guard let lastNewline = carry.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            let whole = carry[carry.startIndex...lastNewline]
            try await events.insertRows(String(decoding: whole, as: UTF8.self))
            carry = Data(carry[carry.index(after: lastNewline)...])
        }
        if !carry.isEmpty { try await events.insertRows(String(decoding: carry, as: UTF8.self)) }
    }

    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
