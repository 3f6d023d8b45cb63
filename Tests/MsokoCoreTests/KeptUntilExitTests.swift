import Foundation
import Synchronization
import XCTest
@testable import MsokoCore

/// What a one-shot command lets go on a thread of its own (`LetGoAside`): released there, not by
/// the caller, and released at all.
final class KeptUntilExitTests: XCTestCase {
    final class Watched: Sendable {
        let released: @Sendable (_ onCaller: Bool) -> Void
        let caller: pthread_t
        init(caller: pthread_t, released: @escaping @Sendable (Bool) -> Void) { (self.caller, self.released) = (caller, released) }
        deinit { released(pthread_equal(pthread_self(), caller) != 0) }
    }

    func testAValueLetGoAsideIsReleasedOnAnotherThread() {
        let done = DispatchSemaphore(value: 0)
        let onCaller = Mutex<Bool?>(nil)
        var value: Watched? = Watched(caller: pthread_self()) { caller in
            onCaller.withLock { $0 = caller }
            done.signal()
        }
        LetGoAside.letGo(value.take()!)
        XCTAssertNil(value)
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "released at all")
        XCTAssertEqual(onCaller.withLock { $0 }, false, "released by the thread it was handed to")
    }
}
