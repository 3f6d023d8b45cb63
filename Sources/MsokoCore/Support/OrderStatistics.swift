/// Order statistics without a full sort. Written by hand: the standard library has no partial sort
/// (C++'s `nth_element`) and no package on the mirror offers one.
extension Array where Element == Double {
    /// Rearranges the elements so that the one at `k` is the one `sorted()` would put there, the
    /// elements of `range` before it no greater and those after it no smaller, and returns it.
    /// Hoare's selection with the median of three as pivot: linear time on average; if the
    /// partitions stop shrinking (an adversarial order) what is left is sorted instead, so no
    /// input makes it quadratic (introselect). The elements must not be NaN.
    @discardableResult
    mutating func select(_ k: Int, in range: Range<Int>) -> Double {
        precondition(range.contains(k))
        var lo = range.lowerBound, hi = range.upperBound - 1
        var budget = 2 * (Swift.max(1, range.count).bitWidth - Swift.max(1, range.count).leadingZeroBitCount) + 8
        return withUnsafeMutableBufferPointer { a in
            while hi - lo > 16 {
                if budget == 0 { break }
                budget -= 1
                // The median of the first, middle and last as the pivot.
                let mid = lo + (hi - lo) / 2
                if a[mid] < a[lo] { a.swapAt(mid, lo) }
                if a[hi] < a[lo] { a.swapAt(hi, lo) }
                if a[hi] < a[mid] { a.swapAt(hi, mid) }
                let pivot = a[mid]
                var i = lo, j = hi
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while pivot < a[j] { j -= 1 }
                    if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
                }
                // [lo, j] ≤ pivot, [i, hi] ≥ pivot, and anything between equals it.
                if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
            }
            // A short (or stubborn) remainder: sorted in place.
            var rest = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
            rest.sort()
            return a[k]
        }
    }
}
