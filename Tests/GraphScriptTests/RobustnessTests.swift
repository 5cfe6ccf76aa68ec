import GraphScript
import Testing

/// Nothing may crash, trap or hang, whatever the bytes.
@Suite struct RobustnessTests {
    @Test func tenThousandNestedParentheses() throws {
        let source = "x = 1\ny = " + String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
        let d = try #require(diagnostic(source))
        #expect(d.message == "expression is nested too deeply (more than \(ScriptCompiler.maxNestingDepth) levels)")
        #expect(d.line == 2)
        #expect(d.rendered.count < 1000)  // a long line is shown as a window
    }

    @Test func fiveHundredLevelsWork() throws {
        let parens = "x = 1\ny = " + String(repeating: "(", count: 500) + "x" + String(repeating: ")", count: 500)
        #expect(diagnostic(parens) == nil)
        let calls = "x = 0.1\ny = " + String(repeating: "tanh(", count: 500) + "x" + String(repeating: ")", count: 500)
        #expect(diagnostic(calls) == nil)
        let unclosed = "x = 1\ny = " + String(repeating: "(", count: 10_000)
        #expect(diagnostic(unclosed) != nil)
    }

    @Test func longChainsDoNotRecurse() throws {
        let negations = "x = 1\ny = " + String(repeating: "-", count: 20_000) + "x"
        #expect(diagnostic(negations) == nil)
        let sum = "x = 1\ny = x" + String(repeating: " + x", count: 20_000)
        let script = try compile(sum)
        #expect(try script.evaluate().forward.value(of: script.output).scalar == 20_001)
        let tooMany = "x = 1\ny = x" + String(repeating: "+x", count: ScriptCompiler.maxNodes)
        #expect(diagnostic(tooMany)?.message.contains("too large") == true)
    }

    @Test func tenMegabyteLine() throws {
        let padding = String(repeating: " ", count: 10_000_000)
        let script = try compile("x =" + padding + "1  # " + padding + "\ny = x")
        #expect(script.names.count == 2)
        let d = try #require(diagnostic("x = 1" + padding + "$"))
        #expect(d.column == 10_000_006)
        #expect(d.rendered.count < 1000)
    }

    @Test func largeArrayLiteral() throws {
        let source = "x = [" + Array(repeating: "0.5", count: 100_000).joined(separator: ",") + "]\ny = sum(x)"
        let script = try compile(source)
        #expect(try script.evaluate().forward.value(of: script.output).scalar == 50_000)
        let long = "x = " + String(repeating: "1", count: 100_000)
        #expect(diagnostic(long)?.message.hasPrefix("number literal is too long") == true)
    }

    @Test func arbitraryBytes() {
        var state: UInt64 = 1
        for length in [0, 1, 2, 7, 64, 1000, 20_000] {
            for _ in 0..<20 {
                var bytes: [UInt8] = []
                for _ in 0..<length {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    bytes.append(UInt8(truncatingIfNeeded: state >> 33))
                }
                _ = diagnostic(bytes: bytes)
            }
        }
        // Printable soup.
        let alphabet = Array("xyz=+-*/@^()[],.#e0123456789 \n\tsumexp".utf8)
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<40 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            _ = diagnostic(bytes: bytes)
        }
    }

    @Test func nulAndControlBytes() throws {
        #expect(diagnostic(bytes: [0, 0, 0])?.message == "unexpected NUL byte")
        #expect(diagnostic(bytes: Array("x = 1\u{7}".utf8))?.message == "unexpected control character U+0007")
        // Control characters in the echoed line cannot reach the terminal:
        // they are shown as visible stand-ins, as in lessons (ESC as ␛, BEL as ␇).
        let d = try #require(diagnostic("y = q # \u{1B}[31mred\u{7}"))
        #expect(d.rendered == "t.graph:1:5: error: cannot find 'q' in scope\n  y = q # \u{241B}[31mred\u{2407}\n      ^")
    }
}
