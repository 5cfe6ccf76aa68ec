import ChainRule
import Foundation
@testable import GraphScript
import Testing

/// The docs' operation tables and the fuzz dictionary list exactly the
/// functions the operations' definitions declare (`Operation.scriptCalls`).
@Suite struct LanguageDocsTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    private static let initializers: Set<String> = ["zeros", "ones", "randn"]
    private static let defined = Set(Operation.scriptCalls.map(\.name))

    private func read(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The lines from the heading `start` up to the next heading of the same level.
    private func section(_ text: String, _ start: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0 == start }) else { return [] }
        let level = start.prefix { $0 == "#" }
        let end = lines[(first + 1)...].firstIndex { $0.hasPrefix(level + " ") } ?? lines.endIndex
        return Array(lines[first..<end])
    }

    /// Function names in the first column of the tables: `name(` in a code
    /// span, or a code span that is a list of names (`exp log recip`).
    private func functionNames(_ lines: [Substring]) -> Set<String> {
        var names: Set<String> = []
        for line in lines where line.hasPrefix("| ") && !line.hasPrefix("|---") {
            let firstCell = line.dropFirst(2).prefix { $0 != "|" }
            for (k, span) in firstCell.split(separator: "`", omittingEmptySubsequences: false).enumerated() where k % 2 == 1 {
                if span.allSatisfy({ $0.isLowercase || $0 == "_" || $0 == " " }), span.contains(" ") {
                    names.formUnion(span.split(separator: " ").map(String.init))
                }
                for match in span.matches(of: /([a-z_]+)\(/) { names.insert(String(match.1)) }
            }
        }
        return names.subtracting(Self.initializers)
    }

    @Test(arguments: [
        ("docs/LANGUAGE.md", "## 4. Operations"),
        ("README.md", "## The graph script language"),
        ("Sources/GraphScript/GraphScript.docc/GraphScript.md", "### Functions"),
    ])
    func operationTableListsExactlyTheDefinedFunctions(_ path: String, _ heading: String) throws {
        let listed = functionNames(section(try read(path), heading))
        #expect(listed.subtracting(Self.defined).isEmpty, "\(path) lists undefined functions: \(listed.subtracting(Self.defined).sorted())")
        #expect(Self.defined.subtracting(listed).isEmpty, "\(path) misses: \(Self.defined.subtracting(listed).sorted())")
    }

    /// Every operation without a function name (the operators, indexing) has
    /// a row in the reference's operator table, written with its token.
    @Test func operatorTableListsEveryOperator() throws {
        let rows = section(try read("docs/LANGUAGE.md"), "### Operators").filter { $0.hasPrefix("| `") }
        let forms = rows.map { $0.dropFirst(2).prefix { $0 != "|" } }
        for op in Operation.catalog where op.definition.call == nil && op != .identity {
            let token = op.scriptName == "index" ? "[" : op.scriptName
            let arity = op.arity
            #expect(forms.contains { $0.contains(token) && ($0.contains("a \(token) b") == (arity == 2)) },
                    "no row for \(op) (\(token))")
        }
        #expect(rows.count == Operation.catalog.filter { $0.definition.call == nil && $0 != .identity }.count)
    }

    @Test func fuzzDictionaryListsExactlyTheFunctions() throws {
        let calls = try read("Fuzz/graph.dict").split(separator: "\n").compactMap { line -> String? in
            guard let m = line.wholeMatch(of: /"([a-z_]+)\("/) else { return nil }
            return String(m.1)
        }
        #expect(Set(calls) == Self.defined.union(Self.initializers))
        #expect(calls.count == Set(calls).count)
    }

    @Test func languageReferenceDocumentsDataLeavesAndIndexing() throws {
        let text = try read("docs/LANGUAGE.md")
        for phrase in ["### Data leaves", "data t = [1, 0]", "`x[i]`, `x[i, j]`", "## Appendix A: adding an operation"] {
            #expect(text.contains(phrase), "\(phrase)")
        }
        // Every example script in the reference (a bare ``` block that is not an error message) compiles.
        var scripts: [String] = [], current: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```" {
                if let block = current { scripts.append(block.joined(separator: "\n")) }
                current = current == nil ? [] : nil
            } else {
                current?.append(line)
            }
        }
        scripts.removeAll { $0.contains("error:") }
        #expect(scripts.count >= 2)
        for script in scripts { #expect((try? compile(script)) != nil, "\(script)") }
    }
}
