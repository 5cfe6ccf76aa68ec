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

    @Option(help: ArgumentHelp("Draw only the neighbourhood of this node (a name from the script); what is left out becomes labelled stubs.", valueName: "name"))
    var focus: String?

    @Option(help: ArgumentHelp("With --focus: how many edges away from the node to draw (default 1).", valueName: "k"))
    var radius: Int?

    @Option(help: ArgumentHelp("How vectors and matrices larger than --max-entries are shown: full (first and last rows and columns), compact (top-left corner, ⋯ ⋮, and the range min … max), shape (only the shape and range), heatmap (a small grid of coloured cells: blue negative, orange positive; with the range) or auto (compact; heatmap when the figure would read below 10 px on a 1280×720 slide).", valueName: "auto|full|compact|shape|heatmap"))
    var tensors: TensorDisplay = .auto

    @Flag(name: .customLong("no-fit"), help: "Keep the first layout even when the figure would read below 10 px on a 1280×720 slide (by default it is tightened: closer columns, sums on two lines, vectors as columns, heatmaps).")
    var noFit = false

    @Option(name: .customLong("max-entries"), help: ArgumentHelp("The most rows × columns of a tensor shown (default 4x4).", valueName: "RxC"))
    var maxEntries: String?

    func validate() throws {
        if let radius, radius < 1 { throw ValidationError("--radius must be at least 1") }
        if radius != nil && focus == nil { throw ValidationError("--radius needs --focus NAME") }
        if focus != nil && step != nil { throw ValidationError("give either --focus or --step, not both") }
        if maxEntries != nil { _ = try entryLimits() }
    }

    /// `--max-entries 3x5` (also `3×5`, `3X5`) as (rows, columns), each at least 2.
    func entryLimits() throws -> (rows: Int, columns: Int)? {
        guard let maxEntries else { return nil }
        let parts = maxEntries.replacingOccurrences(of: "×", with: "x").lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let r = Int(parts[0]), let c = Int(parts[1]), r >= 2, c >= 2, r <= 1_000, c <= 1_000 else {
            throw ValidationError("--max-entries wants ROWSxCOLUMNS, each 2 to 1000, e.g. 3x4 (got '\(maxEntries)')")
        }
        return (r, c)
    }

    /// Applies --tensors and --max-entries.
    /// What `apply` sets when every option is at its default (`DrawFastPath`).
    static func applyDefaults(to options: inout FigureOptions) {
        options.tensors = .auto
        options.fitToSlide = true
    }

    func apply(to options: inout FigureOptions) throws {
        options.tensors = tensors
        options.fitToSlide = !noFit
        if let (r, c) = try entryLimits() {
            options.maxMatrixRows = r
            options.maxMatrixColumns = c
        }
    }
}

extension TensorDisplay: ExpressibleByArgument {}

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

    /// `--focus NAME [--radius K]`: the neighbourhood of one node.
    func drawFocus(_ name: String, _ script: Script, _ pass: Backward, format: Format, options: FigureOptions) throws -> [UInt8] {
        guard let node = script.node(named: name) else {
            let names = script.names.map(\.name)
            let near = Suggestions.closest(to: name, among: names)
            var message = "\(script.fileName): --focus: no node named '\(name)'"
            if !near.isEmpty { message += " (did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?)" }
            else if names.count <= 12 { message += "; the names are " + names.joined(separator: ", ") }
            throw ScriptInput.exit(with: message)
        }
        let figure = try Figure(pass, options: options)
        let focus = FigureFocus(figure, center: figure.mapping[node.index], radius: scale.radius ?? 1)
        return try figure.renderFocused(focus, format: format.graphviz)
    }

    func stepModel(_ script: Script) throws -> ScriptSteps {
        do {
            return try ScriptSteps(source: script.text, fileName: script.fileName, expand: expand)
        } catch {
            throw ScriptInput.exit(with: "\(error)")
        }
    }
}

/// "Did you mean": the names closest to a misspelt one.
enum Suggestions {
    /// Up to three names within a small edit distance of `word`, closest first.
    static func closest(to word: String, among names: [String]) -> [String] {
        let limit = max(1, word.count / 3)
        let scored = names.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter { $0.1 <= limit }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
