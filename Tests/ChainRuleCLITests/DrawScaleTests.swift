import Foundation
import Testing

/// `chainrule draw` on big figures, through the real binary: the size
/// refusal, `--steps` and `--step N`.
@Suite(.enabled(if: CLI.binary != nil, "chainrule binary not found"))
struct DrawScaleTests {
    static let small = "a = 2\nb = 3\nc = a * b\nL = c + a\n"

    @Test func oversizedFigureIsRefusedWithTheWayOut() throws {
        let source = "x = [1, 2, 3]\ny = " + (1...1_200).map { "x * \($0)" }.joined(separator: " + ") + "\n"
        let file = try CLI.scriptFile(source)
        let out = file.deletingLastPathComponent().appendingPathComponent("fan.svg")
        let r = try CLI.run(["draw", file.path, "-o", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: \(file.path): cannot draw the figure: the figure is too large to lay out"))
        #expect(r.stderr.contains("Graphviz nodes"))
        #expect(r.stderr.contains("--focus NAME"))
        #expect(r.stderr.contains("--collapse"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // eval is not limited: the same script evaluates.
        #expect(try CLI.run(["eval", file.path]).status == 0)
    }

    @Test func stepsAreListed() throws {
        let file = try CLI.scriptFile(Self.small)
        let r = try CLI.run(["draw", file.path, "--steps"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("1  overview"))
        #expect(lines[1].hasPrefix("2  forward "))
        #expect(lines[1].contains("c = a × b = 2 × 3 = 6") || lines[1].contains("6"))
        #expect(lines[3].hasPrefix("4  seed "))
        // The last step: a's gradient, from both its uses.
        #expect(lines[6].hasPrefix("7  backward  a "))
        #expect(lines[6].contains("∂L/∂a = 3 + 1 = 4"))
    }

    @Test func oneStepIsDrawnWithItsHighlights() throws {
        let file = try CLI.scriptFile(Self.small)
        let r = try CLI.run(["draw", file.path, "--step", "5"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("<svg"))
        #expect(r.stdout.contains("highlighted"))
        #expect(r.stdout.contains(">?<") || r.stdout.contains("∂?"))  // b's and a's gradients are not known yet
        let final = try CLI.run(["draw", file.path, "--step", "7"])
        #expect(!final.stdout.contains(">?<"))
        #expect(final.stdout != r.stdout)
        // The same layout in every step: the SVG's size does not change.
        func viewBox(_ svg: String) -> Substring? { svg.split(separator: "\n").first { $0.contains("viewBox") } }
        #expect(viewBox(r.stdout) == viewBox(final.stdout))
    }

    @Test func stepOutOfRangeNamesTheRange() throws {
        let file = try CLI.scriptFile(Self.small)
        for n in ["0", "8", "-1"] {
            let r = try CLI.run(["draw", file.path, "--step=\(n)"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("there is no step \(n): the steps are 1–7 (list them with --steps)"))
        }
    }

    @Test func stepFrameAsPNG() throws {
        let file = try CLI.scriptFile(Self.small)
        let out = file.deletingLastPathComponent().appendingPathComponent("step.png")
        let r = try CLI.run(["draw", file.path, "--step", "6", "-o", out.path])
        #expect(r.status == 0)
        let bytes = try Data(contentsOf: out)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    static let neuron = "x0 = 2\nx1 = -1\nw0 = 0.5\nw1 = -0.25\nb = 0.1\nm0 = w0 * x0\nm1 = w1 * x1\ns = m0 + m1\nz = s + b\ny = relu(z)\nL = y * y\n"

    @Test func focusDrawsTheNeighbourhoodWithStubs() throws {
        let file = try CLI.scriptFile(Self.neuron)
        let r = try CLI.run(["draw", file.path, "--focus", "s"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("<svg"))
        #expect(r.stdout.contains("… 2 more inputs"))  // m0 and m1 are drawn; w0, x0, w1, x1 are not
        #expect(r.stdout.contains("… 1 more use") || r.stdout.contains("more uses") || !r.stdout.contains(">y<"))
        #expect(!r.stdout.contains(">w0<"))
        let wider = try CLI.run(["draw", file.path, "--focus", "s", "--radius", "2"])
        #expect(wider.stdout.contains(">w0<"))
    }

    @Test func focusOnAnUnknownNameSuggests() throws {
        let file = try CLI.scriptFile(Self.neuron)
        let r = try CLI.run(["draw", file.path, "--focus", "w2"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--focus: no node named 'w2' (did you mean 'w0' or 'w1'?)"))
        let far = try CLI.run(["draw", file.path, "--focus", "zzzzzz"])
        #expect(far.stderr.contains("the names are x0, x1, w0, w1, b, m0, m1, s, z, y, L"))
        let bad = try CLI.run(["draw", file.path, "--radius", "2"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--radius needs --focus"))
    }

    @Test func tensorOptions() throws {
        let file = try CLI.scriptFile("W = [[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]]\nL = sum(W * W)\n")
        let compact = try CLI.run(["draw", file.path, "--format", "dot"])
        #expect(compact.stdout.contains("1 … 6"))
        #expect(compact.stdout.contains("⋯"))
        let shape = try CLI.run(["draw", file.path, "--format", "dot", "--tensors", "shape"])
        #expect(shape.stdout.contains("⋱"))
        let full = try CLI.run(["draw", file.path, "--format", "dot", "--tensors", "full", "--max-entries", "2x6"])
        #expect(!full.stdout.contains("⋯"))
        let bad = try CLI.run(["draw", file.path, "--max-entries", "3"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--max-entries wants ROWSxCOLUMNS"))
        let heat = try CLI.run(["draw", file.path, "--format", "dot", "--tensors", "heatmap"])
        #expect(heat.stdout.contains("BGCOLOR=\"#e69f00\""))  // the largest entries, full orange
        #expect(heat.stdout.contains("1 … 6") && !heat.stdout.contains("⋯"))
        let unknown = try CLI.run(["draw", file.path, "--tensors", "checkerboard"])
        #expect(unknown.status != 0)
    }

    /// Lesson 11's network (64 → 50 → 10), drawn whole: fitted to a slide it
    /// reads at 10 px or more (6.6 px with `--no-fit`), the same bytes every time, as SVG and PDF.
    @Test func bigNetworkIsFittedToASlide() throws {
        let file = try CLI.scriptFile("""
            X = randn(3, 64, seed=3)
            t = [3, 1, 4]
            W1 = randn(64, 50, scale=0.1, seed=1)
            b1 = zeros(50)
            W2 = randn(50, 10, scale=0.1, seed=2)
            b2 = zeros(10)
            Z1 = relu(X @ W1 + b1)
            L = softmax_cross_entropy(Z1 @ W2 + b2, t)
            """)
        func pixels(_ svg: String) -> Double {
            // The median <text> font size, scaled to fit 1280 × 720 (never enlarged), 1 pt = 4/3 px.
            func number(after key: String, in s: Substring) -> Double? {
                guard let r = s.range(of: key) else { return nil }
                return Double(s[r.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            let head = Substring(svg)
            let w = number(after: "width=\"", in: head) ?? 0, h = number(after: "height=\"", in: head) ?? 0
            let sizes = svg.components(separatedBy: "<text").dropFirst().compactMap { number(after: "font-size=\"", in: Substring($0)) }.sorted()
            guard w > 0, h > 0, !sizes.isEmpty else { return 0 }
            return sizes[sizes.count / 2] * 4 / 3 * min(1, 960 / w, 540 / h)
        }
        let fitted = try CLI.run(["draw", file.path])
        #expect(fitted.status == 0)
        #expect(pixels(fitted.stdout) >= 10)
        #expect(fitted.stdout.contains("fill=\"#0072b2\"") || fitted.stdout.contains("fill=\"#e69f00\""))
        #expect(try CLI.run(["draw", file.path]).stdout == fitted.stdout)
        let plain = try CLI.run(["draw", file.path, "--no-fit"])
        #expect(pixels(plain.stdout) < 10)
        let dir = file.deletingLastPathComponent()
        for name in ["a.pdf", "b.pdf"] {
            #expect(try CLI.run(["draw", file.path, "-o", dir.appendingPathComponent(name).path]).status == 0)
        }
        let a = try Data(contentsOf: dir.appendingPathComponent("a.pdf")), b = try Data(contentsOf: dir.appendingPathComponent("b.pdf"))
        #expect(a.starts(with: Data("%PDF".utf8)) && a == b)
    }
}
