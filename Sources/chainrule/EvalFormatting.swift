import ChainRule
import Foundation
import GraphScript

/// The JSON of `chainrule eval --json` (DESIGN §3): one entry per assigned
/// name in script order; scalars as numbers, vectors as arrays, matrices as
/// arrays of rows; every number at full round-trip precision; non-finite
/// numbers as the strings "nan", "inf", "-inf"; `null` for a target-only name.
enum EvalJSON {
    static func render(_ script: Script, _ pass: Backward) -> String {
        // Built as UTF-8 bytes: one append per piece, no String growth checks.
        let keys = script.names.map { string($0.name) }
        var out: [UInt8] = []
        out.reserveCapacity(64 * keys.count + 64)
        out.append(contentsOf: "{\n  \"output\": \(string(script.outputName)),\n  \"values\": {".utf8)
        appendEntries(&out, keys, script.names.map { pass.forward.value(of: $0.node) as Tensor? })
        out.append(contentsOf: "},\n  \"grads\": {".utf8)
        appendEntries(&out, keys, script.names.map { pass.gradient(of: $0.node) })
        out.append(contentsOf: "}\n}\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendEntries(_ out: inout [UInt8], _ keys: [String], _ tensors: [Tensor?]) {
        for (k, (key, tensor)) in zip(keys, tensors).enumerated() {
            out.append(contentsOf: (k == 0 ? "\n    " : ",\n    ").utf8)
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: ": ".utf8)
            if let tensor {
                if tensor.rank == 0 { out.append(contentsOf: number(tensor.scalar).utf8) } else { out.append(contentsOf: value(tensor).utf8) }
            } else {
                out.append(contentsOf: "null".utf8)
            }
        }
        if !keys.isEmpty { out.append(contentsOf: "\n  ".utf8) }
    }

    /// A tensor as a JSON number, array or array of rows.
    static func value(_ t: Tensor) -> String {
        switch t.rank {
        case 0: return number(t.scalar)
        case 1: return "[" + t.scalars.map(number).joined(separator: ", ") + "]"
        default:
            return "[" + t.rowArrays.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        }
    }

    /// Shortest round-trip text (`Double.description`); non-finite as strings.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "\"nan\"" }
        if x.isInfinite { return x > 0 ? "\"inf\"" : "\"-inf\"" }
        return x.description
    }

    static func string(_ s: String) -> String {
        // Most names need no escapes: quote them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Compact, human-readable numbers and tensors for tables.
enum TensorText {
    /// Up to 6 significant digits; whole numbers without a decimal point.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.6g", x)
    }

    /// A row of numbers, truncated with `…` past `limit` elements.
    static func row(_ values: [Double], limit: Int = 6) -> String {
        let items: [String]
        if values.count <= limit {
            items = values.map(number)
        } else {
            items = values.prefix(limit - 2).map(number) + ["…"] + values.suffix(1).map(number)
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// `2`, `[1, 2, 3]`, `[[1, 2], [3, 4]]`, truncated with `…` when large.
    static func tensor(_ t: Tensor) -> String {
        switch t.rank {
        case 0: return number(t.scalar)
        case 1: return row(t.scalars)
        default:
            let rows = t.rowArrays
            let shown: [String]
            if rows.count <= 4 {
                shown = rows.map { row($0, limit: 5) }
            } else {
                shown = rows.prefix(2).map { row($0, limit: 5) } + ["…"] + rows.suffix(1).map { row($0, limit: 5) }
            }
            return "[" + shown.joined(separator: ", ") + "]"
        }
    }

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
        for (name, node) in script.names {
            let value = pass.forward.value(of: node)
            let gradient = pass.gradient(of: node).map(TensorText.tensor) ?? (script.graph[node].isData ? "— (data)" : "— (target)")
            let label = node == script.output ? name + " (output)" : name
            rows.append([label, describeShape(value.shape), TensorText.tensor(value), gradient])
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
