import ArgumentParser
import ChainRule
import ChainRuleLessons
import ChainRuleRender
import Foundation
import GraphScript

/// `draw`'s options for figures of real networks: any step of the lesson
/// step model (`--step N`, `--steps`), a node's neighbourhood (`--focus`),
/// and how tensors are shown (`--tensors`, `--max-entries`).
struct FigureScaleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Draw the figure at step N of the lesson step model (what the player and export show), with its highlights. List the steps with --steps.", valueName: "n"))
    var step: Int?

    @Flag(help: "List the steps of the lesson step model (number, kind, node, equation) and exit.")
    var steps = false

    /// Whether any option asks for something other than the finished figure.
    var wantsSteps: Bool { step != nil || steps }
}

extension Draw {
    /// `--steps`: the listing on standard output.
    func listSteps(_ script: Script) throws {
        let model = try stepModel(script)
        ScriptInput.writeOutput(model.listing().joined(separator: "\n") + "\n")
    }

    /// `--step N`: the figure of step N, laid out once like the lesson's frames.
    func drawStep(_ number: Int, _ script: Script, format: Format, options: FigureOptions) throws -> [UInt8] {
        let model = try stepModel(script)
        guard let step = model.step(number) else {
            throw ScriptInput.exit(with: "\(script.fileName): there is no step \(number): the steps are \(model.range.lowerBound)–\(model.range.upperBound) (list them with --steps)")
        }
        var options = options
        options.expandFused = false  // the step model's graph is already expanded when asked
        let figure = try Figure(model.section(of: step).backward, options: options)
        var layout = try FigureLayout(figure)
        if options.worksheet { layout = try layout.worksheet() }
        return try layout.render(model.frame(of: step, figure: layout.figure), format: format.graphviz)
    }

    func stepModel(_ script: Script) throws -> ScriptSteps {
        do {
            return try ScriptSteps(source: script.text, fileName: script.fileName, expand: expand)
        } catch {
            throw ScriptInput.exit(with: "\(error)")
        }
    }
}
