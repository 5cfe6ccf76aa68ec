import ChainRule
import ChainRuleLessons
import Foundation
import Testing

/// `> ask backward NAME local|upstream|product`: the question step hides
/// exactly what is asked (and the product), shows the other factor, and the
/// next step reveals the worked equation. Numbers are chosen so that the
/// upstream gradient (3), the local derivative (5) and their product (15)
/// are all different, and no label contains a digit.
@Suite struct AskTests {
    private func lesson(asking target: String) throws -> Lesson {
        try Lesson(markdown: """
            # Ask

            ```graph
            x = 2
            w = 5
            u = x * w
            v = 3
            z = u * v
            ```

            > ask backward x \(target): what is it?
            """, fileName: "ask.md")
    }

    /// The numbers written in a step's equations.
    private func numbers(_ step: LessonStep) -> Set<String> {
        Set(step.equations.joined(separator: "\n").matches(of: /\d+(\.\d+)?/).map { String($0.output.0) })
    }

    private func question(_ l: Lesson) throws -> (ask: LessonStep, answer: LessonStep, x: NodeID, u: NodeID) {
        let i = try #require(l.steps.firstIndex { $0.question != nil })
        let g = l.sections[0].graph
        return (l.steps[i], l.steps[i + 1], try #require(g.node(named: "x")), try #require(g.node(named: "u")))
    }

    @Test func localHidesTheLocalDerivativeAndTheProduct() throws {
        let (ask, answer, x, u) = try question(try lesson(asking: "local"))
        #expect(ask.asked == .local)
        #expect(numbers(ask).contains("3"), "\(ask.equations)")
        #expect(!numbers(ask).contains("5") && !numbers(ask).contains("15"), "\(ask.equations)")
        #expect(ask.knownGradients.contains(u) && !ask.knownGradients.contains(x))
        #expect(answer.question == nil && answer.equations.joined().contains("3 × 5 = 15"), "\(answer.equations)")
        #expect(answer.knownGradients.contains(x))
    }

    @Test func upstreamHidesTheUpstreamGradientAndTheProduct() throws {
        let (ask, answer, x, u) = try question(try lesson(asking: "upstream"))
        #expect(ask.asked == .upstream)
        #expect(numbers(ask).contains("5"), "\(ask.equations)")
        #expect(!numbers(ask).contains("3") && !numbers(ask).contains("15"), "\(ask.equations)")
        #expect(!ask.knownGradients.contains(u) && !ask.knownGradients.contains(x))
        #expect(answer.equations.joined().contains("3 × 5 = 15"), "\(answer.equations)")
    }

    @Test func productShowsBothFactorsAndHidesOnlyTheProduct() throws {
        let (ask, answer, x, u) = try question(try lesson(asking: "product"))
        #expect(ask.asked == .product)
        #expect(numbers(ask).isSuperset(of: ["3", "5"]), "\(ask.equations)")
        #expect(!numbers(ask).contains("15"), "\(ask.equations)")
        #expect(ask.knownGradients.contains(u) && !ask.knownGradients.contains(x))
        #expect(answer.equations.joined().contains("3 × 5 = 15"), "\(answer.equations)")
    }
}
