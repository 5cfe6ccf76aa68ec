import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing

/// Every shape that is hard to lay out is either drawn within `FigureBudget`
/// (with the limits chosen for its size) or refused with a message naming
/// the size and the ways out. No test here runs a big layout or times anything.
@Suite struct FigureBudgetTests {
    func budget(_ source: String) throws -> FigureBudget {
        FigureBudget(try Figure(try Fixtures.script(source)))
    }

    @Test func smallFiguresKeepGraphvizDefaults() throws {
        let b = FigureBudget(try Figure(try Fixtures.apples()))
        #expect(b.refusal == nil)
        #expect(b.tuning == .quality)
        #expect(b.tuning.attributes.isEmpty)
        #expect(b.virtualNodes < b.graphvizNodes)
    }

    @Test func residualChainSplitsItsReusedLeavesAndIsDrawn() throws {
        let pass = try Fixtures.script(StressScripts.residualChain(64))
        let figure = try Figure(pass)
        let split = FigureBudget.splitLeaves(figure)
        let names = Set(split.map { figure.displayName(of: $0) })
        #expect(names == ["w", "b"])
        let b = FigureBudget(figure)
        #expect(b.refusal == nil)
        #expect(b.work <= FigureBudget.maxWork)
        // Graphviz's defaults, laid out once: 40,000 pt wide, no slide fitting can make it read.
        #expect(b.tuning == .defaults && b.tuning.attributes.isEmpty)
        #expect(!figure.mayFitToSlide(tuning: b.tuning))
        // Each copy is drawn with the leaf's name: 64 boxes called `w`, one trunk with the sum.
        let dot = figure.dot()
        #expect(dot.components(separatedBy: "class=\"leaf\"").count - 1 == 1 + 64 + 64)
        #expect(dot.contains("id=\"node-1-use-64\""))
        #expect(dot.contains("Σ 64 branches"))
    }

    @Test func splittingIsWhatMakesTheResidualChainFit() throws {
        // The same chain with w and b drawn once: their edges cross every column.
        let figure = try Figure(try Fixtures.script(StressScripts.residualChain(64)))
        let b = FigureBudget(figure)
        // 64 uses of w spread over ~640 columns would add tens of thousands of virtual nodes.
        #expect(b.ranks > 600)
        #expect(b.virtualNodes < 2_000)
    }

    @Test func leavesUsedTwiceNearbyStayOneNodeWithAFork() throws {
        let (pass, x) = try Fixtures.fanOut()
        let figure = try Figure(pass)
        #expect(FigureBudget.splitLeaves(figure).isEmpty)
        #expect(figure.dot().contains("id=\"fork-\(x.index)\""))
    }

    @Test func oneValueFannedOutAThousandTimesIsRefused() throws {
        let b = try budget(StressScripts.fanOut(1_200))
        let refusal = try #require(b.refusal)
        #expect(b.work > FigureBudget.maxWork)
        #expect(refusal.contains("too large"))
        #expect(refusal.contains("--focus"))
        #expect(refusal.contains("--collapse"))
        #expect(refusal.contains("limit 120 million"))
    }

    @Test func fanOutIsRefusedFromTheGraphAloneWithoutWritingDOT() throws {
        let figure = try Figure(try Fixtures.script(StressScripts.fanOut(1_200)))
        let b = FigureBudget(figure)
        // The early path: no DOT statement was read (no edges counted).
        #expect(b.graphvizEdges == 0 && b.graphvizNodes > 0)
        #expect(b.refusal?.contains("at least") == true)
        #expect(b.refusal?.contains("--focus") == true && b.refusal?.contains("--collapse") == true)
    }

    /// The early refusal must never refuse what the full estimate would draw:
    /// the graph's lower bound stays under the written DOT's shape.
    @Test func lowerBoundNeverExceedsTheWrittenShape() throws {
        let sources = [StressScripts.residualChain(16), StressScripts.residualChain(64), StressScripts.mlp(),
                       StressScripts.mlp(inputs: 4, sizes: [12, 12, 1]), StressScripts.matrixNet(layers: 10),
                       StressScripts.deepChain(300), StressScripts.fanOut(60), "x = 2\ny = x * x + 3 * x\n"]
        for source in sources {
            let figure = try Figure(try Fixtures.script(source))
            let bound = FigureBudget.lowerBound(figure)
            let full = FigureBudget(figure)
            #expect(full.graphvizEdges > 0, "measured from its DOT")
            #expect(bound.weight <= full.graphvizNodes, "\(String(source.prefix(30))): \(bound.weight) > \(full.graphvizNodes)")
            #expect(bound.ranks <= full.ranks, "\(String(source.prefix(30))): \(bound.ranks) > \(full.ranks)")
        }
        let apples = try Figure(try Fixtures.apples())
        #expect(FigureBudget.lowerBound(apples).weight <= FigureBudget(apples).graphvizNodes)
    }

    @Test func deepChainIsDrawnWithBoundedLayout() throws {
        let b = try budget(StressScripts.deepChain(1_000))
        #expect(b.refusal == nil)
        #expect(b.ranks > 2_000)
        #expect(b.tuning == .fast)
        #expect(b.tuning.attributes["nslimit"] != nil)
    }

    @Test func twoThousandNodeMLPIsDrawnFast() throws {
        let b = try budget(StressScripts.mlp(inputs: 4, sizes: [16, 16, 1]))
        #expect(b.refusal == nil)
        #expect(b.graphvizNodes > 2_400)
        #expect(b.tuning == .fast)
        #expect(b.tuning.attributes["mclimit"] != nil)
        // Graphviz's newer ranking: the option that cut this shape's `dot` CPU 4× (Benchmarks/README.md).
        #expect(b.tuning.attributes["newrank"] == "true")
    }

    @Test func midSizeMLPGetsBoundedLayout() throws {
        let b = try budget(StressScripts.mlp(inputs: 4, sizes: [12, 12, 1]))
        #expect(b.refusal == nil)
        #expect(b.tuning == .bounded)
    }

    @Test func largerMLPIsRefused() throws {
        let b = try budget(StressScripts.mlp(inputs: 4, sizes: [24, 24, 1]))
        #expect(b.refusal != nil)
    }

    @Test func tenLayerMatrixNetIsDrawnWithDefaults() throws {
        let b = try budget(StressScripts.matrixNet(layers: 10))
        #expect(b.refusal == nil)
        #expect(b.tuning == .quality)
    }

    @Test func hugeScriptsAreRefusedBeforeAnyDOTIsWritten() throws {
        let b = try budget(StressScripts.deepChain(FigureBudget.maxOperations + 10))
        #expect(b.graphvizNodes == 0)
        #expect(b.refusal?.contains("4,000 nodes") == true)
    }

    @Test func layoutAndRenderEnforceTheBudget() throws {
        let figure = try Figure(try Fixtures.script(StressScripts.fanOut(1_200)))
        #expect(throws: GraphvizError.self) { try FigureLayout(figure) }
        do {
            _ = try figure.render(format: .svg)
            Issue.record("a refused figure rendered")
        } catch {
            #expect(error.stage == FigureBudget.refusalStage)
            #expect(error.description.hasPrefix("the figure is too large"))
        }
    }

    @Test func tuningReachesTheDOT() throws {
        let figure = try Figure(try Fixtures.script(StressScripts.mlp(inputs: 4, sizes: [16, 16, 1])))
        let dot = String(decoding: try figure.render(format: .dot), as: UTF8.self)
        #expect(dot.contains("mclimit"))
        #expect(!(try Figure(try Fixtures.apples())).dot().contains("mclimit"))
    }

    /// `budgetedDOT` writes the figure once and swaps in the tuning's graph
    /// attributes: the same bytes as writing it again with that tuning.
    @Test func budgetedDOTIsTheTunedWrite() throws {
        let sources = [StressScripts.mlp(inputs: 4, sizes: [16, 16, 1]), StressScripts.mlp(inputs: 4, sizes: [12, 12, 1]),
                       StressScripts.deepChain(1_000), StressScripts.residualChain(64), StressScripts.mlp()]
        var tiers = Set<String>()
        for source in sources {
            let (budget, text) = try Figure(try Fixtures.script(source)).budgetedDOT()  // the figure's first write
            tiers.insert(budget.tuning.name)
            #expect(text == (try Figure(try Fixtures.script(source))).dot(.complete, tuning: budget.tuning))
        }
        #expect(tiers.count >= 3)  // fast, bounded and an untuned tier at least
    }

    @Test func budgetFromDOTTextMatchesTheWritersShape() throws {
        for source in [StressScripts.residualChain(16), StressScripts.mlp(), StressScripts.matrixNet(layers: 3)] {
            let figure = try Figure(try Fixtures.script(source))
            let fromWriter = FigureBudget(figure)
            let fromText = FigureBudget(dot: figure.dot(), graphNodes: figure.graph.nodes.count)
            #expect(fromText.graphvizNodes == fromWriter.graphvizNodes)
            #expect(fromText.graphvizEdges == fromWriter.graphvizEdges)
            #expect(fromText.work == fromWriter.work)
        }
    }

    @Test func tuningIsInsertedIntoDOTText() {
        let b = FigureBudget(dot: "digraph \"g\" {\n  \"a\" -> \"b\";\n}\n", graphNodes: 2)
        #expect(b.graphvizNodes == 2 && b.ranks == 2 && b.refusal == nil)
        #expect(b.tuned("digraph { }") == "digraph { }")  // quality: nothing to add
    }

    @Test func tiersAreOrderedBySize() {
        #expect(LayoutTuning.forWork(100) == .quality)
        #expect(LayoutTuning.forWork(LayoutTuning.fitLimit + 1) == .defaults)
        #expect(LayoutTuning.forWork(40_000_000) == .bounded)
        #expect(LayoutTuning.forWork(90_000_000) == .fast)
    }
}
