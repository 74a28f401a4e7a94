import SegmentaCore

/// Rows of output formatted on every core: a wave of rows at a time, cut in one chunk per core,
/// each chunk's text handed on in row order. Memory stays at one wave whatever the row count.
enum RowText {
    /// Rows per wave.
    static let wave = 1 << 18

    /// Formats rows `0..<count` with `format` (a range of rows → their text) and hands the texts to `emit` in order.
    static func inWaves(_ count: Int, emit: (String) -> Void, _ format: @escaping @Sendable (Range<Int>) -> String) {
        for start in stride(from: 0, to: count, by: wave) {
            let end = min(count, start + wave)
            for piece in ParallelChunks.map(end - start, { range in [format((start + range.lowerBound)..<(start + range.upperBound))] }) { emit(piece) }
        }
    }

    /// Appends `separator`, then `n` in decimal as `String(n)` writes it.
    static func append(_ n: Int, after separator: Unicode.Scalar, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: separator))
        NumberText.appendDecimal(n, to: &bytes)
    }
}
