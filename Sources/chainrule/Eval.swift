import ArgumentParser
import ChainRule
import GraphScript

/// `chainrule eval`: the forward and backward pass of a graph script, as a
/// table or as JSON (the format of Tests/Conformance).
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Compute every value and gradient of a graph script.",
        discussion: """
        Runs the forward pass, then the backward pass from the last statement's \
        name (seeded with ones, so a non-scalar output means the gradient of its \
        sum), and prints one row per assigned name: its shape, value and \
        gradient. A name used only as a cross-entropy target has no gradient.

        With --json, prints one JSON object {"output", "values", "grads"}: \
        scalars as numbers, vectors as arrays, matrices as arrays of rows, \
        non-finite numbers as "nan", "inf" or "-inf", target-only gradients as null.

        Results that are not finite (log(0)) are not errors: the exit status is 0 \
        and the table path prints a warning. Errors in the script are reported as \
        file:line:column with the source line, and exit with status 1.

        Examples:
          chainrule eval neuron.graph
          chainrule eval neuron.graph --json
          cat neuron.graph | chainrule eval -
          chainrule eval -e 'x = 3' -e 'y = x ^ 2'
        """
    )

    @OptionGroup var input: ScriptOptions

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        try Self.evaluate(input.load(), json: json)
    }

    /// Evaluates `script` and prints the table or the JSON (also run
    /// without ArgumentParser by `EvalFastPath`).
    static func evaluate(_ script: Script, json: Bool) throws {
        let pass = try ScriptInput.evaluateOrExit(script)
        if json {
            EvalJSON.write(script, pass) { StandardStreams.output($0) }
        } else {
            ScriptInput.writeOutput(EvalTable.render(script, pass))
            if let warning = EvalTable.nonFiniteWarning(script, pass) {
                ScriptInput.writeError(warning + "\n")
            }
        }
        StandardStreams.finish()
    }
}
