import ChainRule
import ChainRuleRender
import Foundation
import Testing

/// The in-process Graphviz wrapper.
@Suite struct GraphvizTests {
    @Test func versionIsKnown() {
        let v = Graphviz.version
        #expect(v.first?.isNumber == true, "version: \(v)")
    }

    @Test func everyFormatRenders() {
        for check in Graphviz.checkFormats() {
            #expect(check.works, "\(check.format): \(String(describing: check.error))")
        }
    }

    @Test func malformedDOTIsASwiftErrorWithGraphvizMessage() {
        do {
            _ = try Graphviz.render(dot: "digraph { a -> ; }", format: .svg)
            Issue.record("malformed DOT rendered")
        } catch {
            #expect(error.stage == "parse")
            #expect(error.message.lowercased().contains("syntax"), "message: \(error.message)")
        }
        // Graphviz is still usable afterwards.
        #expect((try? Graphviz.render(dot: "digraph { a -> b }", format: .svg))?.isEmpty == false)
    }

    @Test func unknownLayoutOrBadHTMLLabelIsAnError() {
        #expect(throws: GraphvizError.self) {
            _ = try Graphviz.render(dot: "digraph { a [label=<<TABLE><TR><TD>x</TABLE>>] }", format: .svg)
        }
    }

    @Test func layoutReadsGeometryBack() throws {
        let layout = try Graphviz.layout(dot: "digraph { rankdir=LR; a -> b [id=\"e1\"] }")
        #expect(layout.nodes["a"] != nil && layout.nodes["b"] != nil)
        #expect(layout.edges["e1"] != nil)
        #expect(layout.boundingBox.split(separator: ",").count == 4)
    }

    @Test func concurrentRendersAreSafeAndIdentical() async throws {
        let figure = try Figure(try Fixtures.affine())
        let expected = try figure.render(format: .svg)
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for k in 0..<12 {
                group.addTask {
                    let format: GraphvizFormat = k % 3 == 0 ? .png : .svg
                    let bytes = try figure.render(format: format)
                    return format == .svg ? bytes : try figure.render(format: .svg)
                }
            }
            var all: [[UInt8]] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 12)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func manyRendersInALoop() throws {
        let layout = try FigureLayout(try Figure(try Fixtures.apples()))
        var last: [UInt8] = []
        for k in 0..<200 {
            let frame = k % 2 == 0 ? FigureFrame.complete : FigureFrame.forwardOnly
            let bytes = try layout.render(frame)
            if k % 2 == 0 {
                if !last.isEmpty { #expect(bytes == last) }
                last = bytes
            }
        }
        #expect(!last.isEmpty)
    }
}
