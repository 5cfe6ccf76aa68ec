/// The one byte search: where `needle` first occurs in `haystack` at or
/// after `start`, or `nil`.
package func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
    guard let first = needle.first, haystack.count >= needle.count, start >= 0 else { return needle.isEmpty ? start : nil }
    var i = start
    let last = haystack.count - needle.count
    while i <= last {
        if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        i += 1
    }
    return nil
}
