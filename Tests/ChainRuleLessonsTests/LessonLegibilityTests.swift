import ChainRule
import ChainRuleLessons
import ChainRuleRender
import Foundation
import Testing

/// Every shipped lesson's whole backward figure reads on a slide: the median
/// label is at least 10 CSS px when the SVG is fitted to 1280 × 720 (never
/// enlarged, 1 pt = 4/3 px). The sizes come from the deterministic layout,
/// so this is a geometry check, not a timing.
@Suite struct LessonLegibilityTests {
    static let ids = LessonLibrary(directory: packageRoot.appendingPathComponent("Lessons").path).entries().map(\.id)

    @Test func everyLessonIsMeasured() {
        #expect(Self.ids.count >= 16)
    }

    @Test(arguments: ids)
    func wholeBackwardFigureReadsOnASlide(_ id: String) throws {
        let lesson = try shippedLesson(id)
        for (i, section) in lesson.sections.enumerated() {
            let layout = try FigureLayout(try Figure(section.backward))
            let legibility = Legibility(svg: try layout.svg())
            let px = legibility.medianLabelPixels()
            #expect(px >= Figure.slideLegibility,
                    "\(id) graph \(i + 1): \(Int(legibility.width)) × \(Int(legibility.height)) pt reads at \(px) px")
        }
    }

    /// The two-layer net needs the fitting (it reads at 6.6 px laid out as is):
    /// large tensors become heatmaps, the rest of the labels stay numbers.
    @Test func twoLayerNetIsFittedWithHeatmaps() throws {
        let lesson = try shippedLesson("two-layer-net")
        let figure = try Figure(lesson.sections[0].backward)
        var unfitted = figure.options
        unfitted.fitToSlide = false
        let plain = Legibility(svg: try FigureLayout(try Figure(lesson.sections[0].backward, options: unfitted)).svg())
        #expect(plain.medianLabelPixels() < Figure.slideLegibility)
        let layout = try FigureLayout(figure)
        #expect(layout.figure.options.slideFit != nil)
        let svg = try layout.svg()
        #expect(Legibility(svg: svg).medianLabelPixels() >= Figure.slideLegibility)
        #expect(svg.contains("fill=\"#0072b2\"") || svg.contains("fill=\"#e69f00\""))  // heatmap cells at full colour
    }
}
