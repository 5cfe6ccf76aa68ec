import ChainRule
import Foundation

/// A worksheet a teacher can print: on A4 or Letter, a title, a
/// `Name ____ Date ____` line, one line of instructions, the figure with its
/// gradients as answer boxes, scaled to the page, and a legend of the
/// figure's conventions. `answerKey` renders the same pages with the
/// answers in the boxes.
///
/// ```swift
/// let sheet = try WorksheetPage(pass, title: "Apples", paper: .a4)
/// let pdf = try sheet.render(format: .pdf)            // sheet.pageCount pages
/// let key = try sheet.render(answerKey: true, format: .pdf)
/// ```
///
/// Every answer box has one size, at least 15 × 8 mm on paper and wide
/// enough for the widest answer of the sheet, so no box hints at its
/// answer. A vector or matrix with an axis longer than 3 asks for its
/// highlighted top-left 2 × 2 block (`AnswerBoxes`). The figure fills the
/// page, up to `maximumScale`; a figure that would print smaller than
/// `minimumScale` (labels under 9 pt) is drawn at that scale over several
/// pages, each with the header and legend, cut between nodes. A long, low figure is cut into strips stacked down portrait pages
/// like lines of text, when that takes fewer pages (`WorksheetStrips.swift`).
/// A wide figure is drawn landscape on the portrait page (the PDF page is
/// marked `/Rotate 90`, so viewers show it upright).
///
/// The page is one Graphviz graph: the worksheet figure pinned to its own
/// layout (`nop2`), with the header and legend as HTML-label nodes placed
/// around it, and Graphviz's `viewport` cutting out each page.
public struct WorksheetPage: Sendable {
    /// The title printed at the top (the lesson's or the graph's).
    public let title: String
    /// The paper.
    public let paper: PaperSize
    /// The worksheet figure (blank boxes), laid out with its boxes.
    public let sheet: FigureLayout
    /// The same layout with the answers in the boxes.
    public let answers: FigureLayout
    /// The pinned DOT of `sheet` and of `answers` (every page is composed around one of them).
    let sheetDOT: String
    let answersDOT: String
    /// Paper points per point of the figure.
    public let scale: Double
    /// Whether the sheet is drawn landscape (rotated on the portrait page).
    public let landscape: Bool
    /// The pages: the figure's region each one shows (figure points).
    let tiles: [Tile]
    /// The header and legend text.
    let text: SheetText
    /// A long, low figure is cut into strips stacked on portrait pages: the
    /// strips of each page (nil: one tile per page, as `tiles`).
    let stacks: [[Tile]]?

    /// Labels print at 7.8 pt or more (13 pt labels × 0.6).
    public static let minimumScale = 0.6
    /// Small figures grow to fill the page up to this.
    public static let maximumScale = 1.5
    /// The smallest answer box on paper: 15 × 8 mm, in points.
    public static let minimumBox = (width: 43.0, height: 23.0)
    /// Page margin (points on paper).
    static let margin = 24.0
    /// Space between header, figure and legend (points on paper).
    static let gap = 10.0

    struct Tile: Sendable {
        /// The figure region shown: left and top edges (figure points).
        var left: Double
        var top: Double
        /// Where a later page takes over (content right of it is masked), if any.
        var cut: Double?
        /// The lowest point of what the region shows (a strip stacked on a page ends there).
        var bottom: Double? = nil
    }

    /// The number of pages of the PDF.
    public var pageCount: Int { stacks?.count ?? tiles.count }
    /// Space between strips stacked on one page (points on paper).
    static let stripGap = 18.0

    /// Lays out the worksheet of `backward` (drawn with `options`, whose
    /// `worksheet` and `legend` are set here) for `paper`.
    public init(_ backward: Backward, options: FigureOptions = FigureOptions(), title: String, paper: PaperSize) throws {
        var options = options
        options.worksheet = true
        options.legend = false
        options.collapse = nil
        // Fitted to the page here, not to a slide (a slide fit stands vectors up as columns: taller).
        options.fitToSlide = false
        // A tensor larger than 3 × 3 shows (and asks for) its top-left 2 × 2, then ⋯ and ⋮.
        options.tensors = .compact
        options.maxMatrixRows = AnswerBoxes.largestAskedWhole
        options.maxMatrixColumns = AnswerBoxes.largestAskedWhole
        let first = try Figure(backward, options: options)
        let widest = first.widestWorksheetAnswer() + 10
        self.title = title
        self.paper = paper
        self.text = SheetText(first, title: title)
        let fitted = try Self.fitBoxes(first, options: options, widest: widest, paper: paper, text: text)
        let layout = fitted.layout, plan = fitted.plan, boxScale = fitted.boxScale
        self.sheet = layout
        self.answers = try layout.answerKey()
        self.sheetDOT = layout.dot(.complete)
        self.answersDOT = answers.dot(.complete)
        if plan.fit >= boxScale * 0.995 || plan.fit >= Self.minimumScale {
            self.scale = min(plan.fit, Self.maximumScale)
            self.landscape = plan.landscape
            self.tiles = [plan.singleTile(scale: scale)]
            self.stacks = nil
        } else {
            // Over several pages at the scale the boxes were made for: one
            // piece of the figure per page, or, for a long low figure when
            // that takes fewer pages, strips stacked down portrait pages.
            let nodes = Self.nodeSpans(layout.geometry)
            let pages = plan.tiles(scale: boxScale, nodes: nodes)
            if let stacked = plan.stacks(scale: boxScale, nodes: nodes), stacked.pages.count < pages.tiles.count {
                self.scale = stacked.scale
                self.landscape = false
                self.tiles = stacked.pages.flatMap { $0 }
                self.stacks = stacked.pages
            } else {
                self.scale = pages.scale
                self.landscape = pages.landscape
                self.tiles = pages.tiles
                self.stacks = nil
            }
        }
    }

    /// The worksheet figure laid out with answer boxes sized for the scale
    /// it will print at, which the figure's size (with those boxes) gives:
    /// start at full size and shrink until it fits (at most 5 tries).
    static func fitBoxes(_ first: Figure, options: FigureOptions, widest: Double, paper: PaperSize,
                         text: SheetText) throws -> (layout: FigureLayout, plan: Plan, boxScale: Double) {
        var options = options
        // A backward pass whose fused operations were expanded is already expanded.
        options.expandFused = false
        var boxScale = 1.0
        var attempt = 0
        while true {
            options.answerBoxes = AnswerBoxes(width: max(minimumBox.width / boxScale, widest),
                                              height: minimumBox.height / boxScale)
            let layout = try FigureLayout(try Figure(first.backward, options: options), firstFrame: false)  // drawn from its DOT
            let plan = Plan(figure: box(layout.geometry.boundingBox), paper: paper, text: text)
            attempt += 1
            if plan.fit >= boxScale * 0.995 || boxScale <= minimumScale || attempt == 5 { return (layout, plan, boxScale) }
            // Aim a little low: bigger boxes make the figure (a little) larger.
            boxScale = max(minimumScale, min(boxScale, plan.fit) * 0.93)
        }
    }

    /// `llx,lly,urx,ury` → a rectangle.
    static func box(_ bb: String) -> (x0: Double, y0: Double, x1: Double, y1: Double) {
        let v = bb.split(separator: ",").compactMap { Double($0) }
        guard v.count == 4 else { return (0, 0, 1, 1) }
        return (v[0], v[1], v[2], v[3])
    }

    /// The box of every node: left, right, top and bottom edges (figure
    /// points), sorted, so that the page cuts never depend on the
    /// dictionary's order (which differs between dictionaries with the same
    /// contents). An edge's value and answer box is a node of its own in the
    /// middle of the edge, so cuts between nodes never split a box.
    static func nodeSpans(_ geometry: GraphvizLayout) -> [Span] {
        geometry.nodes.values.compactMap { node -> Span? in
            let pos = node.pos.split(separator: ",").compactMap { Double($0) }
            guard pos.count == 2, let w = Double(node.width), let h = Double(node.height) else { return nil }
            return (pos[0] - w * 36, pos[0] + w * 36, pos[1] + h * 36, pos[1] - h * 36)
        }.sorted { ($0.left, $0.right, $0.top, $0.bottom) < ($1.left, $1.right, $1.top, $1.bottom) }
    }

    /// A box on the figure: left, right, top and bottom edges (figure points).
    typealias Span = (left: Double, right: Double, top: Double, bottom: Double)

    // MARK: - Rendering

    /// The worksheet (or, with `answerKey`, its answer key) as `format`:
    /// a PDF has `pageCount` pages; SVG and PNG show the whole sheet as one
    /// page (header, the whole figure, legend); `.dot` gives the first page's DOT.
    public func render(answerKey: Bool = false, format: GraphvizFormat = .pdf) throws -> [UInt8] {
        let layout = answerKey ? answers : sheet
        let figureDOT = answerKey ? answersDOT : sheetDOT
        switch format {
        case .pdf:
            if let stacks { return try renderStacked(stacks, figureDOT: figureDOT, answerKey: answerKey) }
            var pages: [[UInt8]] = []
            for (k, tile) in tiles.enumerated() {
                let dot = compose(figureDOT, tile: tile, page: k + 1, answerKey: answerKey, whole: false)
                pages.append(try Graphviz.render(dot: dot, engine: .nop2, format: .pdf))
            }
            let name = (answerKey ? "Answer key: " : "Worksheet: ") + title
            do {
                return try PDFPages.join(pages, rotate: landscape ? 90 : 0, title: name)
            } catch {
                // Not the cairo output this was written for: the first page as Graphviz drew it.
                return pages[0]
            }
        case .svg, .png:
            let whole = Plan(figure: Self.box(layout.geometry.boundingBox), paper: paper, text: text).wholeTile(scale: scale)
            var dot = compose(figureDOT, tile: whole.tile, page: 1, answerKey: answerKey, whole: true, size: whole.size)
            if format == .png { dot = dot.replacingOccurrences(of: "\n}\n", with: "\n  graph [dpi=\"150\"];\n}\n") }
            return try Graphviz.render(dot: dot, engine: .nop2, format: format)
        default:
            return Array(compose(figureDOT, tile: tiles[0], page: 1, answerKey: answerKey, whole: false).utf8)
        }
    }

    /// The worksheet (or its answer key) in each of `formats`, as
    /// `render(answerKey:format:)` gives them. SVG and a one-page PDF whose
    /// page differs from the SVG only in the view (`viewport`, and `rotate`
    /// for a landscape page) are drawn from one layout: the same bytes, with
    /// half the parsing and laying out.
    public func render(answerKey: Bool = false, formats: [GraphvizFormat]) throws -> [[UInt8]] {
        guard formats.contains(.svg), formats.contains(.pdf), let shared = sharedPage(answerKey: answerKey) else {
            return try formats.map { try render(answerKey: answerKey, format: $0) }
        }
        let drawn = try Graphviz.render(dot: shared.dot, engine: .nop2, renders: [
            (.svg, [("viewport", shared.svgViewport)]),
            (.pdf, [("viewport", shared.pdfViewport)] + (shared.rotated ? [("rotate", "90")] : [])),
        ])
        let name = (answerKey ? "Answer key: " : "Worksheet: ") + title
        let pdf = (try? PDFPages.join([drawn[1]], rotate: shared.rotated ? 90 : 0, title: name)) ?? drawn[1]
        var rendered: [GraphvizFormat: [UInt8]] = [.svg: drawn[0], .pdf: pdf]
        for format in formats where rendered[format] == nil { rendered[format] = try render(answerKey: answerKey, format: format) }
        return formats.map { rendered[$0]! }
    }

    /// The one page of the PDF as DOT, drawn upright, when the SVG's DOT
    /// differs from it only in its `viewport` and, for a landscape page, in
    /// `rotate` (the rest of a landscape page is the same when its width is the
    /// SVG's: a figure as wide as the page): that DOT, both views, and whether
    /// the PDF is rotated.
    func sharedPage(answerKey: Bool) -> (dot: String, svgViewport: String, pdfViewport: String, rotated: Bool)? {
        guard stacks == nil, tiles.count == 1 else { return nil }
        let layout = answerKey ? answers : sheet
        let figureDOT = answerKey ? answersDOT : sheetDOT
        let whole = Plan(figure: Self.box(layout.geometry.boundingBox), paper: paper, text: text).wholeTile(scale: scale)
        guard let svg = composePage(figureDOT, tile: whole.tile, page: 1, answerKey: answerKey, whole: true, size: whole.size),
              let pdf = composePage(figureDOT, tile: tiles[0], page: 1, answerKey: answerKey, whole: false),
              !svg.rotated, svg.head == pdf.head else { return nil }
        let upright = PageDOT(head: pdf.head, viewport: pdf.viewport, rotated: false)
        return (upright.text, svg.viewport, pdf.viewport, pdf.rotated)
    }

    /// A composed page's DOT in two parts: everything but the line of graph
    /// attributes (`head`: the figure, masks, header and legend), and the
    /// attributes that only place the page when it is drawn.
    struct PageDOT {
        var head: String
        /// The `viewport` attribute's value.
        var viewport: String
        /// Whether the page is drawn landscape (`rotate=90`).
        var rotated: Bool

        /// The whole DOT.
        var text: String {
            head + "  graph [pad=\"0\", margin=\"0\", notranslate=\"true\", viewport=\"\(viewport)\""
                + (rotated ? ", rotate=\"90\"" : "") + "];\n}\n"
        }
    }

    /// The figure's pinned DOT with the page around it: header and legend
    /// nodes, a mask right of a cut, and the viewport of this page.
    func compose(_ figureDOT: String, tile: Tile, page: Int, answerKey: Bool, whole: Bool,
                 size: (width: Double, height: Double)? = nil) -> String {
        composePage(figureDOT, tile: tile, page: page, answerKey: answerKey, whole: whole, size: size)?.text ?? figureDOT
    }

    /// `compose` in its two parts (nil when `figureDOT` has no closing brace).
    func composePage(_ figureDOT: String, tile: Tile, page: Int, answerKey: Bool, whole: Bool,
                     size: (width: Double, height: Double)? = nil) -> PageDOT? {
        let s = scale
        let paperSize = size ?? Plan.paperSize(paper, landscape: whole ? false : landscape)
        let m = Self.margin, gap = Self.gap
        let areaWidth = paperSize.width - 2 * m
        let theme = sheet.figure.options.theme
        let header = text.header(width: areaWidth, answerKey: answerKey, page: page, of: whole ? 1 : tiles.count,
                                 theme: theme, unit: 1 / s)
        let legend = text.legend(width: areaWidth, theme: theme, unit: 1 / s)
        let left = tile.left - m / s
        let headerHeight = text.headerHeight(areaWidth), legendHeight = text.legendHeight(areaWidth)
        let top = tile.top + (gap + headerHeight + m) / s
        let width = paperSize.width / s
        let height = paperSize.height / s
        let figureBox = Self.box(sheet.geometry.boundingBox)
        var lines: [String] = []
        // Masks over what belongs to other pages (drawn over the figure, under the header and legend).
        let areaTop = tile.top, areaBottom = top - height + (m + legendHeight + gap) / s
        let right = tile.cut ?? (left + width)
        var masks: [(Double, Double, Double, Double)] = []
        if !whole && tiles.count > 1 {
            if tile.cut != nil { masks.append((right, top - height, left + width, top)) }
            if tile.left > figureBox.x0 + 1 { masks.append((left, top - height, tile.left, top)) }
            if areaTop < figureBox.y1 - 1 { masks.append((left, areaTop, left + width, top)) }
            if areaBottom > figureBox.y0 + 1 { masks.append((left, top - height, left + width, areaBottom)) }
        }
        // A mask that reaches a page edge runs past it (Graphviz's viewport can
        // show a sliver beyond the page, where figure content would peek out).
        let bleed = 12 / s
        for (k, mask) in masks.enumerated() {
            let x0 = mask.0 <= left ? mask.0 - bleed : mask.0, y0 = mask.1 <= top - height ? mask.1 - bleed : mask.1
            let x1 = mask.2 >= left + width ? mask.2 + bleed : mask.2, y1 = mask.3 >= top ? mask.3 + bleed : mask.3
            lines.append(maskNode(k, (x0, y0, x1, y1)))
        }
        let headerCenter = (tile.left + areaWidth / s / 2, tile.top + (gap + headerHeight / 2) / s)
        lines.append(node("worksheet-header", header, at: headerCenter))
        // The legend under the figure (at the foot of the page when the figure is cut).
        let foot = top - height + (m + legendHeight) / s
        let legendTop = tiles.count > 1 && !whole ? foot : max(figureBox.y0 - gap / s, foot)
        lines.append(node("worksheet-legend", legend, at: (tile.left + areaWidth / s / 2, legendTop - legendHeight / s / 2)))
        let viewport = "\(number(paperSize.width)),\(number(paperSize.height)),\(number(s)),\(number(left + width / 2)),\(number(top - height / 2))"
        guard let end = figureDOT.utf8.lastIndex(of: UInt8(ascii: "}")) else { return nil }
        return PageDOT(head: String(figureDOT[..<end]) + lines.joined(separator: "\n") + "\n",
                       viewport: viewport, rotated: landscape && !whole)
    }

    /// A box in the page's background colour over `rect` (x0, y0, x1, y1; figure points).
    func maskNode(_ k: Int, _ rect: (Double, Double, Double, Double)) -> String {
        let (x0, y0, x1, y1) = rect
        let theme = sheet.figure.options.theme
        return "  \"worksheet-mask-\(k)\" [shape=box, style=filled, color=\"\(theme.background)\", fillcolor=\"\(theme.background)\", "
            + "fixedsize=true, label=\"\", width=\"\(inches(x1 - x0))\", height=\"\(inches(y1 - y0))\", "
            + "pos=\"\(number((x0 + x1) / 2)),\(number((y0 + y1) / 2))\", id=\"worksheet-mask-\(k)\"];"
    }

    func node(_ id: String, _ html: String, at center: (Double, Double)) -> String {
        "  \"\(id)\" [shape=plain, id=\"\(id)\", class=\"\(id)\", label=<\(html)>, pos=\"\(number(center.0)),\(number(center.1))\"];"
    }

    func number(_ x: Double) -> String { String(format: "%.2f", x) }
    func inches(_ points: Double) -> String { String(format: "%.4f", points / 72) }
}

extension WorksheetPage {
    /// Where the figure goes on the page, for one paper and both orientations.
    struct Plan {
        let figure: (x0: Double, y0: Double, x1: Double, y1: Double)
        let paper: PaperSize
        let text: SheetText
        /// The best scale on one page, and whether that page is landscape.
        let fit: Double
        let landscape: Bool

        init(figure: (x0: Double, y0: Double, x1: Double, y1: Double), paper: PaperSize, text: SheetText) {
            self.figure = figure
            self.paper = paper
            self.text = text
            let portrait = Self.fit(figure, Self.area(paper, landscape: false, text))
            let wide = Self.fit(figure, Self.area(paper, landscape: true, text))
            // Portrait (room below to work) unless the figure would print
            // smaller than full size and landscape prints it clearly larger.
            landscape = portrait < 0.95 && wide > portrait * 1.1
            fit = landscape ? wide : portrait
        }

        static func paperSize(_ paper: PaperSize, landscape: Bool) -> (width: Double, height: Double) {
            landscape ? (paper.points.height, paper.points.width) : paper.points
        }

        /// The figure's area on a page (paper points).
        static func area(_ paper: PaperSize, landscape: Bool, _ text: SheetText) -> (width: Double, height: Double) {
            let p = paperSize(paper, landscape: landscape)
            let w = p.width - 2 * margin
            return (w, p.height - 2 * margin - text.headerHeight(w) - text.legendHeight(w) - 2 * gap)
        }

        static func fit(_ f: (x0: Double, y0: Double, x1: Double, y1: Double), _ area: (width: Double, height: Double)) -> Double {
            min(area.width / max(1, f.x1 - f.x0), area.height / max(1, f.y1 - f.y0))
        }

        /// One page: the figure centred across it, at its top.
        func singleTile(scale: Double) -> Tile {
            let area = Self.area(paper, landscape: landscape, text)
            let spare = area.width / scale - (figure.x1 - figure.x0)
            return Tile(left: figure.x0 - spare / 2, top: figure.y1, cut: nil)
        }

        /// The whole sheet on one page of the paper's width (or wider): SVG and PNG.
        func wholeTile(scale: Double) -> (tile: Tile, size: (width: Double, height: Double)) {
            let p = paper.points
            let w = max(p.width, (figure.x1 - figure.x0) * scale + 2 * margin)
            let h = (figure.y1 - figure.y0) * scale + 2 * margin + text.headerHeight(w - 2 * margin) + text.legendHeight(w - 2 * margin) + 2 * gap
            let spare = (w - 2 * margin) / scale - (figure.x1 - figure.x0)
            return (Tile(left: figure.x0 - spare / 2, top: figure.y1, cut: nil), (w, max(h, 0)))
        }

        /// Pages at `scale`, in the orientation that needs fewer: columns cut
        /// between nodes where possible, rows (a tall figure) top to bottom.
        /// A figure a little too tall for one row of pages is drawn a little
        /// smaller (by up to `rowSlack`) rather than on twice the pages.
        static let rowSlack = 0.95

        func tiles(scale wanted: Double, nodes: [Span]) -> (tiles: [Tile], landscape: Bool, scale: Double) {
            var best: [Tile] = []
            var bestLandscape = false
            var bestScale = wanted
            for landscape in [true, false] {
                let area = Self.area(paper, landscape: landscape, text)
                let oneRow = area.height / max(1, figure.y1 - figure.y0)
                var scale = oneRow < wanted && oneRow >= wanted * Self.rowSlack ? oneRow : wanted
                // The pages this takes, filled: grow the figure while it still fits them.
                let pages = layoutTiles(scale: scale, area: area, nodes: nodes).count
                var larger = min(1.0, oneRow, Double(pages) * area.width / max(1, figure.x1 - figure.x0))
                while larger > scale * 1.02 {
                    if layoutTiles(scale: larger, area: area, nodes: nodes).count <= pages { scale = larger; break }
                    larger *= 0.95
                }
                let tiles = layoutTiles(scale: scale, area: area, nodes: nodes)
                if best.isEmpty || tiles.count < best.count {
                    best = tiles
                    bestLandscape = landscape
                    bestScale = scale
                }
            }
            return (best, bestLandscape, bestScale)
        }

        /// Pages of `area` showing the figure at `scale`: columns cut between
        /// nodes where possible, rows top to bottom.
        func layoutTiles(scale: Double, area: (width: Double, height: Double),
                         nodes: [Span], oneRow: Bool = false) -> [Tile] {
            let w = area.width / scale, h = area.height / scale
            var columns: [(left: Double, cut: Double?)] = []
            var start = figure.x0
            while true {
                var end = start + w
                if end >= figure.x1 { columns.append((start, nil)); break }
                // Move the cut left out of any node it would split (not past half a page).
                // Each round moves to the leftmost edge of the nodes the cut splits,
                // so the result does not depend on the order of `nodes`.
                var rounds = 0
                while rounds < 1000 {
                    rounds += 1
                    let split = nodes.lazy.filter { $0.left < end && end < $0.right && $0.left - 4 > start + w / 2 }
                    guard let leftmost = split.map(\.left).min() else { break }
                    end = leftmost - 4
                }
                columns.append((start, end))
                start = end
                if columns.count > 200 { break }
            }
            var tiles: [Tile] = []
            // One row of pages (or of stacked strips), each as tall as what it shows.
            let rows = oneRow ? 1 : max(1, Int(((figure.y1 - figure.y0) / h).rounded(.up)))
            for row in 0..<min(rows, 20) {
                for column in columns {
                    // One row of pages: each page starts at the top of what it shows.
                    let right = column.cut ?? figure.x1
                    let shown = nodes.filter { $0.right > column.left && $0.left < right }
                    let top = rows == 1 ? min(figure.y1, (shown.map(\.top).max() ?? figure.y1) + 4) : figure.y1 - Double(row) * h
                    let bottom = max(figure.y0, (shown.map(\.bottom).min() ?? figure.y0) - 4)
                    tiles.append(Tile(left: column.left, top: top, cut: column.cut, bottom: bottom))
                }
            }
            return tiles
        }
    }
}
