import ChainRule
import ChainRuleRender
import Foundation
import GraphScript
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Graphs the render tests draw, built in Swift (independent of the script language).
enum Fixtures {
    /// Saito's apples: apple = 100, n = 2, price = apple × n, tax = 1.1, total = price × tax.
    static func apples() throws -> Backward {
        var g = Graph()
        let apple = g.leaf("apple", 100)
        let n = g.leaf("n", 2)
        let price = try g.apply(.mul, apple, n, name: "price")
        let tax = g.leaf("tax", 1.1)
        let total = try g.apply(.mul, price, tax, name: "total")
        return try g.forward().backward(from: total)
    }

    /// Fan-out: y = x × 2 + x at x = 1, so ∂y/∂x = 2 + 1 = 3.
    static func fanOut() throws -> (Backward, NodeID) {
        var g = Graph()
        let x = g.leaf("x", 1)
        let twice = try g.apply(.mul, x, g.constant(2))
        let y = try g.apply(.add, twice, x, name: "y")
        return (try g.forward().backward(from: y), x)
    }

    /// An affine layer on a batch of two rows; the bias gradient sums over axis 0.
    static func affine() throws -> Backward {
        var g = Graph()
        let X = g.leaf("X", Tensor(rows: [[1, 2, 3], [4, 5, 6]]))
        let W = g.leaf("W", Tensor(rows: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]))
        let b = g.leaf("b", [0.1, -0.2])
        let A = try g.apply(.matmul, X, W, name: "A")
        let Y = try g.apply(.add, A, b, name: "Y")
        let L = try g.apply(.sum(axis: nil), Y, name: "L")
        return try g.forward().backward(from: L)
    }

    /// L = sum(sigmoid(x)) for a vector x.
    static func sigmoid() throws -> Backward {
        var g = Graph()
        let x = g.leaf("x", [-2, 0, 0.5, 3])
        let s = try g.apply(.sigmoid, x, name: "s")
        let L = try g.apply(.sum(axis: nil), s, name: "L")
        return try g.forward().backward(from: L)
    }

    /// A 6×6 matrix (truncated in figures).
    static func bigMatrix() throws -> Backward {
        var g = Graph()
        let M = g.leaf("M", Tensor(shape: [6, 6], scalars: (0..<36).map { Double($0) / 10 }))
        let L = try g.apply(.sum(axis: nil), try g.apply(.square, M, name: "S"), name: "L")
        return try g.forward().backward(from: L)
    }

    /// A script compiled with GraphScript.
    static func script(_ source: String) throws -> Backward {
        try ScriptCompiler.compile(source, fileName: "test.graph").evaluate()
    }
}

/// SVG parsing helpers.
enum SVG {
    /// Parses `svg` as XML: every text node's content and every element.
    static func parse(_ bytes: [UInt8]) throws -> Document {
        let delegate = Collector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = delegate
        guard parser.parse() else {
            throw ParseFailure(message: parser.parserError.map { "\($0)" } ?? "unknown XML error")
        }
        return Document(texts: delegate.texts, elements: delegate.elements)
    }

    struct ParseFailure: Error { let message: String }

    struct Element: Equatable {
        let name: String
        let attributes: [String: String]
        /// The `id` of the closest enclosing `<g>` with an id.
        let group: String?
    }

    struct Document {
        let texts: [String]
        let elements: [Element]
        var allText: String { texts.joined(separator: " ") }

        /// The groups (`<g id=…>`) with a given class word.
        func groups(withClass word: String) -> [Element] {
            elements.filter { $0.name == "g" && ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(word)) }
        }

        /// The shapes of every operation node and edge (ellipses, paths), keyed
        /// by the enclosing group's id: what must not move between frames.
        func geometry() -> [String: [String]] {
            var out: [String: [String]] = [:]
            for e in elements {
                guard let group = e.group, group != "graph0" else { continue }
                switch e.name {
                case "ellipse":
                    out[group, default: []].append("ellipse \(e.attributes["cx"] ?? "") \(e.attributes["cy"] ?? "") \(e.attributes["rx"] ?? "") \(e.attributes["ry"] ?? "")")
                case "path": out[group, default: []].append("path \(e.attributes["d"] ?? "")")
                default: break
                }
            }
            return out
        }
    }

    final class Collector: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var elements: [Element] = []
        private var stack: [String?] = []
        private var current = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let enclosing = stack.last(where: { $0 != nil }) ?? nil
            elements.append(Element(name: name, attributes: attributes, group: enclosing))
            stack.append(name == "g" ? attributes["id"] : nil)
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let t = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { texts.append(t) }
            current = ""
            stack.removeLast()
        }
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
    func hasPrefix(_ prefix: String) -> Bool { starts(with: Array(prefix.utf8)) }
    var isPNG: Bool { starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
}
