import ChainRule
import Foundation

/// Text a figure writes again and again, computed once per figure: every
/// tensor's numbers formatted with the figure's `NumberFormat`, and the DOT
/// names of all objects (the same in every frame). Frames of a lesson write
/// many DOT texts of one figure; without this each of them formatted every
/// number (several times) and rebuilt every name.
final class FigureTextCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: [String]] = [:]
    private var gradients: [String: [String]] = [:]
    private var nodeGradients: [Int: [String]] = [:]
    /// Display names of the graph's nodes and the `--local` captions by edge key.
    private var nodeLabels: [String]?
    private var captions: [String: LocalDerivativeCaption?] = [:]
    /// DOT names by object `id`, and object `id` by DOT name.
    private var titles: (names: [String: String], keyOf: [String: String])?

    init() {}

    func values(_ id: NodeID, _ figure: Figure) -> [String] {
        lock.lock(); defer { lock.unlock() }
        if let s = values[id.index] { return s }
        let format = figure.options.numberFormat
        let zero = RoundingNoise.threshold(scale: RoundingNoise.valueScale(of: id, in: figure.backward.forward))
        let s = figure.backward.forward.value(of: id).scalars.map { format.string($0, zeroBelow: zero) }
        values[id.index] = s
        return s
    }

    /// `figure.gradient(on: edge)` formatted (nil when the edge has no gradient).
    func gradient(_ edge: FigureEdge, _ figure: Figure) -> [String]? {
        lock.lock(); defer { lock.unlock() }
        let key = edge.key
        if let s = gradients[key] { return s }
        guard let g = figure.gradient(on: edge) else { return nil }
        let format = figure.options.numberFormat
        let scale: Double
        if edge.to == nil { scale = RoundingNoise.gradientScale(of: edge.from, in: figure.backward) }
        else if let r = figure.records[edge] { scale = RoundingNoise.edgeScale(r, in: figure.backward.forward) }
        else { scale = 0 }
        let zero = RoundingNoise.threshold(scale: scale)
        let s = g.scalars.map { format.string($0, zeroBelow: zero) }
        gradients[key] = s
        return s
    }

    /// The `--local` caption of an edge (`LocalDerivativeCaption`), or nil.
    func localCaption(_ edge: FigureEdge, _ figure: Figure) -> LocalDerivativeCaption? {
        lock.lock(); defer { lock.unlock() }
        if let caption = captions[edge.key] { return caption }
        let format = figure.options.numberFormat
        let labels = nodeLabels ?? figure.graph.displayLabels(number: { format.string($0) })
        nodeLabels = labels
        let caption = LocalDerivativeCaption(edge, in: figure, labels: labels)
        captions[edge.key] = caption
        return caption
    }

    /// `figure.backward.gradient(of: id)` formatted.
    func gradient(of id: NodeID, _ figure: Figure) -> [String]? {
        lock.lock(); defer { lock.unlock() }
        if let s = nodeGradients[id.index] { return s }
        guard let g = figure.backward.gradient(of: id) else { return nil }
        let format = figure.options.numberFormat
        let zero = RoundingNoise.threshold(scale: RoundingNoise.gradientScale(of: id, in: figure.backward))
        let s = g.scalars.map { format.string($0, zeroBelow: zero) }
        nodeGradients[id.index] = s
        return s
    }

    var names: (names: [String: String], keyOf: [String: String])? {
        lock.lock(); defer { lock.unlock() }
        return titles
    }

    func setNames(_ names: [String: String], _ keyOf: [String: String]) {
        lock.lock(); defer { lock.unlock() }
        if titles == nil { titles = (names, keyOf) }
    }
}
