import ChainRule
import ChainRuleLessons
import Testing

/// Typed answers: numbers and small expressions, checked within 1 %.
@Suite struct QuizAnswerTests {
    @Test func numbersAndExpressions() {
        #expect(QuizAnswer.check("6", against: Tensor(6)) == .right)
        #expect(QuizAnswer.check("2*3", against: Tensor(6)) == .right)
        #expect(QuizAnswer.check("1-0.62", against: Tensor(0.38)) == .right)
        #expect(QuizAnswer.check("2 × 1.1", against: Tensor(2.2)) == .right)
        #expect(QuizAnswer.check("−(1 + 2) / 4", against: Tensor(-0.75)) == .right)
        #expect(QuizAnswer.check("2^3", against: Tensor(8)) == .right)
        #expect(QuizAnswer.check("1e-3", against: Tensor(0.001)) == .right)
        #expect(QuizAnswer.check("0.2350", against: Tensor(0.2350037)) == .right)
        #expect(QuizAnswer.check("[1, -2, 3]", against: Tensor(shape: [3], scalars: [1, -2, 3])) == .right)
        #expect(QuizAnswer.check("1, -2, 3.1", against: Tensor(shape: [3], scalars: [1, -2, 3])) == .wrong)
    }

    @Test func toleranceIsOnePercent() {
        #expect(QuizAnswer.relativeTolerance == 0.01)
        #expect(QuizAnswer.check("100.9", against: Tensor(100)) == .right)
        #expect(QuizAnswer.check("101.1", against: Tensor(100)) == .wrong)
        #expect(QuizAnswer.check("0", against: Tensor(0)) == .right)
        #expect(QuizAnswer.check("0.001", against: Tensor(0)) == .wrong)
    }

    @Test func unreadableInputIsNotATry() {
        for bad in ["", "x", "2*", "(1", "1/0", "2 3", String(repeating: "1+", count: 200) + "1", "import os"] {
            if case .unreadable = QuizAnswer.check(bad, against: Tensor(6)) {} else { Issue.record("'\(bad)' should be unreadable") }
        }
        if case .unreadable(let m) = QuizAnswer.check("1", against: Tensor(shape: [2], scalars: [1, 2])) {
            #expect(m.contains("2 numbers"))
        } else { Issue.record("a vector needs all its entries") }
    }
}
