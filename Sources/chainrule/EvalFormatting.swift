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

    static func string(_ s: String) -> String { Escape.json(s) }
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
