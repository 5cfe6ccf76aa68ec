import ChainRule
import ChainRuleSupport
import Foundation
import GraphScript
import ChainRuleRender

/// The JSON of `chainrule eval --json` (its exact format is fixed by Tests/Conformance): one entry per assigned
/// name in script order; scalars as numbers, vectors as arrays, matrices as
/// arrays of rows; every number at full round-trip precision; non-finite
/// numbers as the strings "nan", "inf", "-inf"; `null` for a target-only name.
enum EvalJSON {
    /// The JSON as UTF-8 bytes, written straight into one buffer: each
    /// number's shortest round-trip text comes from `Double.write(to:)` as
    /// ASCII bytes (the same digits as `description`), with no `String` per
    /// number or per entry. (`write` streams a scalar graph's JSON.)
    static func bytes(_ script: Script, _ pass: Backward) -> [UInt8] {
        let names = script.names
        var out = JSONBytes(capacity: 64 * names.count + 64)
        out.append("{\n  \"output\": ")
        out.append(string: Escape.json(script.outputName))
        out.append(",\n  \"values\": {")
        let values = pass.forward.values
        for (k, entry) in names.enumerated() {
            out.key(entry.name, first: k == 0)
            out.tensor(values[entry.node.index])
        }
        if !names.isEmpty { out.append("\n  ") }
        out.append("},\n  \"grads\": {")
        let gradients = pass.gradients
        for (k, entry) in names.enumerated() {
            out.key(entry.name, first: k == 0)
            if let gradient = gradients[entry.node.index] { out.tensor(gradient) } else { out.append("null") }
        }
        if !names.isEmpty { out.append("\n  ") }
        out.append("}\n}\n")
        return out.bytes
    }
}

/// The bytes of `eval --json`, appended piece by piece into one buffer
/// that grows by doubling: each piece is one bounds check and one copy, not
/// an `Array.append(contentsOf:)`. A `TextOutputStream` so that
/// `Double.write(to:)` hands over its digits as ASCII bytes.
struct JSONBytes: TextOutputStream {
    /// `storage[0..<count]` is written; the rest is room.
    private var storage: [UInt8]
    private var count = 0

    init(capacity: Int = 64) { storage = [UInt8](repeating: 0, count: max(capacity, 64)) }

    /// The bytes written.
    var bytes: [UInt8] { Array(storage[0..<count]) }

    mutating func write(_ string: String) { append(string: string) }
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(UnsafeRawBufferPointer(buffer)) }

    /// Copies `piece` to the end.
    @inline(__always)
    private mutating func append(_ piece: UnsafeRawBufferPointer) {
        let n = piece.count
        if count + n > storage.count { storage.append(contentsOf: repeatElement(0, count: max(storage.count, n))) }
        if n > 0 {
            let at = count
            storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: piece.baseAddress!, byteCount: n) }
        }
        count += n
    }

    @inline(__always)
    private mutating func append(byte: UInt8) {
        if count == storage.count { storage.append(contentsOf: repeatElement(0, count: storage.count)) }
        storage[count] = byte
        count += 1
    }

    /// Fixed text (the format's punctuation).
    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(string: String) {
        var string = string
        string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// `,\n    "name": ` (without the comma for the first entry); the name
    /// quoted as `Escape.json` quotes it.
    mutating func key(_ name: String, first: Bool) {
        append(first ? "\n    " : ",\n    ")
        var name = name
        // `Escape.json`'s own fast path: no byte below 0x20, no `"` or `\`: quoted whole.
        let plain = name.withUTF8 { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            append(byte: UInt8(ascii: "\""))
            append(UnsafeRawBufferPointer(utf8))
            append(byte: UInt8(ascii: "\""))
            return true
        }
        if !plain { append(string: Escape.json(name)) }
        append(": ")
    }

    /// Shortest round-trip text (`Double.description`'s digits); non-finite as strings.
    mutating func number(_ x: Double) {
        if x.isNaN { append("\"nan\"") } else if x.isInfinite { append(x > 0 ? "\"inf\"" : "\"-inf\"") } else { x.write(to: &self) }
    }

    /// A number, an array (a vector) or an array of rows (a matrix).
    mutating func tensor(_ t: Tensor) {
        t.scalars.withUnsafeBufferPointer { scalars in
            switch t.rank {
            case 0:
                number(scalars[0])
            case 1:
                row(scalars)
            default:
                let cols = t.lastAxisLength
                append("[")
                for start in stride(from: 0, to: scalars.count, by: max(cols, 1)) {
                    if start > 0 { append(", ") }
                    row(UnsafeBufferPointer(rebasing: scalars[start..<start + cols]))
                }
                append("]")
            }
        }
    }

    private mutating func row(_ scalars: UnsafeBufferPointer<Double>) {
        append("[")
        for (k, x) in scalars.enumerated() {
            if k > 0 { append(", ") }
            number(x)
        }
        append("]")
    }
}

/// Tables for people. Numbers and tensors come from the one formatter
/// (`TensorFormat` over `NumberFormat`: 6 significant digits, `−`, noise as 0).
enum TensorText {
    /// Table cells: cut at 6 items and 4 rows, no shape suffix (the table has a shape column).
    static let format = TensorFormat(number: .text, maxItems: 6, maxRows: 4, appendsShape: false)

    /// Columns padded to their widest cell (by characters), two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                if i == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[i] - cell.count + 2)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

/// The table of `chainrule eval` without `--json`.
enum EvalTable {
    static func render(_ script: Script, _ pass: Backward) -> String {
        var rows = [["name", "shape", "value", "gradient"]]
        let format = TensorText.format
        for (name, node) in script.names {
            let value = pass.forward.value(of: node)
            let gradient = pass.gradient(of: node).map {
                format.string($0, noiseScale: RoundingNoise.gradientScale(of: node, in: pass))
            } ?? (script.graph[node].isData ? "— (data)" : "— (target)")
            let label = node == script.output ? name + " (output)" : name
            rows.append([label, describeShape(value.shape),
                         format.string(value, noiseScale: RoundingNoise.valueScale(of: node, in: pass.forward)), gradient])
        }
        return TensorText.table(rows)
    }

    /// `warning: non-finite results: L (value), h (value, gradient)` or `nil`.
    static func nonFiniteWarning(_ script: Script, _ pass: Backward) -> String? {
        var parts: [String] = []
        for (name, node) in script.names {
            var which: [String] = []
            if !pass.forward.value(of: node).isFinite { which.append("value") }
            if let g = pass.gradient(of: node), !g.isFinite { which.append("gradient") }
            if !which.isEmpty { parts.append("\(name) (\(which.joined(separator: ", ")))") }
        }
        guard !parts.isEmpty else { return nil }
        return "warning: non-finite results (nan or inf): " + parts.joined(separator: ", ")
    }
}
