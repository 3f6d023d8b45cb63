import Foundation
import XCTest
@testable import MsokoCore

/// `msoko analyze` asks the allocator to keep what it frees (`FreedMemory`): a block freed and
/// allocated again must not come back as fresh pages — each a page fault and a page the kernel
/// zeroes, a fifth of a country's run on one core before.
final class FreedMemoryTests: XCTestCase {
    #if os(Linux)
    func testAFreedBlockIsReusedWithoutNewPageFaults() {
        FreedMemory.keepForReuse()
        func faults() -> Int {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return usage.ru_minflt
        }
        // 8 MB a round (2 048 pages: a country's per-work array), touched page by page, freed,
        // allocated again.
        let size = 8 << 20
        func round() {
            let block = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            for page in Swift.stride(from: 0, to: size, by: 4096) { block[page] = UInt8(truncatingIfNeeded: page >> 12) }
            XCTAssertEqual(block[4096 * 3], 3)
            block.deallocate()
        }
        round()
        let before = faults()
        for _ in 0..<5 { round() }
        // Given back to the system, a freed block faults in again (2 049 pages here without the call).
        XCTAssertLessThan(faults() - before, 1000)
    }
    #endif
}

/// The identical-works step sorts a score's works by their vector's hash with a radix sort: the
/// same order of keys as a comparison sort, every record kept (small, large, keys sharing digits).
final class RadixSortTests: XCTestCase {
    func testTheRadixSortOrdersByKeyAndKeepsEveryRecord() {
        var rng = SplitMix64(seed: 5)
        for n in [0, 1, 2, 64, 65, 1000, 70_000] {
            for spread in [UInt64.max, 0xFFFF, 7, 0] {
                // Keys drawn from a range (repeated ones, digits all keys share) or from all 64 bits.
                let records = (0..<n).map { k in (key: rng.next() & spread | (spread == 0 ? 0xABCD_0000_0000_0000 : 0), band: UInt8(k % 3), school: Int32(k)) }
                var sorted = records
                sorted.withUnsafeMutableBufferPointer { ObjectivityAnalysis.radixSortByKey($0) }
                XCTAssertEqual(sorted.map(\.key), records.map(\.key).sorted(), "n \(n), spread \(spread)")
                XCTAssertEqual(sorted.map(\.school).sorted(), records.map(\.school), "n \(n), spread \(spread)")
                for k in sorted.indices { XCTAssertEqual(records[Int(sorted[k].school)].key, sorted[k].key) }
            }
        }
    }
}
