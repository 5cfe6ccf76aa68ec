import ChainRule
import ChainRuleLessons
import Testing

/// The backward steps of `sum` and `mean` along an axis: the equation shows
/// the upstream gradient copied back along the reduced axis. (Along axis 1
/// this used to trap: the upstream vector was broadcast like a row, which
/// only fits axis 0.) The numbers are worked out by hand from X.
@Suite struct AxisReductionStepTests {
    private func lesson() throws -> Lesson {
        try Lesson(markdown: """
            # Axis sums

            ```graph
            X = [[1, -2, 3], [0.5, 4, -1]]
            b = sum(X, axis=1)
            d = mean(X, axis=1)
            a = sum(X, axis=0)
            L = sum(b * d) + sum(a)
            ```
            """, fileName: "axis.md")
    }

    private func backwardStep(_ l: Lesson, _ name: String) throws -> LessonStep {
        let id = try #require(l.sections[0].graph.node(named: name))
        return try #require(l.steps.first {
            if case .backward(let n) = $0.kind { return n == id }
            return false
        })
    }

    @Test func sumAndMeanAlongTheRowsSpreadTheUpstreamAlongEachRow() throws {
        let x = try backwardStep(try lesson(), "X")
        let text = x.equations.joined(separator: "\n")
        // b = row sums = [2, 3.5] and d = row means = [2/3, 7/6]; ∂L/∂b = d, ∂L/∂d = b.
        #expect(text.contains("= [[0.6667, 0.6667, 0.6667], [1.167, 1.167, 1.167]] ⊙ [[1, 1, 1], [1, 1, 1]]"), "\(text)")
        #expect(text.contains("= [[2, 2, 2], [3.5, 3.5, 3.5]] ⊙ [[0.3333, 0.3333, 0.3333], [0.3333, 0.3333, 0.3333]]"), "\(text)")
        // Along axis 0 the upstream ∂L/∂a = [1, 1, 1] is copied down the columns.
        #expect(text.contains("= [[1, 1, 1], [1, 1, 1]] ⊙ [[1, 1, 1], [1, 1, 1]]"), "\(text)")
        // The total in row r: d_r + b_r / 3 + 1, that is 2/3 + 2/3 + 1 and 7/6 + 7/6 + 1.
        let sum = try #require(x.sum)
        for (got, want) in zip(sum.scalars, [7.0 / 3, 7.0 / 3, 7.0 / 3, 10.0 / 3, 10.0 / 3, 10.0 / 3]) {
            #expect(abs(got - want) < 1e-12)
        }
    }
}
