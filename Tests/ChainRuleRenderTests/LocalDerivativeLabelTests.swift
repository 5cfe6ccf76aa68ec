import ChainRule
import ChainRuleRender
import Foundation
import Testing

/// `--local` (`FigureOptions.localDerivatives`): every edge into an operation
/// carries its local derivative under its gradient, in the words of the
/// operation's definition (`OperationText`) with the graph's names, and its
/// number when it is one number. The numbers are checked against closed forms.
@Suite struct LocalDerivativeLabelTests {
    /// Every text of the figure, joined by spaces (a caption wrapped onto
    /// several lines reads as one).
    private func texts(_ pass: Backward, _ frame: FigureFrame = .complete) throws -> String {
        var options = FigureOptions()
        options.localDerivatives = true
        let layout = try FigureLayout(try Figure(pass, options: options))
        return try SVG.parse(try layout.render(frame)).allText
    }

    @Test func scalarEdgesShowRuleAndNumber() throws {
        let texts = try texts(try Fixtures.apples())
        // price = apple × n: ∂price/∂apple = n = 2, ∂price/∂n = apple = 100; total = price × tax.
        for caption in ["∂price/∂apple = n = 2", "∂price/∂n = apple = 100", "∂total/∂price = tax = 1.1", "∂total/∂tax = price = 200"] {
            #expect(texts.contains(caption), "\(caption) in \(texts)")
        }
        // Without --local there is none.
        let plain = try SVG.parse(try Figure(try Fixtures.apples()).render()).allText
        #expect(!plain.contains("∂price/∂apple"))
    }

    @Test func aFrameWithoutTheGradientShowsTheRuleOnly() throws {
        let texts = try texts(try Fixtures.apples(), .forwardOnly)
        #expect(texts.contains("∂price/∂apple = n"))
        #expect(!texts.contains("∂price/∂apple = n = 2") && !texts.contains("= 2.2"))
    }

    @Test func elementwiseFunctionsShowTheirRuleAndValue() throws {
        // y = exp(a), a = x²: ∂y/∂a = exp(a) = y = e^0.25, ∂a/∂x = 2·x = 1 at x = 0.5.
        let texts = try texts(try Fixtures.script("x = 0.5\na = square(x)\ny = exp(a)"))
        let e = Foundation.exp(0.25)
        #expect(texts.contains("∂a/∂x = 2·x = 1"), "\(texts)")
        #expect(texts.contains("∂y/∂a = exp(a) = y = " + NumberFormat.figure.string(e)), "\(texts)")
        // Sigmoid: y·(1 − y) at x = 0.5.
        let s = 1 / (1 + Foundation.exp(-0.5))
        let sig = try self.texts(try Fixtures.script("x = 0.5\ny = sigmoid(x)"))
        #expect(sig.contains("∂y/∂x = y·(1 − y) = " + NumberFormat.figure.string(s * (1 - s))), "\(sig)")
    }

    @Test func matrixProductBroadcastAndTensorRules() throws {
        let texts = try texts(try Fixtures.affine())
        // A = X @ W: rules that act on the upstream gradient say what they give.
        #expect(texts.contains("∂L/∂X = ∂L/∂A · Wᵀ"), "\(texts)")
        #expect(texts.contains("∂L/∂W = Xᵀ · ∂L/∂A"), "\(texts)")
        // Y = A + b, b broadcast over the rows: ∂Y/∂b = 1 beside the sum over axis 0.
        #expect(texts.contains("∂Y/∂b = 1"), "\(texts)")
        #expect(texts.contains("∂Y/∂A = 1"))
        #expect(texts.contains("(broadcast) Σ axis 0"))
        // L = sum(Y): 1 for every element.
        #expect(texts.contains("∂L/∂Y = 1"))
    }

    @Test func elementwiseTensorRuleWithoutOneNumber() throws {
        let texts = try texts(try Fixtures.bigMatrix())
        // S = square(M): 2·M differs per element, so only the rule is written.
        #expect(texts.contains("∂S/∂M = 2·M"), "\(texts)")
    }

    @Test func softmaxAndCrossEntropy() throws {
        let decomposed = try texts(try Fixtures.script("z = [0.3, 2.9, 4]\ndata t = [0, 0, 1]\ny = softmax(z)\nL = cross_entropy(y, t)"))
        #expect(decomposed.contains("∂y/∂z = J = diag(y) − y·yᵀ"), "\(decomposed)")
        #expect(decomposed.contains("∂L/∂y = −t/(y + 1e−7)/N"), "\(decomposed)")
        // No caption into the target (no gradient flows there).
        #expect(!decomposed.contains("∂L/∂t"))
        let fused = try texts(try Fixtures.script("z = [[0.3, 2.9, 4], [1, -1, 0.5]]\ndata t = [2, 0]\nL = softmax_cross_entropy(z, t)"))
        #expect(fused.contains("∂L/∂z = (softmax(z) − t)/N"), "\(fused)")
        // clip: the rule says where the gradient stops.
        let clipped = try texts(try Fixtures.script("p = [0, 0.5, 1]\nc = clip(p, 0.1, 0.9)\nL = sum(c)"))
        #expect(clipped.contains("∂c/∂p = 1 where 0.1 ≤ p ≤ 0.9, else 0"), "\(clipped)")
    }
}
