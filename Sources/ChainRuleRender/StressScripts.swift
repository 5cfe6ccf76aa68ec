/// Graph scripts of the shapes that are hard to lay out (issue 11): long
/// chains reusing a few leaves, one value fanned out a thousand times, very
/// deep chains, big scalar MLPs and deep matrix nets. `chainrule-bench`
/// measures drawing them; the tests prove each is drawn within its budget
/// or refused (see `FigureBudget`). Deterministic: no randomness beyond a
/// fixed-seed generator.
public enum StressScripts {
    /// `n` residual statements `h_i = tanh(h_{i-1} · w + b) + h_{i-1}`, every one
    /// reusing the same leaves `w` and `b` (64 statements ≈ 1,200 Graphviz nodes).
    public static func residualChain(_ n: Int = 64) -> String {
        var lines = ["x = 0.5", "w = 0.9", "b = 0.1"]
        var previous = "x"
        for i in 0..<n {
            lines.append("h\(i) = tanh(\(previous) * w + b) + \(previous)")
            previous = "h\(i)"
        }
        lines.append("L = \(previous) * 1")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line `y = x * 1 + x * 2 + …`: the vector `x` used `uses` times
    /// (1,200 uses ≈ 10 KB of script).
    public static func fanOut(_ uses: Int = 1_200) -> String {
        "x = [1, 2, 3]\ny = " + (1...max(1, uses)).map { "x * \($0)" }.joined(separator: " + ") + "\n"
    }

    /// A chain `x_{i+1} = x_i * 1.001`, `depth` operations deep.
    public static func deepChain(_ depth: Int = 1_000) -> String {
        (["x0 = 1"] + (0..<max(1, depth)).map { "x\($0 + 1) = x\($0) * 1.001" }).joined(separator: "\n") + "\n"
    }

    /// micrograd's `MLP(nin, sizes)` on one sample, loss `(out − 1)²`, written
    /// as micrograd builds it — `b + w0·x0 + w1·x1 …`, ReLU on hidden layers —
    /// with every intermediate an anonymous temporary (`t61 = t59 + t60`).
    /// Weights `l0n1w0` etc. are U(−1, 1) from a fixed seed; inputs are `x0…`.
    /// `MLP(2, [4, 4, 1])` is the network of micrograd's README.
    public static func mlp(inputs: Int = 2, sizes: [Int] = [4, 4, 1], seed: UInt64 = 1337) -> String {
        var rng = seed
        func uniform() -> Double {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) * 2 - 1
        }
        func literal(_ x: Double) -> String {
            let r = (x * 10_000).rounded() / 10_000
            return r == 0 ? "0" : String(r)
        }
        var lines: [String] = []
        let sampleInputs: [Double] = [2, -1, 0.5, 3, -2, 1.5, -0.5, 1]
        var h: [String] = (0..<inputs).map { i in
            lines.append("x\(i) = \(literal(sampleInputs[i % sampleInputs.count]))")
            return "x\(i)"
        }
        var t = 0
        func temp() -> String { defer { t += 1 }; return "t\(t)" }
        for (l, count) in sizes.enumerated() {
            var next: [String] = []
            for j in 0..<count {
                let p = "l\(l)n\(j)"
                for i in 0..<h.count { lines.append("\(p)w\(i) = \(literal(uniform()))") }
                lines.append("\(p)b = 0")
                var act = "\(p)b"
                for i in 0..<h.count {
                    let m = temp()
                    lines.append("\(m) = \(p)w\(i) * \(h[i])")
                    let s = temp()
                    lines.append("\(s) = \(act) + \(m)")
                    act = s
                }
                if l < sizes.count - 1 {
                    let r = temp()
                    lines.append("\(r) = relu(\(act))")
                    act = r
                }
                next.append(act)
            }
            h = next
        }
        let d = temp()
        lines.append("\(d) = \(h[0]) - 1")
        lines.append("loss = \(d) ^ 2")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A matrix net: `layers` affine + tanh layers of width `width` on a batch
    /// of 4, then a mean loss. Every weight matrix is a literal (deterministic).
    public static func matrixNet(layers: Int = 10, width: Int = 8, inputs: Int = 6) -> String {
        func matrix(_ r: Int, _ c: Int, _ k: Int) -> String {
            "[" + (0..<r).map { i in
                "[" + (0..<c).map { j in
                    let v = Double(((i * 7 + j * 13 + k * 5) % 19) - 9) / 30
                    return v == 0 ? "0" : String(v)
                }.joined(separator: ", ") + "]"
            }.joined(separator: ", ") + "]"
        }
        var lines = ["X = " + matrix(4, inputs, 0)]
        var h = "X"
        var n = inputs
        for l in 1...max(1, layers) {
            lines.append("W\(l) = " + matrix(n, width, l))
            lines.append("b\(l) = [" + (0..<width).map { _ in "0" }.joined(separator: ", ") + "]")
            lines.append("H\(l) = tanh(\(h) @ W\(l) + b\(l))")
            h = "H\(l)"
            n = width
        }
        lines.append("L = mean(\(h))")
        return lines.joined(separator: "\n") + "\n"
    }
}
