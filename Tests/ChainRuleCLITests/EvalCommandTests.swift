import Foundation
import Testing

@Suite(.enabled(if: CLI.binary != nil, "chainrule binary not found"))
struct EvalCommandTests {
    /// `--json` writes each number's digits straight from `Double.write(to:)`;
    /// they must be `Double.description`'s, byte for byte, at every magnitude.
    @Test func jsonNumbersAreDoubleDescriptions() throws {
        var state: UInt64 = 0x15_0005
        var numbers: [Double] = [0, 1, 0.1, 1e-5, 1e-4, 1e15, 1e16, 1e22, .leastNonzeroMagnitude, 2.2250738585072014e-308,
                                 1.7976931348623157e308, 0.30000000000000004, 123456789012345680, 2.5]
        while numbers.count < 400 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let x = Double(bitPattern: state >> 1)  // positive: a leaf is NUMBER or -NUMBER
            if x.isFinite { numbers.append(numbers.count % 2 == 0 ? x : -x) }
        }
        var lines: [String] = []
        for (k, x) in numbers.enumerated() { lines.append("p\(k) = \(x)") }
        lines.append("L = p0 * p1")
        let result = try CLI.run(["eval", try CLI.scriptFile(lines.joined(separator: "\n")).path, "--json"])
        #expect(result.status == 0)
        for (k, x) in numbers.enumerated() {
            #expect(result.stdout.contains("\n    \"p\(k)\": \(x.description),\n"), "p\(k) = \(x)")
        }
        #expect(result.stdout.contains("\"L\": \((numbers[0] * numbers[1]).description)\n"))
    }

    @Test func jsonIsExact() throws {
        let file = try CLI.scriptFile("""
            x = 2
            w = [-3, -1, 2]   # a vector
            W = [[1, 2], [3, 4]]
            z = [0.3, 2.9, 4]
            t = 1
            L = sum(W @ x * 0 + 1) * x + softmax_cross_entropy(z, t) * 0
            """)
        let bad = try CLI.run(["eval", file.path, "--json"])
        #expect(bad.status == 1)  // W @ x with a scalar x: an error, reported not trapped
        #expect(bad.stderr.hasPrefix("\(file.path):6:11: error: cannot matrix-multiply a scalar"))

        let good = try CLI.scriptFile("x = 2\nw = [-3, -1, 2]\nt = 1\nL = softmax_cross_entropy(w * x, t) + log(0 * x)\n")
        let result = try CLI.run(["eval", good.path, "--json"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            {
              "output": "L",
              "values": {
                "x": 2.0,
                "w": [-3.0, -1.0, 2.0],
                "t": 1.0,
                "L": "-inf"
              },
              "grads": {
                "x": "nan",
                "w": [9.057124392882489e-05, -1.9950549776352855, 1.994964406391357],
                "t": null,
                "L": 1.0
              }
            }

            """)
    }

    @Test func matricesAreArraysOfRows() throws {
        let result = try CLI.run(["eval", "--json", "-e", "W = [[1, 2], [3, 4.5]]", "-e", "S = W * W"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"W\": [[1.0, 2.0], [3.0, 4.5]]"))
        #expect(result.stdout.contains("\"S\": [[1.0, 4.0], [9.0, 20.25]]"))
        #expect(result.stdout.contains("\"W\": [[2.0, 4.0], [6.0, 9.0]]"))
    }

    @Test func table() throws {
        let result = try CLI.run(["eval", "-e", "x = 2", "-e", "w = [1, 2, 3]", "-e", "y = sum(w * x) / 3"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            name        shape  value      gradient
            x           ()     2          2
            w           (3,)   [1, 2, 3]  [0.666667, 0.666667, 0.666667]
            y (output)  ()     4          1

            """)
    }

    @Test func tableTruncatesLargeTensorsAndWarnsAboutNonFiniteValues() throws {
        let result = try CLI.run(["eval", "-e", "v = [1, 2, 3, 4, 5, 6, 7, 8, 9]", "-e", "y = log(v - 1)"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("[1, 2, 3, 4, 5, …, 9]"))
        #expect(result.stdout.contains("[−∞, 0, 0.693147, 1.09861, 1.38629, …, 2.07944]"))
        #expect(result.stderr == "warning: non-finite results (nan or inf): v (gradient), y (value)\n")
    }

    @Test func standardInput() throws {
        let result = try CLI.run(["eval", "-", "--json"], stdin: "a = 3\nb = a ^ 2\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"a\": 6.0"))
        let error = try CLI.run(["eval", "-"], stdin: "a = 3\nb = a ^ c\n")
        #expect(error.status == 1)
        #expect(error.stderr == "<stdin>:2:9: error: exponent must be a numeric literal\n  b = a ^ c\n          ^\nnote: write 'x ^ 2' or 'x ^ -1'; for a tensor exponent use pow(x, y)\n")
    }

    @Test func expressionsReportTheirIndexAsTheLine() throws {
        let result = try CLI.run(["eval", "-e", "x = 2", "-e", "y = x * z"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "<expression>:2:9: error: cannot find 'z' in scope\n  y = x * z\n          ^\n")
    }

    @Test func errorsUseThePathAsGiven() throws {
        let file = try CLI.scriptFile("x = 2\ny = x * z\n", name: "bad.graph")
        let result = try CLI.run(["eval", "bad.graph"], directory: file.deletingLastPathComponent())
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("bad.graph:2:9: error: cannot find 'z' in scope\n"))
    }

    @Test func unreadableInputs() throws {
        let missing = try CLI.run(["eval", "/nonexistent/none.graph"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: cannot read '/nonexistent/none.graph': no such file\n")
        let nothing = try CLI.run(["eval"])
        #expect(nothing.status != 0 && nothing.status < 128)
        let both = try CLI.run(["eval", "x.graph", "-e", "x = 1"])
        #expect(both.status != 0 && both.status < 128)
    }

    @Test func invalidBytesNeverCrash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("bytes.graph")
        try Data([0x78, 0x20, 0x3D, 0x20, 0x32, 0x20, 0xFF, 0x00, 0x0A]).write(to: url)
        let result = try CLI.run(["eval", url.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(url.path):1:7: error: invalid UTF-8 byte 0xFF\n"))
        let deep = try CLI.run(["eval", "-"], stdin: "x = 1\ny = " + String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000))
        #expect(deep.status == 1)
        #expect(deep.stderr.contains("nested too deeply"))
    }

    @Test func helpHasExamples() throws {
        let result = try CLI.run(["eval", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("chainrule eval -e 'x = 3' -e 'y = x ^ 2'"))
    }
}

@Suite(.enabled(if: CLI.binary != nil, "chainrule binary not found"))
struct CheckCommandTests {
    @Test func passingScript() throws {
        let result = try CLI.run(["check", "-e", "x = 0.5", "-e", "t = 1", "-e", "w = [1, -2]",
                                  "-e", "L = softmax_cross_entropy(w * square(exp(square(x))), t)"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "leaf  shape  max abs error  max rel error  result")
        #expect(lines.count == 5)
        #expect(lines[1].hasPrefix("x     ()     ") && lines[1].hasSuffix("PASS"))
        #expect(lines[2].hasPrefix("t     ()     —") && lines[2].hasSuffix("target (no gradient)"))
        #expect(lines[3].hasPrefix("w     (2,)   ") && lines[3].hasSuffix("PASS"))
        #expect(lines[4] == "2 leaves checked: backprop matches central differences (h = 1e−5).")
    }

    @Test func mismatchExitsOne() throws {
        // relu'(0) = 0 by definition; central differences see 0.5.
        let result = try CLI.run(["check", "-e", "x = 0", "-e", "y = relu(x)"])
        #expect(result.status == 1)
        #expect(result.stdout == "leaf  shape  max abs error  max rel error  result\nx     ()     0.5            1              FAIL\n")
        #expect(result.stderr == "error: gradient check failed for 'x': backprop and central differences disagree\n")
    }

    @Test func diagnosticsAndLabels() throws {
        let result = try CLI.run(["check", "-"], stdin: "p = [0.5, 0.5]\nt = 7\nL = cross_entropy(p, t)\n")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("<stdin>:3:5: error: class label 7 is out of range"))
    }

    @Test func helpHasExamples() throws {
        let result = try CLI.run(["check", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("chainrule check neuron.graph"))
    }
}
