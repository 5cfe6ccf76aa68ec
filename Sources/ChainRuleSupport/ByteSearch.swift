#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one byte search: where `needle` first occurs in `haystack` at or
/// after `start`, or `nil`. (`memchr` for the first byte, `memcmp` for the
/// rest: SVG and PDF post-processing searches hundreds of kilobytes per
/// export frame.)
package func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
    guard !needle.isEmpty, start >= 0, haystack.count >= needle.count else { return needle.isEmpty ? start : nil }
    let last = haystack.count - needle.count
    guard start <= last else { return nil }
    return haystack.withUnsafeBufferPointer { hay in
        needle.withUnsafeBufferPointer { n in
            let base = hay.baseAddress!
            var i = start
            while i <= last {
                guard let hit = memchr(base + i, Int32(n[0]), last - i + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, n.baseAddress!, n.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }
}
