/// Interns identifiers: each distinct name gets a small number (its symbol)
/// and one `String`, made the first time the name is seen. Later occurrences
/// are found by hashing their bytes in the source, so the parser makes no
/// `String` per identifier and the builder keys its tables by symbol instead
/// of hashing `String`s.
struct SymbolTable: Sendable {
    /// The text of each symbol.
    private(set) var names: [String] = []
    /// Where each symbol first occurs in the source (byte range), and its hash.
    private var keys: [Key] = []
    private struct Key: Sendable {
        var hash: UInt64
        var start: Int
        var length: Int
    }
    /// Open addressing: symbol + 1, or 0 for an empty slot. Power-of-two size.
    private var slots: [Int32] = Array(repeating: 0, count: 256)

    var count: Int { names.count }

    /// Makes room for about `count` symbols (no rehashing below that).
    mutating func reserveCapacity(_ count: Int) {
        names.reserveCapacity(count)
        keys.reserveCapacity(count)
        var size = slots.count
        while size < 2 * count { size *= 2 }
        if size > slots.count && names.isEmpty { slots = Array(repeating: 0, count: size) }
    }

    /// The symbol for the identifier at `bytes[start..<end]`.
    mutating func intern(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        bytes.withUnsafeBufferPointer { intern($0, start, end) }
    }

    /// The symbol for the identifier at `p[start..<end]`.
    mutating func intern(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in start..<end { hash = (hash ^ UInt64(p[i])) &* 0x100_0000_01b3 }
        let length = end - start
        // Look the name up: its symbol, or the empty slot where it goes.
        let found = keys.withUnsafeBufferPointer { keys in
            slots.withUnsafeBufferPointer { slots -> (symbol: Int, slot: Int) in
                let mask = slots.count - 1
                var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
                while true {
                    let entry = Int(slots[slot])
                    if entry == 0 { return (-1, slot) }
                    let key = keys[entry - 1]
                    if key.hash == hash && key.length == length {
                        var equal = true
                        for k in 0..<length where p[key.start + k] != p[start + k] { equal = false; break }
                        if equal { return (entry - 1, slot) }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        if found.symbol >= 0 { return found.symbol }
        let symbol = names.count
        names.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self))
        keys.append(Key(hash: hash, start: start, length: length))
        if (symbol + 1) * 2 > slots.count {
            // Grow and reinsert everything (load factor at most 1/2).
            slots = Array(repeating: 0, count: slots.count * 2)
            let mask = slots.count - 1
            for other in 0...symbol {
                let h = keys[other].hash
                var j = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
                while slots[j] != 0 { j = (j + 1) & mask }
                slots[j] = Int32(other + 1)
            }
        } else {
            slots[found.slot] = Int32(symbol + 1)
        }
        return symbol
    }
}
