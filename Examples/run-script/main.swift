import ChainRule
import GraphScript

// A graph script, compiled and run from Swift (the language: GraphScript's documentation).
let source = """
    x = [1, -2, 3]
    w = [-3, -1, 2]
    b = 1
    y = relu(w @ x + b)
    """
let script = try ScriptCompiler.compile(source, fileName: "neuron.graph")
let pass = try script.evaluate()          // forward, then backward from the output
for (name, node) in script.names {
    let gradient = pass.gradient(of: node).map { "\($0)" } ?? "none (a target)"
    print(name, "=", pass.forward.value(of: node), "  gradient:", gradient)
}

// A mistake is a `Diagnostic`: file, line, column, the line and a caret.
do {
    _ = try ScriptCompiler.compile("W = [[1, 2, 3], [4, 5, 6]]\nx = [1, 2]\ny = W * x\n", fileName: "bad.graph")
        .evaluate()
} catch {
    print(error.rendered)                 // bad.graph:3:7: error: cannot multiply shapes (2, 3) and (2,)
}
