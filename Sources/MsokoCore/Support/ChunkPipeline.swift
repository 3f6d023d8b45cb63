import Foundation

/// Two stages over a stream of bytes on two cores: `produce` (inflating a sheet) fills buffers on a
/// thread of its own while the caller's thread `consume`s (scans and checks) the ones already
/// filled — a few buffers of `chunk` bytes in all, whatever the stream's length. With one thread
/// the stages take turns on the caller's thread over one buffer; the bytes consumed, and so the
/// result, are the same.
///
/// Written here: Foundation and Dispatch have no bounded producer–consumer queue, and the
/// packages msoko may use have none either.
public enum ChunkPipeline {
    /// `produce` writes into the buffer it is given and returns how many bytes (0: the end);
    /// `consume` gets each filled piece in order and returns false to stop early (then `produce`
    /// is not called again). The first error thrown by either stage is rethrown here, after the
    /// producing thread has stopped: nothing outlives the call.
    public static func run(chunk: Int = 1 << 20, buffers: Int = 4, threads: Int = Parallelism.threads,
                           produce: @escaping @Sendable (UnsafeMutableBufferPointer<UInt8>) throws -> Int,
                           consume: (UnsafeBufferPointer<UInt8>) throws -> Bool) throws {
        if threads <= 1 {
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
            defer { buffer.deallocate() }
            while true {
                let n = try produce(buffer)
                if n == 0 { return }
                guard try consume(UnsafeBufferPointer(rebasing: buffer[0..<n])) else { return }
            }
        }
        // `produce` escapes to the thread (which may hold it a moment after it stops): it must own
        // what it reads, as the caller's stream does.
        let state = State(chunk: chunk, buffers: max(2, buffers))
        defer { state.release() }
        let thread = Thread { state.produce(produce) }
        thread.stackSize = 1 << 20
        thread.start()
        defer { state.stopAndWait() }
        while let (slot, count) = try state.next() {
            let keep: Bool
            do { keep = try consume(UnsafeBufferPointer(rebasing: state.slots[slot][0..<count])) } catch {
                state.recycle(slot)
                throw error
            }
            state.recycle(slot)
            if !keep { return }
        }
    }

    /// The buffers, the queue of filled ones and the producer's end, under one condition.
    final class State: @unchecked Sendable {
        let slots: [UnsafeMutableBufferPointer<UInt8>]
        let condition = NSCondition()
        var free: [Int]
        var filled: [(slot: Int, count: Int)] = []
        var ended = false
        var stopped = false
        var running = true
        var failure: Error?

        init(chunk: Int, buffers: Int) {
            slots = (0..<buffers).map { _ in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk) }
            free = Array(0..<buffers)
        }

        func release() { for s in slots { s.deallocate() } }

        /// On the producing thread: fill free buffers until the end, an error or a stop.
        func produce(_ produce: (UnsafeMutableBufferPointer<UInt8>) throws -> Int) {
            defer {
                condition.lock()
                running = false
                condition.broadcast()
                condition.unlock()
            }
            while true {
                condition.lock()
                while free.isEmpty && !stopped { condition.wait() }
                if stopped { condition.unlock(); return }
                let slot = free.removeFirst()
                condition.unlock()
                let count: Int
                do { count = try produce(slots[slot]) } catch {
                    condition.lock()
                    failure = error
                    ended = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                condition.lock()
                if count == 0 { ended = true; free.append(slot) } else { filled.append((slot, count)) }
                condition.broadcast()
                condition.unlock()
                if count == 0 { return }
            }
        }

        /// On the consuming thread: the next filled buffer in order, nil at the end; the producer's
        /// error once everything before it has been consumed.
        func next() throws -> (Int, Int)? {
            condition.lock()
            defer { condition.unlock() }
            while filled.isEmpty && !ended { condition.wait() }
            if !filled.isEmpty { return filled.removeFirst() }
            if let failure { throw failure }
            return nil
        }

        func recycle(_ slot: Int) {
            condition.lock()
            free.append(slot)
            condition.broadcast()
            condition.unlock()
        }

        /// Tells the producer to stop and waits until it has (it may be inside `produce`).
        func stopAndWait() {
            condition.lock()
            stopped = true
            condition.broadcast()
            while running { condition.wait() }
            condition.unlock()
        }
    }
}
