import Foundation
import Testing
@testable import ChainRuleLessons

/// The training log and the loss curve use the figures' number format
/// (`NumberFormat`, issue 12.4): 4 significant digits, the Unicode minus,
/// `NaN` and `∞` as in every figure, percentages with one decimal.
@Suite struct TrainingLogFormatTests {
    @Test func logLinesUseTheSharedFormat() {
        let line = TrainingReport(iteration: 100, epoch: 0.533333, loss: 0.273111, trainAccuracy: 0.92149, testAccuracy: 1).line
        #expect(line == "iteration   100  epoch 0.5333  loss 0.2731  train accuracy  92.1 %  test accuracy   100 %", "\(line)")
        let diverged = TrainingReport(iteration: 5, epoch: 12.5, loss: .nan, trainAccuracy: 0, testAccuracy: 0.1).line
        #expect(diverged.contains("loss    NaN") && diverged.contains("epoch   12.5"), "\(diverged)")
        #expect(diverged.contains("train accuracy     0 %") && diverged.contains("test accuracy    10 %"), "\(diverged)")
        #expect(!TrainingReport(iteration: 1, epoch: 1, loss: -0.5, trainAccuracy: 0.5, testAccuracy: 0.5).line.contains("-"))
    }

    @Test func curveLabelsUseTheSharedFormat() {
        let reports = [TrainingReport(iteration: 1, epoch: 0.1, loss: 2.3, trainAccuracy: 0.1, testAccuracy: 0.12),
                       TrainingReport(iteration: 2, epoch: 0.2, loss: 0.0001234, trainAccuracy: 0.9, testAccuracy: 0.915)]
        let svg = TrainingCurve.svg(losses: [2.3, 0.0001234], reports: reports, title: "t", credit: "c")
        #expect(svg.contains("test accuracy 91.5 %"))
        // Axis labels: no ASCII hyphen-minus before a digit, no e-notation with '-'.
        #expect(svg.range(of: #">-\d"#, options: .regularExpression) == nil)
        #expect(svg.range(of: #"\de-\d"#, options: .regularExpression) == nil)
    }
}
