import ChainRule
import ChainRuleRender
import ChainRuleSupport
import Foundation

extension Graph {
    /// The same graph with some leaves given new values, possibly of a new
    /// shape (a bigger batch): every operation is re-applied so shapes follow.
    package func rebinding(_ values: [NodeID: Tensor]) throws(ShapeError) -> Graph {
        var g = Graph()
        for node in nodes {
            switch node.kind {
            case .leaf: g.leaf(node.name, values[node.id] ?? initialValues[node.id.index]!)
            case .constant: g.constant(initialValues[node.id.index]!)
            case .operation(let op): try g.apply(op, node.inputs, name: node.name)
            }
        }
        return g
    }
}

/// Everything `> train` needs: the graph, which leaves are parameters,
/// which leaves take the inputs and the labels, and the SGD settings.
package struct TrainingPlan: Sendable {
    package var graph: Graph
    package var loss: NodeID
    /// The node whose row-wise argmax is the prediction (the logits).
    package var scores: NodeID
    package var features: NodeID
    package var labels: NodeID
    package var parameters: [NodeID]
    package var dataset: Dataset
    package var batchSize: Int
    package var learningRate: Double
    package var iterations: Int
    package var reportEvery: Int
    package var seed: UInt64
    /// File name of the loss/accuracy curve, written into the output directory.
    package var curveFileName: String?
}

/// One line of the training log.
public struct TrainingReport: Sendable, Hashable {
    /// The iteration (mini-batch) the report follows.
    public let iteration: Int
    /// How many passes over the training rows that is.
    public let epoch: Double
    /// Mean mini-batch loss since the previous report.
    public let loss: Double
    /// The fraction of training rows classified right.
    public let trainAccuracy: Double
    /// The fraction of test rows classified right.
    public let testAccuracy: Double

    /// `iteration   100  epoch  0.533  loss 0.2731  train accuracy  92.1 %  test accuracy  91.5 %`:
    /// numbers through the shared `NumberFormat` (4 significant digits,
    /// Unicode minus, `NaN`), padded so the columns line up.
    public var line: String {
        "iteration \(pad(iteration, 5))  epoch \(pad(Self.format.string(epoch), 6))  loss \(pad(Self.format.string(loss), 6))  "
            + "train accuracy \(pad(Self.percent(trainAccuracy), 5)) %  test accuracy \(pad(Self.percent(testAccuracy), 5)) %"
    }

    /// The figures' number format.
    static let format = NumberFormat.figure

    /// A fraction as a percentage with one decimal (`91.5`, `100`, `0`).
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return format.string(fraction) }
        return format.string((fraction * 1000).rounded() / 10)
    }
}

private func pad(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
}

private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: " ", count: max(0, width - s.count)) + s
}

/// The outcome of `TrainingPlan.run`.
public struct TrainingResult: Sendable {
    /// Mini-batch loss of every iteration.
    public let losses: [Double]
    /// The periodic reports.
    public let reports: [TrainingReport]
    /// The test accuracy of the last report (0 without reports).
    public var finalTestAccuracy: Double { reports.last?.testAccuracy ?? 0 }
    /// The loss/accuracy curve as a standalone SVG document.
    public let curveSVG: String
    /// Where the curve was written, if it was.
    public let curvePath: String?
    /// The trained graph (parameters updated).
    public let graph: Graph
}

extension TrainingPlan {
    /// Accuracy of the graph's predictions on the given rows.
    package func accuracy(of graph: Graph, rows: [Int]) throws -> Double {
        guard !rows.isEmpty else { return 0 }
        let (x, t) = dataset.batch(rows)
        let g = try graph.rebinding([features: x, labels: t])
        let s = try g.forward().value(of: scores)
        let c = s.lastAxisLength
        var correct = 0
        for (i, r) in rows.enumerated() {
            var best = 0
            for j in 1..<c where s.scalars[i * c + j] > s.scalars[i * c + best] { best = j }
            if best == dataset.labels[r] { correct += 1 }
        }
        return Double(correct) / Double(rows.count)
    }

    /// Mini-batch SGD: each iteration takes the next `batchSize` training rows
    /// of a seeded shuffle (reshuffled every epoch), runs forward and backward,
    /// and moves every parameter by `−learningRate × gradient`. Every
    /// `reportEvery` iterations it measures train and test accuracy and calls
    /// `progress` with the log line.
    package func run(outputDirectory: URL? = nil, progress: (String) -> Void = { _ in }) throws -> TrainingResult {
        var rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        var order = dataset.train
        order.shuffle(using: &rng)
        var cursor = 0
        let n = min(batchSize, order.count)
        let (x0, t0) = dataset.batch(order[0..<n])
        var g = try graph.rebinding([features: x0, labels: t0])
        var losses: [Double] = []
        var reports: [TrainingReport] = []
        var sinceReport: [Double] = []
        progress("training on \(dataset.train.count) rows, testing on \(dataset.test.count); batch \(n), learning rate \(LessonFormat.number(learningRate)), \(iterations) iterations")
        for iteration in 1...max(iterations, 1) {
            if cursor + n > order.count { order.shuffle(using: &rng); cursor = 0 }
            let (x, t) = dataset.batch(order[cursor..<(cursor + n)])
            cursor += n
            g.setValue(x, of: features)
            g.setValue(t, of: labels)
            let pass = try g.forward().backward(from: loss)
            let l = pass.forward.value(of: loss).sum
            losses.append(l)
            sinceReport.append(l)
            for p in parameters {
                guard let grad = pass.gradient(of: p) else { continue }
                g.descend(p, along: grad, learningRate: learningRate)
            }
            if iteration % max(reportEvery, 1) == 0 || iteration == iterations {
                let report = TrainingReport(
                    iteration: iteration, epoch: Double(iteration * n) / Double(dataset.train.count),
                    loss: sinceReport.reduce(0, +) / Double(sinceReport.count),
                    trainAccuracy: try accuracy(of: g, rows: dataset.train),
                    testAccuracy: try accuracy(of: g, rows: dataset.test))
                sinceReport = []
                reports.append(report)
                progress(report.line)
            }
        }
        let svg = TrainingCurve.svg(losses: losses, reports: reports,
                                    title: "Training: mini-batch loss and accuracy",
                                    credit: "Data: UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak, 1998), CC BY 4.0")
        var path: String?
        if let outputDirectory, let curveFileName {
            let url = outputDirectory.appendingPathComponent(curveFileName)
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
            try writeAtomically(svg, to: url)
            path = url.path
            progress("loss and accuracy curve written to \(url.relativePath)")
        }
        return TrainingResult(losses: losses, reports: reports, curveSVG: svg, curvePath: path, graph: g)
    }
}

/// Writes text to a temporary file beside `url`, then renames it into place,
/// so a viewer never sees half a file.
func writeAtomically(_ text: String, to url: URL) throws {
    try AtomicFile.write(text, to: url.path)
}

/// A small pure-Swift SVG line chart: loss per iteration (left axis) and
/// train/test accuracy at each report (right axis, 0–100 %).
package enum TrainingCurve {
    package static func svg(losses: [Double], reports: [TrainingReport], title: String, credit: String) -> String {
        let w = 640.0, h = 400.0, left = 60.0, right = 60.0, top = 40.0, bottom = 70.0
        let pw = w - left - right, ph = h - top - bottom
        let n = max(losses.count, 1)
        let lossStep = niceStep(max(losses.filter(\.isFinite).max() ?? 1, 1e-9) / 5)
        let lossTicks = Int((max(losses.filter(\.isFinite).max() ?? 1, 1e-9) / lossStep).rounded(.up))
        let maxLoss = lossStep * Double(max(lossTicks, 1))
        func x(_ i: Double) -> Double { left + pw * (n > 1 ? (i - 1) / Double(n - 1) : 0) }
        func yl(_ l: Double) -> Double { top + ph * (1 - min(max(l / maxLoss, 0), 1)) }
        func ya(_ a: Double) -> Double { top + ph * (1 - a) }
        // Coordinates: machine-readable SVG (ASCII, one decimal); text: the shared format.
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func esc(_ s: String) -> String { Escape.html(s) }
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <title>\(esc(title))</title>
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(w / 2))" y="22" text-anchor="middle" font-size="15">\(esc(title))</text>
        <g id="axes" stroke="#333" fill="none">
        <line x1="\(f(left))" y1="\(f(top + ph))" x2="\(f(left + pw))" y2="\(f(top + ph))"/>
        <line x1="\(f(left))" y1="\(f(top))" x2="\(f(left))" y2="\(f(top + ph))"/>
        <line x1="\(f(left + pw))" y1="\(f(top))" x2="\(f(left + pw))" y2="\(f(top + ph))"/>
        </g>

        """
        // Loss ticks at a round step on the left, accuracy every 25 % on the right.
        for k in 0...max(lossTicks, 1) {
            let frac = Double(k) / Double(max(lossTicks, 1))
            out += "<line x1=\"\(f(left))\" y1=\"\(f(top + ph * (1 - frac)))\" x2=\"\(f(left + pw))\" y2=\"\(f(top + ph * (1 - frac)))\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(top + ph * (1 - frac) + 4))\" text-anchor=\"end\" fill=\"#c0392b\">\(TrainingReport.format.string(lossStep * Double(k)))</text>\n"
        }
        for k in 0...4 {
            let frac = Double(k) / 4
            out += "<text x=\"\(f(left + pw + 6))\" y=\"\(f(top + ph * (1 - frac) + 4))\" fill=\"#009e73\">\(Int(frac * 100)) %</text>\n"
        }
        let iterationStep = max(1, Int(niceStep(Double(n) / 5)))
        for i in stride(from: 0, through: n, by: iterationStep) {
            let xi = x(Double(max(i, 1)))
            out += "<line x1=\"\(f(xi))\" y1=\"\(f(top + ph))\" x2=\"\(f(xi))\" y2=\"\(f(top + ph + 4))\" stroke=\"#333\"/>\n"
            out += "<text x=\"\(f(xi))\" y=\"\(f(top + ph + 18))\" text-anchor=\"middle\">\(max(i, 1))</text>\n"
        }
        out += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(top + ph + 34))\" text-anchor=\"middle\">iteration</text>\n"
        let lossPoints = losses.enumerated().filter { $0.element.isFinite }
            .map { "\(f(x(Double($0.offset + 1)))),\(f(yl($0.element)))" }.joined(separator: " ")
        out += "<polyline id=\"loss\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.2\" points=\"\(lossPoints)\"><title>mini-batch loss</title></polyline>\n"
        let trainPoints = reports.map { "\(f(x(Double($0.iteration)))),\(f(ya($0.trainAccuracy)))" }.joined(separator: " ")
        let testPoints = reports.map { "\(f(x(Double($0.iteration)))),\(f(ya($0.testAccuracy)))" }.joined(separator: " ")
        out += "<polyline id=\"train-accuracy\" fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\" stroke-dasharray=\"6 3\" points=\"\(trainPoints)\"><title>train accuracy</title></polyline>\n"
        out += "<polyline id=\"test-accuracy\" fill=\"none\" stroke=\"#009e73\" stroke-width=\"2\" points=\"\(testPoints)\"><title>test accuracy</title></polyline>\n"
        for r in reports {
            out += "<circle cx=\"\(f(x(Double(r.iteration))))\" cy=\"\(f(ya(r.testAccuracy)))\" r=\"3\" fill=\"#009e73\"><title>iteration \(r.iteration): test accuracy \(TrainingReport.percent(r.testAccuracy)) %</title></circle>\n"
        }
        let ly = h - 24
        out += """
        <g id="legend">
        <line x1="\(f(left))" y1="\(f(ly))" x2="\(f(left + 24))" y2="\(f(ly))" stroke="#c0392b" stroke-width="1.2"/><text x="\(f(left + 30))" y="\(f(ly + 4))">loss (left axis)</text>
        <line x1="\(f(left + 150))" y1="\(f(ly))" x2="\(f(left + 174))" y2="\(f(ly))" stroke="#0072b2" stroke-width="2" stroke-dasharray="6 3"/><text x="\(f(left + 180))" y="\(f(ly + 4))">train accuracy</text>
        <line x1="\(f(left + 290))" y1="\(f(ly))" x2="\(f(left + 314))" y2="\(f(ly))" stroke="#009e73" stroke-width="2"/><text x="\(f(left + 320))" y="\(f(ly + 4))">test accuracy (right axis)</text>
        </g>
        <text x="\(f(w - 6))" y="\(f(h - 6))" text-anchor="end" font-size="9" fill="#555">\(esc(credit))</text>
        </svg>

        """
        return out
    }

    /// A round axis step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = Double.pow(10, (Double.log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }
}
