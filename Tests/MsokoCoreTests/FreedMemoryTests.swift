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
        // allocated again; then 48 MB (3 million works' array of pairs), past the largest size glibc
        // takes from a heap while it may map blocks of their own.
        for size in [8 << 20, 48 << 20] {
            func round() {
                let block = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
                for page in Swift.stride(from: 0, to: size, by: 4096) { block[page] = UInt8(truncatingIfNeeded: page >> 12) }
                XCTAssertEqual(block[4096 * 3], 3)
                block.deallocate()
            }
            round()
            let before = faults()
            for _ in 0..<5 { round() }
            // Given back to the system, a freed block faults in again (2 049 pages a round for 8 MB
            // without the call, 12 288 for 48 MB without `M_MMAP_MAX` 0).
            XCTAssertLessThan(faults() - before, 1000, "\(size >> 20) MB")
        }
    }
    #endif
}
