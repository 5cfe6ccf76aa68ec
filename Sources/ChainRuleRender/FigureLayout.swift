import ChainRule

/// Layout once, render many: a figure laid out once by Graphviz's `dot`
/// engine, then drawn frame after frame with every node and edge pinned in
/// place (the `nop2` engine, `neato -n2` semantics), so nothing moves
/// between the steps of a lesson.
///
/// ```swift
/// let figure = try Figure(pass, options: FigureOptions(theme: .dark, expandFused: false))
/// let layout = try FigureLayout(figure)        // one `dot` layout, labels at their widest
/// let blank  = try layout.render(.unknown)      // every label `?`
/// let step   = try layout.render(FigureFrame(values: [x, y], gradients: [], highlightedNodes: [product]))
/// let done   = try layout.render()              // the finished pass, SVG bytes
/// let pdf    = try layout.render(.complete, format: .pdf)
/// ```
///
/// The layout is made with the finished labels (final values and
/// gradients), the widest they get; a frame's `?`s and highlights only
/// change text and colour inside the same boxes. `FigureLayout` is a value
/// and `Sendable`: render frames from any thread (Graphviz calls are
/// serialized inside `Graphviz`).
public struct FigureLayout: Sendable {
    /// The figure being drawn.
    public let figure: Figure
    /// Positions and sizes read back from the `dot` layout.
    package let geometry: GraphvizLayout
    /// SVG fragments of frames already rendered (see `FrameCache`).
    let frameCache = FrameCache()

    /// Lays `figure` out once, with every label at its widest.
    /// Refused (a `GraphvizError` of stage `size`) when the figure is over
    /// `FigureBudget`; big figures get `dot` attributes tuned to their size.
    /// A figure that would read below 10 px on a 1280 × 720 slide is laid
    /// out again tightened (`SlideFit`) when that reads better; `figure` is
    /// then the tightened figure (`options.slideFit` set).
    ///
    /// The layout pass also renders the finished pass pinned to its
    /// geometry, from which the first SVG frame is made (`FrameCache`).
    public init(_ figure: Figure) throws(GraphvizError) {
        try self.init(figure, firstFrame: true)
    }

    /// `init(_:)`; `firstFrame` false for a layout whose SVG frames are not drawn from its cache (worksheets).
    init(_ figure: Figure, firstFrame: Bool) throws(GraphvizError) {
        let (budget, text) = try figure.budgetedDOT()
        let pass: FrameCache.LayoutPass?
        (self.figure, self.geometry, pass) = try figure.fittedLayout(tuning: budget.tuning, dot: text, pinned: firstFrame)
        if let pass { frameCache.keep(pass) }
    }

    /// A figure pinned to an existing layout (same graph, other options).
    init(figure: Figure, geometry: GraphvizLayout) {
        self.figure = figure
        self.geometry = geometry
    }

    /// The same figure as a worksheet (values shown, gradients as blank
    /// answer boxes of one size, `AnswerBoxes`), laid out for its boxes —
    /// a box as wide as its answer would give the answer away. Its answer
    /// key is `answerKey()`; `WorksheetPage` prints it.
    public func worksheet() throws -> FigureLayout {
        var options = figure.options
        options.worksheet = true
        options.expandFused = false  // `figure.backward` is already expanded if it was
        return try FigureLayout(try Figure(figure.backward, options: options), firstFrame: false)
    }

    /// A worksheet's answer key: the same boxes with the answers in them,
    /// pinned to this layout so it lines up with the worksheet.
    public func answerKey() throws(EvaluationError) -> FigureLayout {
        var options = figure.options
        options.worksheet = true
        options.answerBoxes.filled = true
        options.expandFused = false
        return FigureLayout(figure: try Figure(figure.backward, options: options), geometry: geometry)
    }

    /// The DOT source of a frame, pinned to this layout (for `nop2`).
    public func dot(_ frame: FigureFrame = .complete) -> String {
        figure.dot(frame, pinnedTo: geometry)
    }

    /// The pinned DOT for a frame rendered as `format` (PNG gets the figure's `pngDPI`).
    func dot(_ frame: FigureFrame, for format: GraphvizFormat) -> String {
        figure.dot(frame, pinnedTo: geometry, dpi: format == .png ? figure.options.pngDPI : nil)
    }

    /// Renders a frame (by default the finished pass) in `format`, in place.
    /// `.dot` gives Graphviz's laid-out DOT (with positions).
    ///
    /// SVG frames are assembled from the SVG fragments Graphviz rendered for
    /// earlier frames of this layout (`FrameCache`): the same bytes, without
    /// rendering objects whose state has been seen before.
    public func render(_ frame: FigureFrame = .complete, format: GraphvizFormat = .svg) throws(GraphvizError) -> [UInt8] {
        if format == .svg, let svg = try frameCache.svg(self, frame) { return svg }
        return try Graphviz.render(dot: dot(frame, for: format), engine: .nop2, format: format)
    }

    /// Renders a frame as SVG text.
    public func svg(_ frame: FigureFrame = .complete) throws(GraphvizError) -> String {
        String(decoding: try render(frame, format: .svg), as: UTF8.self)
    }
}

extension Figure {
    /// Lays the figure out and renders the finished pass: the one-call API
    /// behind `chainrule draw`. `.dot` returns the figure's DOT source
    /// (un-laid-out, for anyone who wants to run Graphviz themselves).
    ///
    /// One Graphviz pass (`dot` layout and render together): the same
    /// geometry `FigureLayout` reads back, without reading it back and
    /// rendering a second time through `nop2`.
    public func render(format: GraphvizFormat = .svg) throws(GraphvizError) -> [UInt8] {
        if let level = options.collapse {
            var text = collapsedDOT(level)
            let budget = FigureBudget(dot: text, graphNodes: graph.nodes.count)
            if let refusal = budget.refusal { throw GraphvizError(stage: FigureBudget.refusalStage, message: refusal) }
            text = budget.tuned(text)
            if format == .dot { return Array(text.utf8) }
            if format == .png { text = text.replacingOccurrences(of: "digraph \"chainrule\" {\n", with: "digraph \"chainrule\" {\n  dpi=\"\(options.pngDPI)\";\n") }
            return try Graphviz.render(dot: text, engine: .dot, format: format)
        }
        let (budget, text) = try budgetedDOT()
        if format == .svg {
            // Drawn as is when it reads on a slide; otherwise tightened when that reads better.
            let svg = try Graphviz.render(dot: text, engine: .dot, format: .svg)
            guard mayFitToSlide(tuning: budget.tuning) else { return svg }
            let legibility = Legibility(svg: String(decoding: svg, as: UTF8.self))
            guard let tight = slideFitCandidate(pixels: legibility.medianLabelPixels(), width: legibility.width,
                                                height: legibility.height, tuning: budget.tuning) else { return svg }
            // Tightened, then (still under 10 px) with dense heatmaps: the best reading is drawn.
            var best = (svg: svg, pixels: legibility.medianLabelPixels())
            var candidate: Figure? = tight
            while let next = candidate {
                let nextSVG = try Graphviz.render(dot: next.dot(.complete, tuning: budget.tuning), engine: .dot, format: .svg)
                let pixels = Legibility(svg: String(decoding: nextSVG, as: UTF8.self)).medianLabelPixels()
                if pixels > best.pixels { best = (nextSVG, pixels) }
                candidate = best.pixels < Self.slideLegibility ? next.denserSlideFit() : nil
            }
            return best.svg
        }
        // Other formats: the same choice, from a layout. DOT is written without
        // Graphviz when it cannot lay out (no plugins): then it is the unfitted figure.
        if format == .dot {
            let figure = options.fitToSlide ? ((try? fittedLayout(tuning: budget.tuning, dot: text))?.0 ?? self) : self
            return Array((figure.options.slideFit == options.slideFit ? text : figure.dot(.complete, tuning: budget.tuning)).utf8)
        }
        let figure = options.fitToSlide ? try fittedLayout(tuning: budget.tuning, dot: text).0 : self
        return try Graphviz.render(dot: figure.dot(.complete, dpi: format == .png ? options.pngDPI : nil, tuning: budget.tuning),
                                   engine: .dot, format: format)
    }
}
