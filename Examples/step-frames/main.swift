import ChainRule
import ChainRuleRender
import Foundation

// z = (x + y) · y, then one figure per step of the backward pass.
var g = Graph()
let x = g.leaf("x", 2)
let y = g.leaf("y", 3)
let sum = try g.apply(.add, x, y, name: "s")
let product = try g.apply(.mul, sum, y, name: "z")
let pass = try g.forward().backward(from: product)

let figure = try Figure(pass, options: FigureOptions(theme: .dark, expandFused: false))
let layout = try FigureLayout(figure)        // one `dot` layout, labels at their widest
let blank  = try layout.render(.unknown)      // every label `?`
let step   = try layout.render(FigureFrame(values: [x, y], gradients: [], highlightedNodes: [product]))
let done   = try layout.render()              // the finished pass, SVG bytes
let pdf    = try layout.render(.complete, format: .pdf)

// Frame by frame: reveal the gradient of one edge at a time, in backward order.
let folder = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "frames", isDirectory: true)
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
var shown: Set<FigureEdge> = [.value(of: product)]
for (number, edge) in pass.edges.enumerated() {
    shown.insert(.operand(edge.from, into: edge.to, at: edge.operand))
    let frame = FigureFrame(gradients: shown, highlightedNodes: [edge.from])
    try Data(layout.render(frame)).write(to: folder.appendingPathComponent("step-\(number + 1).svg"))
    print("step \(number + 1): ∂z/∂\(figure.displayName(of: edge.from)) +=", edge.contribution)
}
print("\(folder.lastPathComponent)/: \(pass.edges.count) steps; blank \(blank.count) B, one value \(step.count) B, done \(done.count) B, PDF \(pdf.count) B")
