import ChainRule
import ChainRuleSupport
import GraphScript

extension EvalJSON {
    /// The bytes of one chunk of streamed JSON (at least; more when one
    /// entry could be longer than half of it).
    static let chunkSize = 1 << 16

    /// Writes `bytes(script, pass)` piece by piece to `emit`: for a scalar
    /// graph (every value and gradient a number, read from the pass's flat
    /// arrays, `scalarValues`) through one reused buffer of `chunkSize`
    /// bytes, so a 10,000-name script's 576 KB of JSON never sits in
    /// memory whole (that buffer was ~140 page faults); otherwise `bytes`
    /// in one piece. The bytes are the same either way.
    static func write(_ script: Script, _ pass: Backward, to emit: (UnsafeRawBufferPointer) -> Void) {
        guard let values = pass.forward.scalarValues, let gradients = pass.scalarGradients else {
            bytes(script, pass).withUnsafeBytes(emit)
            return
        }
        let names = script.names
        let output = Escape.json(script.outputName)
        // The longest entry: `,\n    "` + the name (escaped: at most 6 bytes
        // per byte) + `": ` + a number (at most 24 characters); or the head.
        var longest = 64 + output.utf8.count
        for entry in names { longest = max(longest, 6 * entry.name.utf8.count + 48) }
        withoutActuallyEscaping(emit) { emit in
            var out = ChunkedCursor(size: max(chunkSize, 2 * longest), room: longest, emit: emit)
            out.cursor.put("{\n  \"output\": ")
            out.cursor.write(output)
            out.cursor.put(",\n  \"values\": {")
            section(names, values, &out)
            out.cursor.put("},\n  \"grads\": {")
            section(names, gradients, &out)
            out.cursor.put("}\n}\n")
            out.close()
        }
    }

    /// `"name": number` for every name, comma-separated, then `\n  ` (the format of `JSONBytes.key` and `number`).
    /// The names are read in place (no copy, so no retain and release of each).
    private static func section(_ names: [(name: String, node: NodeID)], _ numbers: [Double], _ out: inout ChunkedCursor) {
        names.withUnsafeBufferPointer { names in
            for k in names.indices {
                out.makeRoom()
                out.cursor.put(k == 0 ? "\n    \"" : ",\n    \"")
                // `Escape.json`'s rule: no byte below 0x20, no `"` or `\`: quoted whole.
                let plain = names[k].name.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
                    for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
                    out.cursor.put(utf8)
                    return true
                }
                if plain != true {
                    let quoted = Escape.json(names[k].name)
                    out.cursor.write(String(quoted.dropFirst().dropLast()))
                }
                out.cursor.put("\": ")
                number(numbers[names[k].node.index], &out.cursor)
            }
        }
        out.makeRoom()
        if !names.isEmpty { out.cursor.put("\n  ") }
    }

    /// Shortest round-trip text (`Double.description`'s digits); non-finite as strings (`JSONBytes.number`).
    @inline(__always)
    private static func number(_ x: Double, _ out: inout ByteCursor) {
        if x.isNaN {
            out.put("\"nan\"")
        } else if x.isInfinite {
            out.put(x > 0 ? "\"inf\"" : "\"-inf\"")
        } else {
            x.write(to: &out)
        }
    }
}

/// A `ByteCursor` over one reused buffer, handed to `emit` whenever less
/// than `room` bytes are left (and at `close`). Whoever writes through it
/// calls `makeRoom()` before each piece of at most `room` bytes, and
/// `close()` once at the end (one owner: copies would share the buffer).
struct ChunkedCursor {
    private let start: UnsafeMutablePointer<UInt8>
    private let size: Int
    private let room: Int
    private let emit: (UnsafeRawBufferPointer) -> Void
    var cursor: ByteCursor

    init(size: Int, room: Int, emit: @escaping (UnsafeRawBufferPointer) -> Void) {
        start = .allocate(capacity: size)
        self.size = size
        self.room = room
        self.emit = emit
        cursor = ByteCursor(start)
    }

    /// Hands the bytes so far to `emit` if fewer than `room` bytes are left.
    mutating func makeRoom() {
        if start + size - cursor.p < room { flush() }
    }

    /// Hands the bytes so far to `emit` and frees the buffer.
    mutating func close() {
        flush()
        start.deallocate()
    }

    private mutating func flush() {
        emit(UnsafeRawBufferPointer(start: start, count: cursor.p - start))
        cursor = ByteCursor(start)
    }
}

/// Writes bytes through a pointer into room the caller made (no bounds
/// check per piece). A `TextOutputStream` so that `Double.write(to:)` hands
/// over its digits as ASCII bytes.
struct ByteCursor: TextOutputStream {
    /// Where the next byte goes.
    private(set) var p: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { p = start }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        p.update(from: base, count: bytes.count)
        p += bytes.count
    }

    @inline(__always)
    mutating func put(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { put($0) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { put(buffer) }
}
