/// Interns identifiers: each distinct name gets a small number (its symbol)
/// and one `String`, made the first time the name is seen. Later occurrences
/// are found by hashing their bytes in the source, so the parser makes no
/// `String` per identifier and the builder keys its tables by symbol instead
/// of hashing `String`s.
struct SymbolTable: Sendable {
    /// The text of each symbol.
    private(set) var names: [String] = []
    /// Where each symbol first occurs in the source (byte range), and its hash.
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var hashes: [UInt64] = []
    /// Open addressing: symbol + 1, or 0 for an empty slot. Power-of-two size.
    private var slots: [Int32] = Array(repeating: 0, count: 256)

    var count: Int { names.count }

    /// Makes room for about `count` symbols (no rehashing below that).
    mutating func reserveCapacity(_ count: Int) {
        names.reserveCapacity(count)
        starts.reserveCapacity(count)
        lengths.reserveCapacity(count)
        hashes.reserveCapacity(count)
        var size = slots.count
        while size < 2 * count { size *= 2 }
        if size > slots.count && names.isEmpty { slots = Array(repeating: 0, count: size) }
    }

    /// The symbol for the identifier at `bytes[start..<end]`.
    mutating func intern(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        bytes.withUnsafeBufferPointer { p -> Int in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for i in start..<end { hash = (hash ^ UInt64(p[i])) &* 0x100_0000_01b3 }
            let length = end - start
            var mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while true {
                let entry = Int(slots[slot])
                if entry == 0 { break }
                let symbol = entry - 1
                if hashes[symbol] == hash && lengths[symbol] == length {
                    let s = starts[symbol]
                    var equal = true
                    for k in 0..<length where p[s + k] != p[start + k] { equal = false; break }
                    if equal { return symbol }
                }
                slot = (slot + 1) & mask
            }
            let symbol = names.count
            names.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self))
            starts.append(start)
            lengths.append(length)
            hashes.append(hash)
            if (symbol + 1) * 2 > slots.count {
                // Grow and reinsert everything (load factor at most 1/2).
                slots = Array(repeating: 0, count: slots.count * 2)
                mask = slots.count - 1
                for other in 0...symbol {
                    let h = hashes[other]
                    var j = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
                    while slots[j] != 0 { j = (j + 1) & mask }
                    slots[j] = Int32(other + 1)
                }
            } else {
                slots[slot] = Int32(symbol + 1)
            }
            return symbol
        }
    }
}
