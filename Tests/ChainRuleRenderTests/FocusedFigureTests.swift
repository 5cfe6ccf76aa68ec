import ChainRule
import ChainRuleRender
import Foundation
import Testing

/// `--focus`: a node's neighbourhood, stubs for what is left out, the focus
/// node's chain rule complete.
@Suite struct FocusedFigureTests {
    /// micrograd's MLP(2, [4, 4, 1]) with anonymous temporaries.
    static let mlp = StressScripts.mlp()

    func figure() throws -> Figure { try Figure(try Fixtures.script(Self.mlp)) }

    func node(_ figure: Figure, _ name: String) throws -> NodeID {
        try #require(figure.graph.nodes.first { $0.name == name }?.id)
    }

    @Test func hiddenUnitKeepsEveryUseAndItsSum() throws {
        let figure = try figure()
        // t4 = relu(…): the first hidden unit of layer 1, read by the 4 neurons of layer 2.
        let center = try node(figure, "t4")
        let uses = figure.graph.consumers[center.index]
        #expect(uses.count == 4)
        let focus = FigureFocus(figure, center: center, radius: 1)
        let dot = figure.focusedDOT(focus)
        for use in uses {
            #expect(dot.contains("id=\"edge-\(center.index)-\(use.node.index)-\(use.operand)\""))
        }
        #expect(dot.contains("id=\"value-\(center.index)\""))
        #expect(dot.contains("Σ 4 branches") || dot.contains(" + "))  // the gradient is summed on the trunk
        // Its input (a sum of 2 weighted inputs + bias) is drawn, that sum's own inputs are stubs.
        #expect(dot.contains("more input"))
        // The four consumers (t = t + w·h) each lose their other input: stubs, and their uses.
        #expect(dot.contains("… 1 more input"))
        #expect(dot.contains("… 1 more use"))
        // Nothing outside the neighbourhood is declared.
        #expect(!dot.contains("id=\"node-0\""))
    }

    @Test func radiusWidensTheNeighbourhood() throws {
        let figure = try figure()
        let center = try node(figure, "t4")
        let one = FigureFocus(figure, center: center, radius: 1)
        let two = FigureFocus(figure, center: center, radius: 2)
        #expect(one.nodes.isSubset(of: two.nodes))
        #expect(two.nodes.count > one.nodes.count)
        #expect(one.nodes.contains(center))
    }

    @Test func leafFocusDrawsAllItsUses() throws {
        let figure = try figure()
        let x0 = try node(figure, "x0")
        let focus = FigureFocus(figure, center: x0, radius: 1)
        #expect(focus.elidedUses[x0] == nil)
        #expect(figure.graph.consumers[x0.index].allSatisfy { focus.nodes.contains($0.node) })
    }

    @Test func focusOnEveryKindOfNodeReadsAt12px() throws {
        let figure = try figure()
        for name in ["x0", "l0n0w1", "t0", "t4", "t40", "loss"] {
            let focus = FigureFocus(figure, center: try node(figure, name), radius: 1)
            let svg = String(decoding: try figure.renderFocused(focus), as: UTF8.self)
            let px = Legibility(svg: svg).medianLabelPixels()
            #expect(px >= 12, "focus on \(name): \(px) px")
            #expect(svg.contains(name))
        }
    }

    @Test func focusedOutputIsDeterministic() throws {
        let figure = try figure()
        let focus = FigureFocus(figure, center: try node(figure, "t40"), radius: 2)
        #expect(try figure.renderFocused(focus) == (try figure.renderFocused(focus)))
    }
}
