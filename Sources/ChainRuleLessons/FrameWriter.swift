import ChainRule
import ChainRuleRender
import Foundation

/// Writes the figure of the step being played to `Output/<id>/current.svg`
/// (temporary file + rename, so a viewer never reads half a file). Each
/// section is laid out once; every frame reuses that layout, so nodes never
/// move between steps.
public final class FrameWriter {
    /// The lesson being played.
    public let lesson: Lesson
    /// The folder the frames go into: `<outputDirectory>/<lesson id>`.
    public let directory: URL
    private var layouts: [Int: FigureLayout] = [:]
    private var failed: Set<Int> = []

    /// A writer of `lesson`'s frames into `outputDirectory/<lesson id>/current.svg`.
    public init(lesson: Lesson, outputDirectory: URL) {
        self.lesson = lesson
        self.directory = outputDirectory.appendingPathComponent(lesson.id, isDirectory: true)
    }

    /// A closure for `LessonPlayer.onStep`.
    public static func make(for lesson: Lesson, outputDirectory: URL) -> (Int) -> Void {
        let writer = FrameWriter(lesson: lesson, outputDirectory: outputDirectory)
        return { writer.write(step: $0) }
    }

    /// The SVG of a step, or `nil` if it cannot be drawn (the player goes on without it).
    public func svg(step index: Int) -> String? {
        let step = lesson.steps[index]
        guard let s = step.section ?? lesson.sections.indices.last, !failed.contains(s) else { return nil }
        do {
            let layout: FigureLayout
            if let cached = layouts[s] {
                layout = cached
            } else {
                layout = try FigureLayout(Figure(lesson.sections[s].backward))
                layouts[s] = layout
            }
            return try layout.svg(FrameWriter.frame(for: step, figure: layout.figure))
        } catch {
            failed.insert(s)
            return nil
        }
    }

    /// Writes `current.svg` for the step; errors are ignored (the frame is a convenience).
    public func write(step index: Int) {
        guard let svg = svg(step: index) else { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try writeAtomically(svg, to: directory.appendingPathComponent("current.svg"))
        } catch {}
    }

    /// Values and gradients known at the step; its node and edges highlighted.
    public static func frame(for step: LessonStep, figure: Figure) -> FigureFrame {
        switch step.kind {
        case .check, .summary, .training: return .complete
        default: break
        }
        let count = figure.graph.nodes.count
        let values = Set(step.knownValues.filter { $0.index < count })
        let gradients = Set(figure.edges.filter { step.knownGradients.contains($0.from) })
        var nodes: Set<NodeID> = []
        var edges: Set<FigureEdge> = []
        for e in step.edges where e.to.index < count && e.from.index < count {
            edges.insert(.operand(e.from, into: e.to, at: e.operand))
        }
        if let focus = step.focus, focus.index < count {
            nodes.insert(focus)
            for e in figure.edges(from: focus) where e.to == nil { edges.insert(e) }
        }
        // A backward step also highlights the upstream gradient that feeds it:
        // the gradient of each consumer, on the edges that carry that consumer's value.
        if case .backward = step.kind {
            for e in step.edges where e.to.index < count {
                for out in figure.edges(from: e.to) where out.to == nil || figure.edges(from: e.to).count == 1 {
                    edges.insert(out)
                }
            }
        }
        return FigureFrame(values: values, gradients: gradients, highlightedNodes: nodes, highlightedEdges: edges)
    }
}
