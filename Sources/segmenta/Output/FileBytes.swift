import Foundation
import SegmentaCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole file through a read-only memory map and lends its bytes.
///
/// `release` drops bytes already processed from the process's resident memory (they stay in the
/// page cache), so scanning a large file does not hold all of it in memory at once.
enum FileBytes {
    static func with<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        try with(path) { bytes, _ in try body(bytes) }
    }

    static func with<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>, MappedRelease) throws -> T) throws -> T {
        let mapping = try Mapping(path)
        defer { mapping.unmap() }
        return try body(mapping.bytes, MappedRelease(base: mapping.base))
    }

    /// The same, for a body that awaits (a store's import).
    static func with<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>, MappedRelease) async throws -> T) async throws -> T {
        let mapping = try Mapping(path)
        defer { mapping.unmap() }
        return try await body(mapping.bytes, MappedRelease(base: mapping.base))
    }

    /// A file mapped read-only (an empty file maps to no bytes).
    struct Mapping {
        let base: UnsafeMutablePointer<UInt8>?
        let size: Int

        init(_ path: String) throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIError("no file at \(path): check the path")
            }
            guard !isDirectory.boolValue else { throw CLIError("\(path) is a folder; give the path of a file") }
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))") }
            size = Int(info.st_size)
            guard size > 0 else { base = nil; return }
            guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
                throw CLIError("cannot map \(path) into memory: \(String(cString: strerror(errno)))")
            }
            _ = madvise(map, size, MADV_SEQUENTIAL)
            base = map.assumingMemoryBound(to: UInt8.self)
        }

        var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: base == nil ? 0 : size) }

        func unmap() { if let base { munmap(base, size) } }
    }
}

/// Drops processed pages of a mapped file from resident memory.
struct MappedRelease: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>?
    static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    func callAsFunction(_ range: Range<Int>) {
        guard let base else { return }
        let lower = (range.lowerBound + Self.page - 1) / Self.page * Self.page
        let upper = range.upperBound / Self.page * Self.page
        guard upper > lower else { return }
        _ = madvise(base + lower, upper - lower, MADV_DONTNEED)
    }
}

/// Monotonic seconds, for the summaries' timings.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
