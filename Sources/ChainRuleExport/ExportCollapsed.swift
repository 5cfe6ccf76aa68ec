import ChainRule
import ChainRuleRender

extension LessonExport {
    /// With `ExportOptions.collapse`: per graph with groups (its own
    /// `group` blocks, or neurons inferred by `Graph.inferredGroups()`), the finished pass with every
    /// neuron or layer folded into one box (`collapsed.svg`, `collapsed-2.pdf` …),
    /// linked from the slideshow and shown as its last slide. A big network
    /// then has one frame that reads whole on a slide.
    func collapsedFigures(links: inout [Slideshow.Link]) throws(ExportError) -> [Slideshow.Slide] {
        guard let level = options.collapse else { return [] }
        var slides: [Slideshow.Slide] = []
        for index in lesson.sections.indices {
            let backward = lesson.sections[index].backward
            let groups = lesson.sections[index].figureGroups
            guard !groups.isEmpty else { continue }
            let figure: Figure
            do {
                figure = try Figure(backward, options: FigureOptions(theme: options.theme, groups: groups, collapse: level))
            } catch {
                throw fail("the collapsed figure of graph \(index + 1)", error)
            }
            let suffix = lesson.sections.count == 1 ? "" : "-\(index + 1)"
            var svg: [UInt8] = []
            for format in Set(options.figureFormats + [.svg]).sorted(by: { $0.rawValue > $1.rawValue }) {
                renders += 1
                let bytes: [UInt8]
                do { bytes = try figure.render(format: format) } catch { throw fail("the collapsed figure", error) }
                if format == .svg { svg = bytes }
                if options.figureFormats.contains(format) { try write(bytes, "collapsed\(suffix).\(format.rawValue)", format) }
            }
            let preferred = options.figureFormats.contains(.pdf) ? "pdf" : options.figureFormats.first!.rawValue
            let n = lesson.sections.count == 1 ? "" : " \(index + 1)"
            links.append(Slideshow.Link(label: "Collapsed\(n)", href: "collapsed\(suffix).\(preferred)"))
            let what = level == .neurons ? "each neuron" : "each layer"
            let label = "\(lesson.title): the finished pass with \(what) folded into one box"
            slides.append(Slideshow.Slide(
                pass: "overview", kicker: "Overview", heading: "The whole network, \(what) folded",
                equations: [],
                prose: "Each box is one \(level == .neurons ? "neuron" : "layer"): a row per input with its value, the share of its gradient that flows back through the box (∂) and the weight it is multiplied by; then the bias and the output, each with its value and gradient.",
                notes: [], figure: ExportSVG.inline(svg, idPrefix: "\(lesson.id)-collapsed\(suffix)-", label: label),
                figureLabel: label, shortName: "overview"))
        }
        return slides
    }
}
