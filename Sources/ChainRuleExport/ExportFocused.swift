import ChainRule
import ChainRuleLessons
import ChainRuleRender

// Focused frames for graphs too big to read on a slide (issue 11).
//
// A step frame of a big network shows the whole figure with a few nodes
// highlighted: projected at slide size, its labels are specks. When a
// graph's whole figure reads below 10 px on a 1280 × 720 slide
// (`Legibility`, after slide fitting), every step that highlights nodes is
// also written as a *focused frame*: the highlighted nodes and everything
// one edge away (as `chainrule draw --focus NAME` draws it: the rest elided
// into `… N more inputs` stubs), with the step's values, gradients and
// highlights. They go to the lesson's `focus/` folder under the step
// frame's own name (`focus/17-backward-h1.svg`). The slideshow keeps the
// whole figure (it pans and zooms to the step); the focused frames are the
// files to put on a slide.

extension LessonExport {
    /// The smallest whole-figure legibility (CSS px at 1280 × 720) that needs no focused frames.
    static let focusThreshold = 10.0

    /// Whether section `index`'s figure reads below `focusThreshold` on a slide (decided once per section).
    func needsFocusedFrames(_ index: Int, _ layout: FigureLayout) -> Bool {
        if let known = focusDecisions[index] { return known }
        let needed = layout.slidePixels < Self.focusThreshold
        focusDecisions[index] = needed
        return needed
    }

    /// Writes the focused frame of `step` (named `name`) when its graph is too
    /// big to read whole; steps that highlight no node have none.
    func writeFocusedFrame(_ step: LessonStep, section index: Int, layout: FigureLayout,
                           frame: FigureFrame, name: String) throws(ExportError) {
        guard needsFocusedFrames(index, layout), !frame.highlightedNodes.isEmpty else { return }
        let figure = layout.figure
        let focus = FigureFocus(figure, centers: frame.highlightedNodes.sorted(), radius: 1)
        for format in options.frameFormats {
            renders += 1
            let bytes: [UInt8]
            do { bytes = try figure.renderFocused(focus, frame: frame, format: format) } catch {
                throw fail("the focused frame of step \(step.number)", error)
            }
            try write(bytes, "focus/" + name + "." + format.rawValue, format)
            focusedFrames += 1
        }
    }
}
