import Foundation

// A long, low figure (a chain of 24 operations, the two-layer net) printed one
// piece per page wastes most of each page and many sheets of paper. Instead it
// is cut between nodes into strips the width of a portrait page, and the
// strips are stacked down the page like lines of text, as many as fit. Each
// strip is rendered by Graphviz as its own one-strip PDF, and `PDFPages`
// draws the strips (as form XObjects) onto a page that Graphviz drew with the
// header and legend.

extension WorksheetPage.Plan {
    /// The figure cut into strips and stacked on portrait pages, with the
    /// scale: the fewest pages, then the largest scale, then the fewest
    /// strips, from `wanted` up to 5 % less (`rowSlack`, to save a strip) or
    /// larger (up to `maximumScale`, to fill the pages). Nil when a strip
    /// would be taller than a page or the figure fits one strip.
    func stacks(scale wanted: Double, nodes: [WorksheetPage.Span]) -> (pages: [[WorksheetPage.Tile]], scale: Double)? {
        var best: (pages: [[WorksheetPage.Tile]], scale: Double)?
        let larger = [1.5, 1.35, 1.2, 1.1].map { wanted * $0 }.filter { $0 <= WorksheetPage.maximumScale }
        for scale in [wanted, wanted * Self.rowSlack] + larger {
            guard let strips = strips(scale: scale, nodes: nodes) else { continue }
            let pages = stack(strips, scale: scale)
            let better = best.map { old in
                (pages.count, -scale, strips.count) < (old.pages.count, -old.scale, old.pages.joined().count)
            } ?? true
            if better { best = (pages, scale) }
        }
        // Fewest pages first: a larger scale never adds a page to `wanted`'s, a candidate too.
        return best
    }

    /// Strips of a portrait page's width at `scale`, then made even: as
    /// narrow as they can be for the same number of strips, so that the last
    /// is not a stub (the output node alone).
    func strips(scale: Double, nodes: [WorksheetPage.Span]) -> [WorksheetPage.Tile]? {
        let area = Self.area(paper, landscape: false, text)
        var strips = layoutTiles(scale: scale, area: area, nodes: nodes, oneRow: true)
        guard strips.count > 1 else { return nil }
        let even = (figure.x1 - figure.x0) / Double(strips.count) * scale
        for slack in [1.03, 1.08, 1.15, 1.25] where even * slack < area.width {
            let narrower = layoutTiles(scale: scale, area: (even * slack, area.height), nodes: nodes, oneRow: true)
            if narrower.count == strips.count { strips = narrower; break }
        }
        guard strips.allSatisfy({ ($0.top - ($0.bottom ?? figure.y0)) * scale <= area.height }) else { return nil }
        return strips
    }

    /// Strips stacked down pages, as many on each as fit.
    func stack(_ strips: [WorksheetPage.Tile], scale: Double) -> [[WorksheetPage.Tile]] {
        let height = Self.area(paper, landscape: false, text).height
        var pages: [[WorksheetPage.Tile]] = []
        var used = 0.0
        for strip in strips {
            let h = (strip.top - (strip.bottom ?? figure.y0)) * scale
            if !pages.isEmpty, used + WorksheetPage.stripGap + h <= height {
                pages[pages.count - 1].append(strip)
                used += WorksheetPage.stripGap + h
            } else {
                pages.append([strip])
                used = h
            }
        }
        return pages
    }
}

extension WorksheetPage {
    /// The PDF of stacked strips: per page, Graphviz draws the header and
    /// legend, and each strip on its own; `PDFPages` puts them together.
    func renderStacked(_ stacks: [[Tile]], figureDOT: String, answerKey: Bool) throws -> [UInt8] {
        let paperSize = paper.points
        let m = Self.margin, areaWidth = paperSize.width - 2 * m
        let headerHeight = text.headerHeight(areaWidth)
        let figureBox = Self.box(sheet.geometry.boundingBox)
        var pages: [PDFPages.Page] = []
        for (k, strips) in stacks.enumerated() {
            let host = try Graphviz.render(dot: composeHost(page: k + 1, of: stacks.count, answerKey: answerKey),
                                           engine: .nop2, format: .pdf)
            var forms: [PDFPages.Form] = []
            var y = paperSize.height - m - headerHeight - Self.gap
            for strip in strips {
                let height = (strip.top - (strip.bottom ?? figureBox.y0)) * scale
                let pdf = try Graphviz.render(dot: composeStrip(figureDOT, strip), engine: .nop2, format: .pdf)
                y -= height
                forms.append(PDFPages.Form(document: pdf, x: m, y: y))
                y -= Self.stripGap
            }
            pages.append(PDFPages.Page(document: host, forms: forms))
        }
        let name = (answerKey ? "Answer key: " : "Worksheet: ") + title
        return try PDFPages.join(pages, title: name)
    }

    /// One strip of the figure alone: the region from its left edge to its
    /// cut, from its top to the figure's bottom, on a page of exactly that
    /// size; masks hide what belongs to the strips beside it.
    func composeStrip(_ figureDOT: String, _ strip: Tile) -> String {
        let s = scale
        let figureBox = Self.box(sheet.geometry.boundingBox)
        let right = strip.cut ?? figureBox.x1, bottom = strip.bottom ?? figureBox.y0
        let width = right - strip.left, height = strip.top - bottom
        // Far past the strip on every side that has figure content.
        let far = 72 / s
        var masks: [(Double, Double, Double, Double)] = [
            (strip.left - far, bottom - far, strip.left, strip.top + far),
            (right, bottom - far, right + far, strip.top + far),
            (strip.left - far, strip.top, right + far, strip.top + far),
            (strip.left - far, bottom - far, right + far, bottom),
        ]
        if strip.cut == nil { masks.remove(at: 1) }
        var lines = masks.enumerated().map { maskNode($0.offset, $0.element) }
        lines.append("  graph [pad=\"0\", margin=\"0\", notranslate=\"true\", viewport=\"\(number(width * s)),\(number(height * s)),"
                     + "\(number(s)),\(number(strip.left + width / 2)),\(number(bottom + height / 2))\"];")
        guard let end = figureDOT.range(of: "}", options: .backwards) else { return figureDOT }
        return String(figureDOT[..<end.lowerBound]) + lines.joined(separator: "\n") + "\n}\n"
    }

    /// A portrait page with the header and legend only (paper points).
    func composeHost(page: Int, of pages: Int, answerKey: Bool) -> String {
        let paperSize = paper.points
        let m = Self.margin, areaWidth = paperSize.width - 2 * m
        let theme = sheet.figure.options.theme
        let header = text.header(width: areaWidth, answerKey: answerKey, page: page, of: pages, theme: theme, unit: 1)
        let legend = text.legend(width: areaWidth, theme: theme, unit: 1)
        let headerHeight = text.headerHeight(areaWidth), legendHeight = text.legendHeight(areaWidth)
        return """
            digraph "worksheet" {
              bgcolor="\(theme.background)";
              fontname="\(theme.fontName)";
              node [fontname="\(theme.fontName)", fontcolor="\(theme.text)"];
            \(node("worksheet-header", header, at: (m + areaWidth / 2, paperSize.height - m - headerHeight / 2)))
            \(node("worksheet-legend", legend, at: (m + areaWidth / 2, m + legendHeight / 2)))
              graph [pad="0", margin="0", notranslate="true", viewport="\(number(paperSize.width)),\(number(paperSize.height)),1,\(number(paperSize.width / 2)),\(number(paperSize.height / 2))"];
            }

            """
    }
}
