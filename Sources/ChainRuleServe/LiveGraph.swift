import ChainRule
import ChainRuleExport
import ChainRuleLessons
import ChainRuleRender
import ChainRuleSupport
import Foundation
import GraphScript

/// One good version of a watched graph file: its step model (the same
/// `ScriptSteps` that `draw --step` and the player use), its figure laid
/// out once (nodes never move between steps), and what the page needs to
/// know about its steps and nodes, as JSON.
package struct LiveGraph: Sendable {
    /// The step model: overview, one step per forward node, the seed, one per backward node.
    package let model: ScriptSteps
    /// The figure of the graph, laid out once; every step's frame is drawn on it.
    package let layout: FigureLayout
    /// The steps and nodes for the page (`LiveGraph.describe`).
    package let json: String

    /// Compiles and lays out `source`. Throws `Failure` with the located
    /// diagnostic (`file:line:col: error: …`, the line and a caret) when the
    /// script has an error, or a one-line reason when it cannot be drawn.
    package init(source bytes: [UInt8], fileName: String, theme: FigureTheme = .light) throws(Failure) {
        let script: Script
        do { script = try ScriptCompiler.compile(bytes, fileName: fileName) } catch { throw Failure(error.rendered) }
        do { _ = try script.evaluate() } catch { throw Failure(error.rendered) }
        let model: ScriptSteps
        do { model = try ScriptSteps(source: script.text, fileName: fileName) } catch { throw Failure(error.rendered) }
        guard let first = model.steps.first else { throw Failure("\(fileName): the script has no steps to show") }
        let section = model.section(of: first)
        do {
            let figure = try Figure(section.backward, options: FigureOptions(theme: theme))
            layout = try FigureLayout(figure)
        } catch {
            throw Failure("\(fileName): cannot draw the figure: \(error)")
        }
        self.model = model
        self.json = Self.describe(model, section: section, figure: layout.figure, fileName: fileName)
    }

    /// Why a version could not be shown: the text to put on the page.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package let message: String
        init(_ message: String) { self.message = message }
        package var description: String { message }
    }

    /// Step `number` (1…count) as an inline `<svg>`, or step 0: the
    /// finished pass (every value and gradient). `nil` when out of range.
    package func svg(step number: Int) throws -> String? {
        let frame: FigureFrame
        let label: String
        if number == 0 {
            frame = .complete
            label = "\(model.lesson.title): the finished backward pass"
        } else {
            guard let step = model.step(number) else { return nil }
            frame = model.frame(of: step, figure: layout.figure)
            label = "\(model.lesson.title), step \(number): \(step.title)"
        }
        let bytes = try layout.render(frame, format: .svg)
        return ExportSVG.inline(bytes, idPrefix: "f-", label: label)
    }

    /// `{"file":…,"steps":[{kind,title,equations}…],"nodes":{"3":{…}}}`:
    /// each step's kind, title and equations; each node's name, value,
    /// gradient, forward equation and its chain-rule terms (one per use:
    /// the local derivative, the rule, the numbers), all from the step model.
    static func describe(_ model: ScriptSteps, section: LessonSection, figure: Figure, fileName: String) -> String {
        let j = Escape.json
        func list(_ lines: [String]) -> String { "[" + lines.map(j).joined(separator: ",") + "]" }
        var steps: [String] = []
        var forward: [Int: [String]] = [:]
        var backward: [Int: LessonStep] = [:]
        for step in model.steps {
            steps.append("{\"kind\":\(j(ScriptSteps.kindName(step.kind))),\"title\":\(j(step.title)),\"equations\":\(list(step.equations))}")
            switch step.kind {
            case .forward(let id) where step.question == nil: forward[id.index] = step.equations
            case .backward(let id) where step.question == nil: backward[id.index] = step
            default: break
            }
        }
        var nodes: [String] = []
        let graph = section.graph
        for node in graph.nodes {
            let id = node.id
            let label = section.labels[id]
            let value = LessonFormat.tensor(section.forward.value(of: id), maxItems: 8, maxRows: 4)
            let gradient = section.backward.gradient(of: id).map { LessonFormat.tensor($0, maxItems: 8, maxRows: 4) }
            let kind: String
            switch node.kind {
            case .leaf: kind = "input"
            default: kind = node.operation.map { "operation " + $0.symbol } ?? "node"
            }
            var terms: [String] = []
            if let step = backward[id.index] {
                for term in step.terms {
                    let consumer = section.labels[term.edge.to]
                    terms.append("{\"into\":\(j(consumer)),\"symbolic\":\(j(term.symbolic)),\"local\":\(j(section.labels.partial(term.edge.to, id) + " = " + term.localRule)),"
                                 + "\"reason\":\(term.reason.map(j) ?? "null"),\"lines\":\(list(term.lines))}")
                }
            }
            let equations = backward[id.index]?.equations ?? []
            let isOutput = id == section.output
            nodes.append("\(j(String(id.index))):{\"name\":\(j(label)),\"kind\":\(j(kind)),\"value\":\(j(value)),\"gradient\":\(gradient.map(j) ?? "null"),"
                         + "\"output\":\(isOutput),\"forward\":\(list(forward[id.index] ?? [])),\"terms\":[\(terms.joined(separator: ","))],\"backward\":\(list(equations))}")
        }
        return "{\"file\":\(j(fileName)),\"title\":\(j(model.lesson.title)),\"steps\":[\(steps.joined(separator: ","))],\"nodes\":{\(nodes.joined(separator: ","))}}"
    }
}
