import ChainRule
import Foundation
import ChainRuleRender

/// The lesson step model of a bare graph script, without writing a lesson:
/// `chainrule draw FILE --steps` lists the steps, `--step N` draws one.
/// The steps, frames and highlights are exactly those the player and the
/// exporter show for a lesson holding the script as its one graph.
package struct ScriptSteps: Sendable {
    /// The one-graph lesson the steps come from.
    package let lesson: Lesson

    /// Builds the steps of `source` (`expand`: fused operations drawn as primitives).
    package init(source: String, fileName: String, expand: Bool = false) throws(LessonError) {
        // A fence longer than any backtick run in the script keeps it one block.
        var longest = 0, run = 0
        for c in source { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        var markdown = "# \(fileName)\n\n\(fence)graph\n\(source)\(source.hasSuffix("\n") ? "" : "\n")\(fence)\n"
        if expand { markdown += "\n> expand\n" }
        lesson = try Lesson(markdown: markdown, fileName: fileName)
    }

    package var steps: [LessonStep] { lesson.steps }

    /// `1–12`: the valid step numbers.
    package var range: ClosedRange<Int> { 1...max(1, steps.count) }

    /// The step numbered `number` (1-based), or `nil` when out of range.
    package func step(_ number: Int) -> LessonStep? {
        steps.indices.contains(number - 1) ? steps[number - 1] : nil
    }

    /// The section (graph) a step draws.
    package func section(of step: LessonStep) -> LessonSection {
        lesson.sections[step.section ?? lesson.sections.count - 1]
    }

    /// The frame of `step` for `figure` (values, gradients, highlights), as the player draws it.
    package func frame(of step: LessonStep, figure: Figure) -> FigureFrame {
        FrameWriter.frame(for: step, figure: figure)
    }

    /// One word for a step's kind: `overview`, `forward`, `seed`, `backward`, …
    package static func kindName(_ kind: LessonStep.Kind) -> String {
        switch kind {
        case .overview: return "overview"
        case .forward: return "forward"
        case .seed: return "seed"
        case .backward: return "backward"
        case .check: return "check"
        case .training: return "training"
        case .summary: return "summary"
        }
    }

    /// The listing `--steps` prints: number, kind, node, one-line equation.
    package func listing() -> [String] {
        let numberWidth = String(steps.count).count
        let rows: [(String, String, String, String)] = steps.map { step in
            let section = section(of: step)
            let node = step.focus.map { section.labels[$0] } ?? "—"
            var equation = step.kind == .overview
                ? "\(section.graph.nodes.filter { $0.kind == .leaf }.count) inputs known"
                : (step.equations.first ?? step.title)
            if step.equations.count > 1, step.kind != .overview { equation = step.equations.last! }
            equation = equation.trimmingCharacters(in: .whitespaces)
            if equation.count > 110 { equation = String(equation.prefix(109)) + "…" }
            return (String(step.number), Self.kindName(step.kind), node, equation)
        }
        let kindWidth = rows.map(\.1.count).max() ?? 0
        let nodeWidth = min(16, rows.map(\.2.count).max() ?? 0)
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let gap = String(repeating: " ", count: max(0, w - s.count))
            return right ? gap + s : s + gap
        }
        return rows.map { "\(pad($0.0, numberWidth, right: true))  \(pad($0.1, kindWidth))  \(pad($0.2, nodeWidth))  \($0.3)" }
    }
}
