import XCTest
@testable import MsokoCore

/// `MSOKO_TIMING=2` gives each step's processor time beside its wall time: the process' user and
/// system time, which grows with work done on any thread and not while the process sleeps.
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
}
