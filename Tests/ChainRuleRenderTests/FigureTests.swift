import ChainRule
import ChainRuleRender
import Foundation
import Testing

@Suite struct FigureTests {
    @Test func applesSVGHasEveryValueAndGradient() throws {
        let svg = try Figure(try Fixtures.apples()).render(format: .svg)
        let doc = try SVG.parse(svg)
        let texts = Set(doc.texts)
        for label in ["220", "2.2", "110", "1.1", "200", "100", "2", "1", "×", "apple", "n", "tax", "total"] {
            #expect(texts.contains(label), "missing \(label)")
        }
        #expect(doc.allText.contains("price ="))
        // id/class on nodes and edges, a <title> per node.
        #expect(!doc.groups(withClass: "operation").isEmpty)
        #expect(!doc.groups(withClass: "leaf").isEmpty)
        #expect(!doc.groups(withClass: "flow").isEmpty)
        #expect(doc.elements.contains { $0.name == "g" && $0.attributes["id"] == "node-0" })
        #expect(doc.elements.filter { $0.name == "title" }.count > 5)
    }

    @Test func scriptCompiledFigure() throws {
        let pass = try Fixtures.script("apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n")
        let texts = Set(try SVG.parse(try Figure(pass).render()).texts)
        for label in ["220", "2.2", "110", "1.1", "200"] { #expect(texts.contains(label)) }
    }

    @Test func outputIsDeterministic() throws {
        for make in [Fixtures.apples, Fixtures.affine, Fixtures.sigmoid] {
            let a = try Figure(try make()).render(format: .svg)
            let b = try Figure(try make()).render(format: .svg)
            #expect(a == b)
            let d1 = try Figure(try make()).dot()
            let d2 = try Figure(try make()).dot()
            #expect(d1 == d2)
        }
    }

    @Test(arguments: FigureTheme.all)
    func everyThemeAndFormatRenders(_ theme: FigureTheme) throws {
        for expand in [false, true] {
            for worksheet in [false, true] {
                let figure = try Figure(try Fixtures.sigmoid(), options: FigureOptions(theme: theme, expandFused: expand,
                                                                                   worksheet: worksheet, legend: true))
                let svg = try figure.render(format: .svg)
                _ = try SVG.parse(svg)
                #expect(svg.text.contains(theme.background))
                #expect(try figure.render(format: .png).isPNG)
                #expect(try figure.render(format: .pdf).hasPrefix("%PDF"))
                #expect(try figure.render(format: .dot).text.hasPrefix("digraph"))
            }
        }
    }

    @Test func fanOutShowsTheSum() throws {
        let (pass, _) = try Fixtures.fanOut()
        let doc = try SVG.parse(try Figure(pass).render())
        #expect(doc.texts.contains("2 + 1 = 3"), "\(doc.texts)")
        #expect(!doc.groups(withClass: "fork").isEmpty)
    }

    @Test func broadcastReductionIsNoted() throws {
        let doc = try SVG.parse(try Figure(try Fixtures.affine()).render())
        #expect(doc.allText.contains("(broadcast) Σ axis 0"))
        #expect(doc.texts.contains("(2, 3)"))  // X's shape
    }

    @Test func largeMatricesAreTruncated() throws {
        let doc = try SVG.parse(try Figure(try Fixtures.bigMatrix()).render())
        #expect(doc.texts.contains("⋯"))
        #expect(doc.texts.contains("⋮"))
        #expect(doc.texts.contains("0 … 3.5"))  // compact (default): the range reaches the last element
        #expect(!doc.texts.contains("2.1"))  // a middle one (row 3, column 3) is not
    }

    @Test func fusedAndExpandedSigmoid() throws {
        let fused = try SVG.parse(try Figure(try Fixtures.sigmoid()).render())
        #expect(fused.texts.contains("σ"))
        let expanded = try Figure(try Fixtures.sigmoid(), options: FigureOptions(expandFused: true))
        let doc = try SVG.parse(try expanded.render())
        for symbol in ["exp", "1/x", "+", "×"] { #expect(doc.texts.contains(symbol), "missing \(symbol)") }
        #expect(!doc.texts.contains("σ"))
        // Same gradient for x either way.
        let x = NodeID(0)
        #expect(expanded.backward.gradient(of: expanded.mapping[x.index]) != nil)
        let fusedGrad = try Fixtures.sigmoid().gradient(of: x)!
        let expandedGrad = expanded.backward.gradient(of: expanded.mapping[x.index])!
        for (a, b) in zip(fusedGrad.scalars, expandedGrad.scalars) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func worksheetHidesGradientsButKeepsValuesAndSeed() throws {
        let figure = try Figure(try Fixtures.apples(), options: FigureOptions(worksheet: true))
        let texts = Set(try SVG.parse(try figure.render()).texts)
        for value in ["100", "2", "200", "1.1", "220", "1"] { #expect(texts.contains(value), "missing \(value)") }
        for gradient in ["2.2", "110"] { #expect(!texts.contains(gradient), "\(gradient) shown") }
    }

    @Test func userTextIsEscaped() throws {
        var g = Graph()
        let weird = #"a&b<c>"d'e \N \G {x|y} ]]> <!-- "#
        let x = g.leaf(weird, 2)
        let y = try g.apply(.mul, x, x, name: "<script>alert(1)</script>")
        let figure = try Figure(try g.forward().backward(from: y))
        let svg = try figure.render()
        let doc = try SVG.parse(svg)
        #expect(doc.texts.contains(weird.trimmingCharacters(in: .whitespaces)), "\(doc.texts)")
        #expect(doc.allText.contains("<script>alert(1)</script>"))
        #expect(!svg.text.contains("<script>"))
        #expect(try figure.render(format: .png).isPNG)
    }

    @Test func framesPinTheLayout() throws {
        let figure = try Figure(try Fixtures.affine())
        let layout = try FigureLayout(figure)
        let A = NodeID(3)
        let frames: [FigureFrame] = [
            .complete, .unknown, .forwardOnly,
            FigureFrame(values: [NodeID(0), NodeID(1)], gradients: [], highlightedNodes: [A]),
            FigureFrame(gradients: [FigureEdge.value(of: NodeID(5))],
                        highlightedEdges: [FigureEdge.operand(NodeID(2), into: NodeID(4), at: 1)]),
            FigureFrame(overrides: [FigureEdge.operand(NodeID(0), into: A, at: 0): EdgeLabelOverride(value: "X", gradient: "∂X")]),
        ]
        let reference = try SVG.parse(try layout.render(frames[0])).geometry()
        #expect(reference.count > 10)
        for frame in frames.dropFirst() {
            // Every node outline and edge path sits exactly where the layout put it.
            let geometry = try SVG.parse(try layout.render(frame)).geometry()
            #expect(geometry == reference)
        }
        let unknown = try SVG.parse(try layout.render(.unknown))
        #expect(unknown.texts.contains("?"))
        #expect(!unknown.texts.contains("6"))
        let highlighted = try SVG.parse(try layout.render(frames[3]))
        #expect(!highlighted.groups(withClass: "highlighted").isEmpty)
    }
}

extension FigureTheme: CustomTestStringConvertible {
    public var testDescription: String { name }
}

@Suite struct PinnedGeometryTests {
    /// Rules and arrowheads: every polygon drawn in the edge colour.
    func rules(_ svg: [UInt8]) throws -> [String] {
        try SVG.parse(svg).elements
            .filter { $0.name == "polygon" && $0.attributes["fill"] == FigureTheme.light.edge }
            .map { $0.attributes["points"] ?? "" }
    }

    @Test(arguments: ["apples", "affine", "fan-out", "sigmoid-expanded", "big", "apples-local", "affine-local", "clip-local"])
    func framesAndWorksheetsKeepEveryRuleInPlace(_ name: String) throws {
        let pass: Backward
        var options = FigureOptions()
        switch name {
        case "apples": pass = try Fixtures.apples()
        case "affine": pass = try Fixtures.affine()
        case "fan-out": pass = try Fixtures.fanOut().0
        case "sigmoid-expanded": pass = try Fixtures.sigmoid(); options.expandFused = true
        case "apples-local": pass = try Fixtures.apples(); options.localDerivatives = true
        case "affine-local": pass = try Fixtures.affine(); options.localDerivatives = true
        case "clip-local":  // a caption far wider than its tensor wraps onto three lines
            pass = try Fixtures.script("p = [0, 0.5, 1]\nc = clip(p, 1e-7, 0.9999999)\nL = sum(square(c))")
            options.localDerivatives = true
        default: pass = try Fixtures.bigMatrix()
        }
        let layout = try FigureLayout(try Figure(pass, options: options))
        let reference = try rules(try layout.render())
        #expect(reference.count > 4)
        let first = layout.figure.edges[0]
        for frame in [FigureFrame.unknown, .forwardOnly,
                      FigureFrame(overrides: [first: EdgeLabelOverride(value: "a", gradient: "b")])] {
            #expect(try rules(try layout.render(frame)) == reference)
        }
        // A worksheet has its own layout (its boxes are all one size); its answer key is pinned to it.
        let sheet = try layout.worksheet()
        let blank = try rules(try sheet.render())
        #expect(blank.count == reference.count)
        #expect(try rules(try sheet.render(.unknown)) == blank)
        #expect(try rules(try sheet.answerKey().render()) == blank)
    }
}
