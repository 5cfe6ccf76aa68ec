@testable import GraphScript
import Testing

@Suite struct ParserTests {
    @Test func precedence() throws {
        #expect(try tree("y = a + b * c") == "(+ a (* b c))")
        #expect(try tree("y = a * b + c") == "(+ (* a b) c)")
        #expect(try tree("y = a @ b * c") == "(* (@ a b) c)")
        #expect(try tree("y = (a + b) * c") == "(* (+ a b) c)")
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        #expect(try tree("y = -x^2") == "(neg (^ x 2))")
        #expect(try tree("y = (-x)^2") == "(^ (neg x) 2)")
        #expect(try tree("y = -a * b") == "(* (neg a) b)")
        #expect(try tree("y = a * -b") == "(* a (neg b))")
        #expect(try tree("y = x ^ -1") == "(^ x (neg 1))")
        #expect(try tree("y = - - x") == "(neg (neg x))")
    }

    @Test func powerIsRightAssociative() throws {
        #expect(try tree("y = a ^ b ^ c") == "(^ a (^ b c))")
    }

    @Test func otherOperatorsAreLeftAssociative() throws {
        #expect(try tree("y = a - b - c") == "(- (- a b) c)")
        #expect(try tree("y = a / b / c") == "(/ (/ a b) c)")
        #expect(try tree("y = a @ b @ c") == "(@ (@ a b) c)")
    }

    @Test func calls() throws {
        #expect(try tree("y = sum(W @ x + b, axis = 0)") == "(sum (+ (@ W x) b) axis=0)")
        #expect(try tree("y = cross_entropy(softmax(z), t)") == "(cross_entropy (softmax z) t)")
        #expect(try tree("y = f()") == "(f )")
        #expect(try tree("y = exp(-(x))") == "(exp (neg x))")
    }

    @Test func leaves() throws {
        #expect(try tree("x = 2") == "leaf 2.0")
        #expect(try tree("x = -3.5  # comment") == "leaf -3.5")
        #expect(try tree("x = [1, -2, 3]") == "leaf [3]")
        #expect(try tree("x = [[1, 2], [3, 4], [5, 6]]") == "leaf [3, 2]")
        // Anything else is an expression, even a parenthesised literal.
        #expect(try tree("x = (2)") == "2")
        #expect(try tree("x = -(2)") == "(neg 2)")
        #expect(try tree("x = 2 * 3 + 1") == "(+ (* 2 3) 1)")
    }

    @Test func fortyLevelsOfNesting() throws {
        let deep = String(repeating: "(", count: 40) + "x" + String(repeating: ")", count: 40)
        #expect(try tree("y = " + deep) == "x")
        let calls = String(repeating: "exp(", count: 40) + "x" + String(repeating: ")", count: 40)
        #expect(try tree("y = " + calls).hasPrefix("(exp (exp"))
    }
}
