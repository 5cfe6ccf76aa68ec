import ArgumentParser
import ChainRule
import ChainRuleRender
import ChainRuleSupport
import Foundation
import GraphScript

/// `chainrule draw FILE [-o OUT] [--format …] [--theme …] [--expand] [--worksheet]`:
/// one figure of the finished backward pass, every value and gradient.
struct Draw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Draw the graph after its backward pass: every value and gradient.",
        usage: """
        chainrule draw [<file>] [-e <statement> ...] [-o <out>]
                       [--format svg|pdf|png|dot] [--theme <theme>]
                       [--expand] [--worksheet [--answer-key] [--page a4|letter]]
                       [--legend]
                       [--collapse neurons|layers] [--no-groups]
        """,
        discussion: """
            Writes SVG to standard output, or to OUT with -o (the format then comes from \
            OUT's extension: .svg, .pdf, .png, .dot). The file is written atomically: a \
            failed render leaves nothing behind. Rendering happens in-process through \
            Graphviz's libraries; the dot program is never run.

            --worksheet draws a printable page: a title, a Name and Date line, \
            instructions, a legend and the figure fitted to the paper, the gradients \
            as answer boxes of one size (a large matrix asks for its top-left 2×2). \
            A PDF has more pages only when the figure would print too small. \
            --answer-key fills the boxes in, on the same layout.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case svg, pdf, png, dot
        var graphviz: GraphvizFormat { GraphvizFormat(rawValue: rawValue)! }
    }

    enum Theme: String, ExpressibleByArgument, CaseIterable {
        case light, dark, print, colorblind
        var figureTheme: FigureTheme { FigureTheme.named(rawValue)! }
    }

    @OptionGroup var input: ScriptOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the figure to this file instead of standard output.", valueName: "out"))
    var output: String?

    @Option(help: "Output format (default: from OUT's extension, else svg).")
    var format: Format?

    @Option(help: "Colour theme.")
    var theme: Theme = .light

    @Flag(help: "Draw fused operations (sigmoid, softmax, softmax_cross_entropy) expanded into primitives.")
    var expand = false

    @Flag(help: "A printable worksheet: values shown, gradients as blank boxes to fill in.")
    var worksheet = false

    @Flag(help: "With --worksheet: its answer key (the same page, the boxes filled in).")
    var answerKey = false

    @Option(help: ArgumentHelp("With --worksheet: the paper, a4 or letter (default: the locale's).", valueName: "a4|letter"))
    var page: PaperSize?

    @Option(help: ArgumentHelp("With --worksheet: the title printed on it (default: the file's name).", valueName: "text"))
    var title: String?

    @Flag(help: "Add a small legend explaining the labels.")
    var legend = false

    @Option(help: ArgumentHelp("Fold each neuron (innermost group) or layer (outermost group) into one box showing its inputs and outputs with values and gradients.", valueName: "neurons|layers"))
    var collapse: CollapseLevel?

    @Flag(help: "Draw no clusters (by default a script's groups, else the neurons and layers found in its structure, are boxed).")
    var noGroups = false

    @Flag(name: .customLong("local"), help: "Under each gradient, the local derivative it was multiplied by, CS231n style (∂price/∂apple = n = 2; ∂L/∂W = Xᵀ · ∂L/∂A for a matrix product).")
    var localDerivatives = false
    @OptionGroup(title: "Big figures") var scale: FigureScaleOptions

    func run() throws {
        let format = try resolvedFormat()
        let script = try input.load()
        if scale.steps { return try listSteps(script) }
        let pass = try ScriptInput.evaluateOrExit(script)
        var options = FigureOptions(theme: theme.figureTheme, expandFused: expand, worksheet: worksheet, legend: legend)
        options.groups = noGroups && collapse == nil ? .none : script.figureGroups
        options.collapse = collapse
        options.localDerivatives = localDerivatives
        try scale.apply(to: &options)
        if collapse != nil && options.groups.isEmpty {
            throw ScriptInput.exit(with: "--collapse \(collapse!.rawValue): '\(script.fileName)' has no groups to fold (write 'group NAME { … }' blocks, or use a network of at least two tanh/relu/sigmoid neurons)")
        }
        let bytes = try Self.rendering(script, format: format) {
            if let n = scale.step {
                return try drawStep(n, script, format: format, options: options)
            } else if worksheet && collapse == nil && scale.focus == nil {
                return try drawWorksheet(script, pass, format: format, options: options)
            } else if let name = scale.focus {
                return try drawFocus(name, script, pass, format: format, options: options)
            } else {
                return try Figure(pass, options: options).render(format: format.graphviz)
            }
        }
        try Self.write(bytes, to: output)
    }

    /// `chainrule draw FILE [-o OUT]` with every option at its default: what
    /// `run()` does then, for `DrawFastPath` (no ArgumentParser).
    static func drawPlain(file: String, output: String?) throws {
        let format = try resolvedFormat(nil, output: output)
        let script = try ScriptInput.loadOrExit(path: file, statements: [])
        let pass = try ScriptInput.evaluateOrExit(script)
        var options = FigureOptions(theme: Theme.light.figureTheme, expandFused: false, worksheet: false, legend: false)
        options.groups = script.figureGroups
        options.collapse = nil
        options.localDerivatives = false
        FigureScaleOptions.applyDefaults(to: &options)
        let bytes = try rendering(script, format: format) { try Figure(pass, options: options).render(format: format.graphviz) }
        try write(bytes, to: output)
    }

    /// Runs `draw`, turning its failures into located messages and `ExitCode.failure`.
    static func rendering(_ script: Script, format: Format, _ draw: () throws -> [UInt8]) throws -> [UInt8] {
        do {
            return try draw()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as EvaluationError {
            throw ScriptInput.exit(with: script.diagnostic(for: error))
        } catch let error as GraphvizError where error.stage == FigureBudget.refusalStage {
            throw ScriptInput.exit(with: "\(script.fileName): cannot draw the figure: \(error.message)")
        } catch let error as GraphvizError {
            // Name the format: with a plugin missing, only some formats fail.
            throw ScriptInput.exit(with: "cannot draw the figure as \(format.rawValue.uppercased()): \(error) (`chainrule doctor` shows which formats work and how to fix them)")
        } catch {
            throw ScriptInput.exit(with: "cannot draw the figure: \(error)")
        }
    }

    /// Writes the figure to OUT (atomically), or to standard output.
    static func write(_ bytes: [UInt8], to output: String?) throws {
        if let output, output != "-" {
            do {
                try FigureFile.write(bytes, to: output)
            } catch {
                throw ScriptInput.exit(with: "cannot write '\(output)': \(error)")
            }
        } else {
            StandardStreams.output(bytes)
        }
    }

    func validate() throws {
        if !worksheet && (answerKey || page != nil || title != nil) {
            throw ValidationError("--answer-key, --page and --title go with --worksheet")
        }
    }

    /// `--worksheet`: the printable page (`WorksheetPage`), or its answer key.
    func drawWorksheet(_ script: Script, _ pass: Backward, format: Format, options: FigureOptions) throws -> [UInt8] {
        let name = (script.fileName as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let sheet = try WorksheetPage(pass, options: options, title: title ?? (stem.isEmpty || stem == "-" ? "graph" : stem),
                                      paper: page ?? .forLocale())
        return try sheet.render(answerKey: answerKey, format: format.graphviz)
    }

    /// `--format`, else OUT's extension, else SVG.
    func resolvedFormat() throws -> Format { try Self.resolvedFormat(format, output: output) }

    static func resolvedFormat(_ format: Format?, output: String?) throws -> Format {
        if let format { return format }
        guard let output, output != "-" else { return .svg }
        let ext = (output as NSString).pathExtension.lowercased()
        if let f = Format(rawValue: ext == "gv" ? "dot" : ext) { return f }
        throw ScriptInput.exit(with: ext.isEmpty
            ? "cannot tell the format of '\(output)' without an extension: use --format svg|pdf|png|dot"
            : "unknown figure format '.\(ext)' for '\(output)': use .svg, .pdf, .png or .dot, or --format")
    }
}

/// Writes a figure file: clear messages for a wrong destination, then the
/// shared atomic writer (a temporary file in the same directory, then a rename).
enum FigureFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "it is a directory")
        }
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw Failure(description: "no such directory '\(directory.path)'")
        }
        guard isDirectory.boolValue else {
            throw Failure(description: "'\(directory.path)' is a file, not a directory")
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw Failure(description: error.reason)
        }
    }
}

extension CollapseLevel: ExpressibleByArgument {}
extension PaperSize: ExpressibleByArgument {}

extension Script {
    /// The groups a figure of this script draws: the script's own `group`
    /// blocks, else the neurons and layers found in its structure.
    var figureGroups: NodeGroups { groups.isEmpty ? graph.inferredGroups() : groups }
}
