import ArgumentParser
import ChainRuleRender
import ChainRule
import GraphScript

/// `chainrule check`: backprop against central differences for every leaf.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check backprop against numerical gradients for every leaf.",
        usage: """
        chainrule check [<file>] [-e <statement> ...] [--step <step>]
                        [--abs-tol <abs-tol>] [--rel-tol <rel-tol>]
        """,
        discussion: """
        For every leaf (every name assigned a number or an array) compares the
        gradient found by backpropagation with central differences,
        (f(x + h) − f(x − h)) / 2h for each element, where f is the sum of the
        output. An element passes when
          |backprop − numerical| ≤ abs-tol + rel-tol · |numerical|.
        Targets of cross_entropy get no gradient and are not checked.

        Prints a table (leaf, shape, max absolute error, max relative error,
        PASS or FAIL) and exits with status 1 if any leaf fails. Kinks such as
        relu at exactly 0 can fail legitimately: the numerical derivative
        straddles them.

        Examples:
          chainrule check neuron.graph
          chainrule check - < neuron.graph
          chainrule check -e 'x = 0.5' -e 'y = square(exp(square(x)))'
          chainrule check net.graph --step 1e-6 --rel-tol 1e-3
        """
    )

    @OptionGroup var input: ScriptOptions

    @Option(help: "The step h of the central differences.")
    var step: Double = GradientCheck.defaultStep

    @Option(name: .customLong("abs-tol"), help: "Absolute tolerance.")
    var absoluteTolerance: Double = GradientCheck.Tolerance.standard.absolute

    @Option(name: .customLong("rel-tol"), help: "Relative tolerance (times |numerical|).")
    var relativeTolerance: Double = GradientCheck.Tolerance.standard.relative

    func validate() throws {
        guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number") }
        guard absoluteTolerance >= 0, relativeTolerance >= 0 else { throw ValidationError("tolerances must not be negative") }
    }

    func run() throws {
        let script = try input.load()
        _ = try ScriptInput.evaluateOrExit(script)  // reports bad labels as diagnostics
        let comparisons: [GradientCheck.Comparison]
        do {
            comparisons = try GradientCheck.compare(
                output: script.output, in: script.graph, step: step,
                tolerance: .init(absolute: absoluteTolerance, relative: relativeTolerance))
        } catch {
            throw ScriptInput.exit(with: script.diagnostic(for: error))
        }
        let byLeaf = Dictionary(comparisons.map { ($0.leaf, $0) }, uniquingKeysWith: { a, _ in a })
        var rows = [["leaf", "shape", "max abs error", "max rel error", "result"]]
        var failed: [String] = []
        for leaf in script.graph.leaves {
            let name = script.graph[leaf].name ?? "\(leaf)"
            let shape = describeShape(script.graph[leaf].shape)
            guard let c = byLeaf[leaf] else {
                rows.append([name, shape, "—", "—", script.graph[leaf].isData ? "data (no gradient)" : "target (no gradient)"])
                continue
            }
            if !c.passed { failed.append(name) }
            rows.append([name, shape, Self.error(c.maxAbsoluteError), Self.error(c.maxRelativeError), c.passed ? "PASS" : "FAIL"])
        }
        ScriptInput.writeOutput(TensorText.table(rows))
        let checked = comparisons.count
        if failed.isEmpty {
            ScriptInput.writeOutput("\(checked) lea\(checked == 1 ? "f" : "ves") checked: backprop matches central differences (h = \(NumberFormat.text.string(step))).\n")
        } else {
            let list = failed.map { "'\($0)'" }.joined(separator: ", ")
            ScriptInput.writeError("error: gradient check failed for \(list): backprop and central differences disagree\n")
            throw ExitCode.failure
        }
    }

    private static func error(_ x: Double) -> String {
        NumberFormat(significantDigits: 3).string(x)
    }
}
