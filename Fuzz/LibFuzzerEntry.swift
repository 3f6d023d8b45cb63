// libFuzzer's entry for msoko's readers: built by scripts/fuzz-libfuzzer.sh against the
// instrumented objects of MsokoCore and MsokoFuzzing (not a SwiftPM target: SwiftPM cannot
// link an executable with -sanitize=fuzzer, see shared/RECIPES.md). The reader comes from
// MSOKO_FUZZ_TARGET (a name from `FuzzTargets.all`).
import Foundation
import MsokoFuzzing

let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["MSOKO_FUZZ_TARGET"] ?? "results-xlsx"
    guard let t = FuzzTargets.named(name) else {
        FileHandle.standardError.write(Data("MSOKO_FUZZ_TARGET: нет цели «\(name)»; есть: \(FuzzTargets.all.map(\.name).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    target.run(Data(bytes: start, count: count))
    return 0
}

@_silgen_name("LLVMFuzzerMutate")
func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// Half of the mutations are msoko's own (ZIP-aware for workbooks and documents: unpack, mutate a
/// part's XML, pack again; token insertions for text), half libFuzzer's byte-level ones.
@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: CUnsignedInt) -> Int {
    guard seed % 2 == 0 else { return LLVMFuzzerMutate(data, size, maxSize) }
    var mutator = Mutator(seed: UInt64(seed))
    let out = mutator.mutate(Data(bytes: data, count: size), kind: target.kind, corpus: [])
    guard out.count <= maxSize, !out.isEmpty else { return LLVMFuzzerMutate(data, size, maxSize) }
    out.copyBytes(to: data, count: out.count)
    return out.count
}
