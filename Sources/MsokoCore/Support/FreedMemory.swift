#if canImport(Glibc)
import Glibc
#endif

/// How a one-shot command asks the C allocator to keep the memory it frees for the next
/// allocation instead of handing it back to the system at once. `msoko analyze` allocates and
/// frees its large per-work arrays phase after phase; by default glibc unmaps every block over
/// 128 KB when it is freed and trims each heap's top past 128 KB, so the next phase's arrays land
/// on fresh pages — each a page fault and a page zeroed by the kernel (on the project's virtual
/// machine about 3 µs a page: 166 000 faults were a fifth of a country's run on one core;
/// docs/benchmarks.md, «Every core»). Kept, a freed block is reused as it is. Never called by the
/// server, which must give memory back between requests. Hand-written: a call to the C library.
public enum FreedMemory {
    /// Raises the trim threshold (no heap is trimmed while the command runs) and the mmap threshold
    /// to 16 MB (blocks below it come from the heaps and are reused: a country's per-work arrays of
    /// 6 and 12 MB), and pads each heap's growth by 16 MB (fewer `brk`/`mprotect` calls). Measured on
    /// the national file (docs/benchmarks.md): page faults 166 000 → 142 000 on one thread, the peak
    /// unchanged (436 MB); at glibc's largest mmap threshold, 32 MB, 126 000 faults but a peak 24 MB
    /// higher on two threads (blocks freed in one thread's heap are not reused by the other's).
    /// No block is mapped on its own either (`M_MMAP_MAX` 0): past the largest threshold glibc maps
    /// each block and unmaps it when freed, so twice the works (3 million: per-work arrays of 23 and
    /// 46 MB, phase after phase) were all fresh pages again — 220 000 faults against 100 000 for
    /// 1.5 million, 0.2 s of the kernel zeroing pages. From the heaps: 172 000, the 3 million works'
    /// run 2.41 → 2.19 s (medians of six interleaved), the national file's unchanged, its peak on two
    /// threads 349–357 → 364–388 MiB (what is freed stays in the heaps). A thread's heap holds at most
    /// 64 MB: a larger block is still mapped.
    public static func keepForReuse() {
        #if canImport(Glibc)
        // `mallopt` and its parameters live in <malloc.h>, which the Glibc module does not import:
        // the function is found by name, its parameters are glibc's values (malloc.h:
        // M_TRIM_THRESHOLD −1, M_TOP_PAD −2, M_MMAP_THRESHOLD −3, M_MMAP_MAX −4).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-1, Int32.max)
        _ = mallopt(-3, 16 << 20)
        _ = mallopt(-2, 16 << 20)
        _ = mallopt(-4, 0)
        #endif
    }
}
