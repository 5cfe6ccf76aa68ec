/// `chainrule draw FILE` and `chainrule draw FILE -o OUT` (or `--output OUT`),
/// the commonest command, run without ArgumentParser.
///
/// Why: ArgumentParser builds the root command's and `draw`'s argument sets
/// by reflection (`Mirror`, and a protocol-conformance lookup per property
/// that scans every conformance record of the static binary): about 6 ms of
/// the 20 ms `chainrule draw apples.graph -o apples.svg` takes (perf record,
/// Benchmarks/README.md "Issue 15, session 5"). Only exactly these argument
/// shapes take this path, with FILE and OUT not starting with "-" (so no
/// flag, no standard input or output, no `--help`); everything else goes
/// through ArgumentParser. Both paths draw with the same code
/// (`Draw.drawPlain`, `Draw.rendering`, `Draw.write`), so output, messages
/// and exit codes are the same.
enum DrawFastPath {
    /// FILE and OUT when `arguments` (without the program name) is one of the shapes above.
    static func plainDraw(_ arguments: [String]) -> (file: String, output: String?)? {
        guard arguments.first == "draw", arguments.count == 2 || arguments.count == 4 else { return nil }
        let file = arguments[1]
        guard !file.isEmpty, !file.hasPrefix("-") else { return nil }
        if arguments.count == 2 { return (file, nil) }
        guard arguments[2] == "-o" || arguments[2] == "--output" else { return nil }
        let output = arguments[3]
        guard !output.isEmpty, !output.hasPrefix("-") else { return nil }
        return (file, output)
    }
}

extension ChainRuleCommand {
    /// The entry point: the plain `draw` and `eval` shapes directly, everything else through ArgumentParser.
    static func main() {
        if let plain = EvalFastPath.plainEval(Array(CommandLine.arguments.dropFirst())) {
            do {
                try Eval.evaluate(ScriptInput.loadOrExit(path: plain.file, statements: []), json: plain.json)
            } catch {
                exit(withError: error)
            }
            return
        }
        if let plain = DrawFastPath.plainDraw(Array(CommandLine.arguments.dropFirst())) {
            do {
                try Draw.drawPlain(file: plain.file, output: plain.output)
            } catch {
                exit(withError: error)
            }
            return
        }
        main(nil)
    }
}
