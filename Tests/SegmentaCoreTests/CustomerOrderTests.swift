import Testing
@testable import SegmentaCore

@Suite struct CustomerOrderTests {
    @Test func numericIdsSortNumericallyBeforeTextIds() {
        #expect(CustomerOrder.sorted(["10", "9", "b", "100", "a", "00002", "1"]) == ["1", "00002", "9", "10", "100", "a", "b"])
    }

    @Test func equalValuesPutMoreLeadingZerosFirst() {
        #expect(CustomerOrder.sorted(["7", "007", "07"]) == ["007", "07", "7"])
    }

    @Test func packedKeysAgreeWithTheGeneralComparator() {
        var rng = SplitMix64(seed: 7)
        let ids = (0..<2000).map { _ -> String in
            let digits = Int(rng.uniform() * 6) + 1
            return String((0..<digits).map { _ in Character(String(Int(rng.uniform() * 10))) })
        }
        let packed = CustomerOrder.sortedIndices(ids).map { ids[$0] }
        #expect(packed == ids.sorted { CustomerOrder.compare($0, $1) < 0 })
        for id in ids { #expect(CustomerOrder.unpack(CustomerOrder.packedKey(id.utf8)!) == id) }
    }
}

@Suite struct ChunkPipelineTests {
    @Test func chunksArriveInOrderAndCoverEveryItem() {
        let pipeline = ChunkPipeline(count: 10_001, chunkSize: 1_000) { range in range.map { $0 * 2 } }
        var seen: [Int] = []
        var ranges: [Range<Int>] = []
        while let chunk = pipeline.next() {
            ranges.append(chunk.range)
            seen += chunk.value
        }
        #expect(ranges.count == 11 && ranges.last == 10_000..<10_001)
        #expect(seen == (0..<10_001).map { $0 * 2 })
        #expect(pipeline.next() == nil)
        #expect(ChunkPipeline(count: 0, chunkSize: 10) { $0.count }.next() == nil)
    }
}
