import Synchronization

/// A counter of committed write transactions in this process: what keeps figures computed from
/// the data (`PublicCache`) notes the version it read before computing, and computes again once
/// the version has moved. Bumped after the commit, so a computation that began before the write
/// is never kept under the new version. Writes on another node reach this one's caches through
/// their lifetime (a minute) instead.
enum DataVersion {
    private static let counter = Atomic<UInt64>(0)

    static var current: UInt64 { counter.load(ordering: .acquiring) }

    static func bump() { counter.add(1, ordering: .releasing) }
}
