import ChainRule
import ChainRuleRender
import Foundation

// A neuron built in Swift: y = relu(w · x + b).
var g = Graph()
let x = g.leaf("x", [1, -2, 3])
let w = g.leaf("w", [-3, -1, 2])
let b = g.leaf("b", 1)
let dot = try g.apply(.matmul, w, x)
let z = try g.apply(.add, dot, b, name: "z")
let y = try g.apply(.relu, z, name: "y")

let pass = try g.forward().backward(from: y)
let figure = try Figure(pass, options: FigureOptions(theme: .light))
let svg = try figure.render(format: .svg)           // SVG bytes; also .pdf, .png, .dot
if let path = CommandLine.arguments.dropFirst().first {  // swift run draw-graph neuron.svg
    try Data(svg).write(to: URL(fileURLWithPath: path))
    print("y =", pass.forward.value(of: y), "∂y/∂w =", pass.gradient(of: w)!, "→", path)
} else {
    FileHandle.standardOutput.write(Data(svg))             // swift run draw-graph > neuron.svg
}
