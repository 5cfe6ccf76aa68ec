import ChainRule

/// How a figure is tightened to read on a 1280 × 720 slide when its first
/// layout would not (`FigureOptions.fitToSlide`): columns closer together,
/// fan-out sums on two lines, large tensors as heatmaps (`--tensors auto`)
/// and, for a figure wider than 16:9, vectors drawn as columns.
package struct SlideFit: Sendable, Hashable {
    /// Vectors stand as columns (value above the rule, gradient below it).
    package var columnVectors: Bool
    /// Matrices of more entries than this are heatmaps too, not only those
    /// past `--max-entries` (the second tightening, tried when the first
    /// still reads below 10 px: a wide figure of 4 × 3 tables); nil: no.
    package var denseMatrixLimit: Int? = nil
    /// The `denseMatrixLimit` of the second tightening: a 2 × 3 table stays numbers.
    package static let denseEntries = 6
    /// Space between columns, in inches (0.22 without fitting).
    package static let rankSeparation = "0.12"
}

extension Figure {
    /// The median label height a figure must reach on a 1280 × 720 slide (CSS px).
    package static let slideLegibility = 10.0

    /// The same figure with `options.slideFit` set (no recomputation).
    init(_ figure: Figure, slideFit: SlideFit) {
        var options = figure.options
        options.slideFit = slideFit
        self.options = options
        backward = figure.backward
        mapping = figure.mapping
        edges = figure.edges
        groups = figure.groups
        consumers = figure.consumers
        records = figure.records
        sums = figure.sums
    }

    /// Whether a layout made with `tuning` may be tightened at all: fitting
    /// on, not fitted or collapsed already, and small enough to be laid out
    /// at `.quality`. When not, nobody needs to measure its legibility.
    func mayFitToSlide(tuning: LayoutTuning) -> Bool {
        options.fitToSlide && options.slideFit == nil && options.collapse == nil && tuning == .quality
    }

    /// The tightened figure to try when a layout of `width` × `height` points
    /// reads at `pixels` px, or nil: readable already, fitting off, or a
    /// figure too big for fitting to matter (not laid out at `.quality`).
    func slideFitCandidate(pixels: Double, width: Double, height: Double, tuning: LayoutTuning) -> Figure? {
        guard mayFitToSlide(tuning: tuning), pixels < Self.slideLegibility, width > 0, height > 0 else { return nil }
        let wide = width / height > 16.0 / 9.0
        let hasVectors = graph.nodes.contains { $0.shape.count == 1 && $0.kind != .constant }
        return Figure(self, slideFit: SlideFit(columnVectors: wide && hasVectors))
    }

    /// The second tightening of a figure already tightened once (`self`),
    /// or nil: the same, with matrices of more than `SlideFit.denseEntries`
    /// entries drawn as heatmaps — when some matrix is still drawn as numbers
    /// and the tensors are `auto` (an explicit `--tensors` is kept).
    func denserSlideFit() -> Figure? {
        guard let fit = options.slideFit, fit.denseMatrixLimit == nil, options.tensors == .auto else { return nil }
        let limit = SlideFit.denseEntries
        let shownAsNumbers = graph.nodes.contains { node in
            node.kind != .constant && node.shape.count == 2 && node.shape[0] * node.shape[1] > limit
                && node.shape[0] <= options.maxMatrixRows && node.shape[1] <= options.maxMatrixColumns
        }
        guard shownAsNumbers else { return nil }
        var denser = fit
        denser.denseMatrixLimit = limit
        return Figure(self, slideFit: denser)
    }

    /// Lays the figure out, tightened for a slide when that reads better:
    /// the figure drawn and its geometry. Deterministic (a function of the graph).
    /// At most three layouts, all at `.quality` (≤ 8 M of work each): as
    /// drawn, tightened, and tightened with dense heatmaps if still < 10 px.
    /// `text`: this figure's complete DOT with `tuning`, if already written.
    /// `pinned`: the layout that is kept (as far as it is known right after
    /// laying it out) also renders the finished pass pinned (`FrameCache.LayoutPass`).
    func fittedLayout(tuning: LayoutTuning, dot written: String? = nil,
                      pinned: Bool = false) throws(GraphvizError) -> (Figure, GraphvizLayout, FrameCache.LayoutPass?) {
        let text = written ?? dot(.complete, tuning: tuning)
        let fits = mayFitToSlide(tuning: tuning)
        var pixels = 0.0
        var tight: Figure?
        let first = try Graphviz.layoutAndPinnedSVG(dot: text) { layout in
            if fits {
                let legibility = Legibility(dot: text, layout: layout)
                pixels = legibility.medianLabelPixels()
                tight = slideFitCandidate(pixels: pixels, width: legibility.width, height: legibility.height, tuning: tuning)
            }
            return pinned && tight == nil  // drawn as laid out
        }
        let pass = first.svg.map { FrameCache.LayoutPass(svg: $0, dot: text) }
        guard fits, tight != nil else { return (self, first.layout, pass) }
        var best = (figure: self, layout: first.layout, pixels: pixels, pass: pass)
        var candidate = tight
        while let next = candidate {
            let nextText = next.dot(.complete, tuning: tuning)
            var nextPixels = 0.0
            var further: Figure?
            let laid = try Graphviz.layoutAndPinnedSVG(dot: nextText) { layout in
                nextPixels = Legibility(dot: nextText, layout: layout).medianLabelPixels()
                further = max(best.pixels, nextPixels) < Self.slideLegibility ? next.denserSlideFit() : nil
                return pinned && nextPixels > best.pixels && further == nil  // kept, unless a later one reads better
            }
            if nextPixels > best.pixels {
                best = (next, laid.layout, nextPixels, laid.svg.map { FrameCache.LayoutPass(svg: $0, dot: nextText) })
            }
            candidate = further
        }
        return (best.figure, best.layout, best.pass)
    }
}

extension Figure {
    /// The figure's budget (refusal as a `GraphvizError`) and its complete
    /// DOT for `dot` with the budget's tuning. One DOT write serves both when
    /// the tuning adds no attributes (`.quality`, `.defaults`: the text the budget measured is that DOT);
    /// a bigger figure's DOT is written again with its tuning attributes.
    func budgetedDOT() throws(GraphvizError) -> (FigureBudget, String) {
        let n = graph.nodes.count
        guard n <= FigureBudget.maxOperations else {
            _ = try FigureBudget.checked(self)  // refused before any DOT is written
            return (FigureBudget(self), "")
        }
        if let early = FigureBudget.refusedFromGraph(self), let refusal = early.refusal {
            throw GraphvizError(stage: FigureBudget.refusalStage, message: refusal)  // no DOT written
        }
        var writer = DOTWriter(figure: self, frame: .complete, layout: nil)
        let text = writer.write()
        let budget = FigureBudget(shape: writer.shape, graphNodes: n)
        if let refusal = budget.refusal { throw GraphvizError(stage: FigureBudget.refusalStage, message: refusal) }
        // The tuned DOT differs only in its graph attributes: not written twice.
        return (budget, budget.tuning.attributes.isEmpty ? text : writer.retuned(budget.tuning))
    }
}

extension Legibility {
    /// The legibility of a laid-out figure before rendering it: label sizes
    /// from the DOT text (`POINT-SIZE`), size from the layout's bounding box
    /// plus the figure's padding (what the SVG's `width` and `height` say).
    init(dot: String, layout: GraphvizLayout, padding: Double = 0.3 * 72) {
        var dot = dot
        let sizes = dot.withUTF8 { bytes in
            var sizes: [Double] = []
            var at = 0
            while let r = ByteScan.find(ByteScan.pointSize, in: bytes, from: at) {
                at = r + ByteScan.pointSize.count
                let digits = ByteScan.quoted(bytes, at: at, end: bytes.count)
                if let size = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[digits]), as: UTF8.self)) { sizes.append(size) }
            }
            return sizes
        }
        let box = layout.boundingBox.split(separator: ",").compactMap { Double($0) }
        let width = box.count == 4 ? box[2] - box[0] + 2 * padding : 0
        let height = box.count == 4 ? box[3] - box[1] + 2 * padding : 0
        self.init(width: width, height: height, fontSizes: sizes)
    }
}

extension FigureLayout {
    /// The median label height, in CSS px, of the whole figure fitted to a
    /// 1280 × 720 slide (`Legibility`), from the layout (nothing rendered).
    package var slidePixels: Double {
        Legibility(dot: figure.dot(.complete), layout: geometry).medianLabelPixels()
    }
}
