import ChainRule

var g = Graph()
let apple = g.leaf("apple", 100)
let n     = g.leaf("n", 2)
let tax   = g.leaf("tax", 1.1)
let price = try g.apply(.mul, apple, n, name: "price")
let total = try g.apply(.mul, price, tax, name: "total")

let pass = try g.forward().backward(from: total)
print(pass.forward.value(of: total))   // 220.00000000000003
print(pass.gradient(of: apple)!)       // 2.2
for edge in pass.edges(outOf: total) { // the chain rule, edge by edge
    print(g[edge.from].name!, edge.local, "×", edge.upstream, "=", edge.contribution)
}
