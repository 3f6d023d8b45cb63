import XCTest
@testable import MsokoCore

/// `MSOKO_TIMING=2` gives each step's processor time beside its wall time: the process' user and
/// system time, which grows with work done on any thread and not while the process sleeps; and
/// the page faults, which grow with each fresh page touched.
final class PhaseClockTests: XCTestCase {
    func testProcessorTimeCountsWorkOnEveryThreadAndNotSleep() {
        let start = PhaseClock.processor()
        usleep(200_000)
        let slept = PhaseClock.processor() - start
        XCTAssertLessThan(slept, 0.1, "asleep, the process uses no processor time")
        let before = PhaseClock.processor()
        Parallelism.perform(iterations: 2, threads: 2) { _ in
            var x: UInt64 = 1
            let until = Date().addingTimeInterval(0.15)
            while Date() < until { for _ in 0..<10_000 { x = x &* 6364136223846793005 &+ 1 } }
            XCTAssertNotEqual(x, 0)
        }
        XCTAssertGreaterThan(PhaseClock.processor() - before, 0.12, "two threads busy for 0.15 s each")
    }

    func testFaultsCountEachFreshPageTouched() {
        // A mapping of its own (not the allocator's, which may hand back pages already touched).
        let pages = 1000, size = pages * 4096
        guard let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else { return XCTFail("mmap") }
        defer { munmap(raw, size) }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        let before = PhaseClock.faults()
        for page in 0..<pages { bytes[page * 4096] = 1 }
        let touched = PhaseClock.faults() - before
        XCTAssertGreaterThanOrEqual(touched, pages)
        XCTAssertLessThan(touched, pages + 200)
        let again = PhaseClock.faults()
        for page in 0..<pages { bytes[page * 4096] = 2 }
        XCTAssertLessThan(PhaseClock.faults() - again, 50, "a page touched before takes no fault")
    }
}
