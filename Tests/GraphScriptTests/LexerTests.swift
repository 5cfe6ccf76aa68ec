@testable import GraphScript
import Testing

@Suite struct LexerTests {
    @Test func operatorsNamesAndNumbers() throws {
        #expect(try tokens("y = W @ x + 1 # comment\n") == ["y", "=", "W", "@", "x", "+", "#1.0", "<nl>"])
        #expect(try tokens("a=(b^-2)/c*[1,2]") == ["a", "=", "(", "b", "^", "-", "#2.0", ")", "/", "c", "*", "[", "#1.0", ",", "#2.0", "]"])
    }

    @Test func numberForms() throws {
        #expect(try tokens("2 3.5 .5 1. 1e-3 2E+2 0.25e1") == ["#2.0", "#3.5", "#0.5", "#1.0", "#0.001", "#200.0", "#2.5"])
    }

    @Test func whitespaceIsSpaceTabAndCarriageReturn() throws {
        #expect(try tokens(" \tx\r\n\t y ") == ["x", "<nl>", "y"])
    }

    @Test func namesMayStartWithFunctionNames() throws {
        #expect(try tokens("sumX expo _ _a1") == ["sumX", "expo", "_", "_a1"])
    }

    @Test func columnsCountCharactersAndTabs() throws {
        var lexer = Lexer(source: SourceText(bytes: Array("\tx = 1\n  y".utf8), fileName: "t", firstLine: 5))
        let x = try lexer.next()
        #expect((x.line, x.column) == (5, 2))
        for _ in 0..<3 { _ = try lexer.next() }
        let y = try lexer.next()
        #expect((y.line, y.column) == (6, 3))
    }

    @Test func invalidNumbers() {
        #expect(diagnostic("x = 1e")?.message == "invalid number '1e': expected digits after the exponent")
        #expect(diagnostic("x = 2x")?.message == "unexpected 'x' after the number '2'")
        #expect(diagnostic("x = 2x")?.notes == ["write '2 * x' to multiply"])
        #expect(diagnostic("x = 1.2.3")?.column == 8)
    }

    @Test func utf8Validation() {
        #expect(SourceText.firstInvalidUTF8(in: Array("añb€😀".utf8)) == nil)
        #expect(SourceText.firstInvalidUTF8(in: [0x61, 0xFF]) == 1)
        #expect(SourceText.firstInvalidUTF8(in: [0x61, 0xC0, 0x80]) == 1)       // overlong
        #expect(SourceText.firstInvalidUTF8(in: [0xED, 0xA0, 0x80]) == 0)       // surrogate
        #expect(SourceText.firstInvalidUTF8(in: [0xF4, 0x90, 0x80, 0x80]) == 0) // > U+10FFFF
        #expect(SourceText.firstInvalidUTF8(in: [0x61, 0x62, 0xE2, 0x82]) == 2) // truncated
        #expect(SourceText.firstInvalidUTF8(in: [0x80]) == 0)                   // stray continuation
        // Past the eight-bytes-at-a-time ASCII scan: a bad byte at every position of long runs.
        let ascii = Array("v12 = v11 + p3\n".utf8)
        for length in [7, 8, 9, 16, 17, 40] {
            let run = Array((0..<length).map { ascii[$0 % ascii.count] })
            #expect(SourceText.firstInvalidUTF8(in: run) == nil)
            #expect(SourceText.firstInvalidUTF8(in: run + Array("é€😀".utf8) + run) == nil)
            for k in 0..<length {
                var bad = run
                bad[k] = 0xFF
                #expect(SourceText.firstInvalidUTF8(in: bad) == k)
                var truncated = run
                truncated[k] = 0xE2
                #expect(SourceText.firstInvalidUTF8(in: truncated) == k)
                #expect(SourceText.firstInvalidUTF8(in: Array("é".utf8) + bad) == k + 2)
            }
        }
    }
}
