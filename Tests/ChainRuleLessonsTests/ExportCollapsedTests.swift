import ChainRule
import ChainRuleRender
import Foundation
import Testing
@testable import ChainRuleExport
import ChainRuleLessons

/// `chainrule export --collapse neurons`: the finished pass with every
/// inferred neuron folded, as a file, a link and the slideshow's last slide.
@Suite("Export: collapsed figures for networks")
struct ExportCollapsedTests {
    static let lessonText = """
        # A tiny MLP

        Two tanh neurons feed a third.

        ```graph
        x1 = 2
        x2 = -1
        a1 = 0.5
        a2 = -0.3
        b1 = 0.1
        h1 = tanh(a1 * x1 + a2 * x2 + b1)
        c1 = -0.4
        c2 = 0.9
        h2 = tanh(c1 * x1 + c2 * x2)
        d1 = 0.7
        d2 = -0.6
        y = tanh(d1 * h1 + d2 * h2)
        ```
        """

    /// Step frames and the finished figures box the inferred neurons and layers
    /// (one layout for every frame, so the boxes stay put), like `draw` and `draw --step`.
    @Test func stepFramesShowTheClusters() throws {
        let folder = exportTemporaryFolder("clusters")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("01-tiny-mlp.md")
        try Data(Self.lessonText.utf8).write(to: path)
        let lesson = try Lesson.load(path: path.path)
        let options = ExportOptions(directory: folder.appendingPathComponent("out"), formats: [.svg], progress: false)
        _ = try LessonExporter(options: options).export([lesson])
        let out = folder.appendingPathComponent("out/\(lesson.id)")
        let frames = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.first?.isNumber == true && $0.hasSuffix(".svg") }
        #expect(frames.count >= lesson.steps.count - 1)
        for name in frames + ["backward.svg"] {
            let svg = try exportReadText(out.appendingPathComponent(name))
            #expect(svg.contains("neuron 1.1") && svg.contains("neuron 2.1"), "\(name)")
            #expect(svg.components(separatedBy: "class=\"cluster").count - 1 >= 3, "\(name)")
        }
    }

    static let groupedLessonText = """
        # A grouped neuron

        The author boxes the neuron herself.

        ```graph
        x1 = 2
        x2 = -1
        group layerA {
          group cell {
            w1 = 0.5
            w2 = -0.3
            h = tanh(w1 * x1 + w2 * x2)
          }
          s = sigmoid(h)
        }
        y = s * 3
        ```

        > expand
        """

    /// The block's own `group` blocks (not inferred neurons) box the step
    /// frames, mapped onto the expanded graph (`> expand`): the sigmoid's
    /// primitives sit in `layerA`.
    @Test func stepFramesBoxTheScriptsGroups() throws {
        let folder = exportTemporaryFolder("script-groups")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("01-grouped.md")
        try Data(Self.groupedLessonText.utf8).write(to: path)
        let lesson = try Lesson.load(path: path.path)
        let section = lesson.sections[0]
        #expect(section.expanded)
        #expect(section.groups.groups.map(\.name) == ["layerA", "cell"])
        let graph = section.graph
        let layerA = section.groups.members(of: 0)
        // Every primitive of the expanded sigmoid belongs to layerA.
        let s = try #require(graph.node(named: "s"))
        #expect(layerA.contains(s))
        #expect(layerA.count > section.groups.members(of: 1).count + 2)
        let options = ExportOptions(directory: folder.appendingPathComponent("out"), formats: [.svg], progress: false)
        _ = try LessonExporter(options: options).export([lesson])
        let out = folder.appendingPathComponent("out/\(lesson.id)")
        let frames = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.first?.isNumber == true && $0.hasSuffix(".svg") }
        #expect(frames.count >= lesson.steps.count - 1)
        for name in frames + ["backward.svg"] {
            let svg = try exportReadText(out.appendingPathComponent(name))
            #expect(svg.contains(">layerA<") && svg.contains(">cell<"), "\(name)")
            #expect(!svg.contains("neuron 1"), "\(name)")
            #expect(svg.components(separatedBy: "class=\"cluster").count - 1 == 2, "\(name)")
        }
    }

    @Test func collapsedFigureSlideAndLink() throws {
        let folder = exportTemporaryFolder("collapsed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("01-tiny-mlp.md")
        try Data(Self.lessonText.utf8).write(to: path)
        let lesson = try Lesson.load(path: path.path)
        var options = ExportOptions(directory: folder.appendingPathComponent("out"), formats: [.svg], progress: false)
        options.collapse = .neurons
        _ = try LessonExporter(options: options).export([lesson])
        let out = folder.appendingPathComponent("out/\(lesson.id)")
        let svg = try exportReadText(out.appendingPathComponent("collapsed.svg"))
        #expect(svg.components(separatedBy: "class=\"node collapsed&#45;group group&#45;neuron\"").count - 1 == 3)
        // Neuron 1.1's weight a1 with its value and gradient, checked by central differences.
        let pass = lesson.sections[0].backward
        let graph = pass.forward.graph
        let a1 = try #require(graph.node(named: "a1"))
        let numerical = try GradientCheck.numericalGradient(of: pass.output, withRespectTo: a1, in: graph).scalar
        let shown = ChainRuleRender.NumberFormat.figure.string(pass.gradient(of: a1)!.scalar)
        #expect(abs(pass.gradient(of: a1)!.scalar - numerical) < 1e-6)
        #expect(svg.contains("∂ " + shown))
        let html = try exportReadText(out.appendingPathComponent("index.html"))
        #expect(html.contains("href=\"collapsed.svg\""))
        #expect(html.contains("class=\"slide pass-overview\"") && html.contains("The whole network, each neuron folded"))
        #expect(exportVisibleSteps(html).count == 1)
        let slides = html.components(separatedBy: "<section class=\"slide").count - 1
        #expect(slides == lesson.steps.count + 1)
    }

    @Test func withoutNeuronsNothingIsAdded() throws {
        let folder = exportTemporaryFolder("collapsed-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("01-square.md")
        try Data("# Square\n\n```graph\nx = 3\ny = x * x\n```\n".utf8).write(to: path)
        let lesson = try Lesson.load(path: path.path)
        var options = ExportOptions(directory: folder.appendingPathComponent("out"), formats: [.svg], progress: false)
        options.collapse = .layers
        _ = try LessonExporter(options: options).export([lesson])
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/\(lesson.id)/collapsed.svg").path))
    }
}
