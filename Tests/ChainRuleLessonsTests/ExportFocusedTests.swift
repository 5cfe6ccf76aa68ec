import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing
@testable import ChainRuleExport
import ChainRuleLessons

/// A graph too big to read whole on a slide gets focused step frames
/// (`focus/NN-….svg`): the step's highlighted nodes and their neighbours,
/// with the step's values, gradients and highlights, readable at slide size.
@Suite("Export: focused frames for big graphs")
struct ExportFocusedTests {
    /// micrograd's MLP(2, [3, 1]) as a lesson: ~40 nodes, 7.6 px whole on a slide.
    static let lessonText = "# A small MLP\n\nThree ReLU neurons feed one.\n\n```graph\n" + StressScripts.mlp(inputs: 2, sizes: [3, 1]) + "```\n"

    @Test func bigGraphGetsReadableFocusedFrames() throws {
        let folder = exportTemporaryFolder("focused")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("01-small-mlp.md")
        try Data(Self.lessonText.utf8).write(to: path)
        let lesson = try Lesson.load(path: path.path)
        let figure = try Figure(lesson.sections[0].backward, options: FigureOptions(groups: lesson.sections[0].figureGroups))
        let layout = try FigureLayout(figure)
        #expect(layout.slidePixels < LessonExport.focusThreshold)

        let options = ExportOptions(directory: folder.appendingPathComponent("out"), formats: [.svg], progress: false)
        _ = try LessonExporter(options: options).export([lesson])
        let out = folder.appendingPathComponent("out/\(lesson.id)")
        let focus = out.appendingPathComponent("focus")
        let focused = try FileManager.default.contentsOfDirectory(atPath: focus.path).filter { $0.hasSuffix(".svg") }.sorted()
        // One per step that highlights a node, named like its whole frame.
        let highlighting = lesson.steps.filter { !FrameWriter.frame(for: $0, figure: layout.figure).highlightedNodes.isEmpty }
        #expect(focused.count == highlighting.count)
        #expect(focused.count > 40)
        let whole = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        for name in focused {
            #expect(whole.contains(name), "\(name) has no whole frame of the same name")
            let svg = try exportReadText(focus.appendingPathComponent(name))
            let px = Legibility(svg: svg).medianLabelPixels()
            #expect(px >= 12, "\(name): \(px) px")
            #expect(svg.contains("highlighted"), "\(name)")
        }
        // Neighbours left out become stubs.
        let hidden = try #require(focused.first { $0.contains("backward-l0n0w0") })
        let frame = try exportReadText(focus.appendingPathComponent(hidden))
        #expect(frame.contains("more use") || frame.contains("more input"))
        // The step's gradient of l0n0w0, checked by central differences, is on its focused frame.
        let pass = lesson.sections[0].backward
        let w = try #require(pass.forward.graph.node(named: "l0n0w0"))
        let numerical = try GradientCheck.numericalGradient(of: pass.output, withRespectTo: w, in: pass.forward.graph).scalar
        let g = try #require(pass.gradient(of: w)).scalar
        #expect(abs(g - numerical) < 1e-6)
        #expect(frame.contains(">" + ChainRuleRender.NumberFormat.figure.string(g) + "<"))
    }

    @Test func graphsThatReadWholeGetNone() throws {
        let folder = exportTemporaryFolder("focused-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("01-tiny-mlp.md")
        try Data(ExportCollapsedTests.lessonText.utf8).write(to: path)
        let lesson = try Lesson.load(path: path.path)
        let options = ExportOptions(directory: folder.appendingPathComponent("out"), formats: [.svg], progress: false)
        _ = try LessonExporter(options: options).export([lesson])
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/\(lesson.id)/focus").path))
    }
}
