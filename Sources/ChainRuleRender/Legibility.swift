/// How readable a figure is on a slide: the median label height, in CSS
/// pixels, when the SVG is scaled to fit a viewport (1280 × 720 by default)
/// and never enlarged past 100 %. One point is 4/3 px.
///
/// ```swift
/// let px = Legibility(svg: text).medianLabelPixels()          // whole figure on a 1280×720 slide
/// let zoomed = Legibility(svg: text).medianLabelPixels(showing: box)  // a viewBox zoomed to fit
/// ```
package struct Legibility: Sendable {
    /// The SVG's size in points (`width="…pt"`).
    package let width: Double
    package let height: Double
    /// Every `<text>`'s font size in points, in document order.
    package let fontSizes: [Double]

    /// A figure of `width` × `height` points with labels of `fontSizes` points.
    package init(width: Double, height: Double, fontSizes: [Double]) {
        self.width = width
        self.height = height
        self.fontSizes = fontSizes
    }

    /// Reads the size and the labels of a Graphviz SVG.
    package init(svg: String) {
        func attribute(_ name: String, in tag: Substring) -> Double? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            let digits = tag[r.upperBound...].prefix { $0 != "\"" }
            return Double(digits.filter { $0.isNumber || $0 == "." || $0 == "-" })
        }
        let svgTag = svg.range(of: "<svg").map { svg[$0.lowerBound...].prefix { $0 != ">" } } ?? ""
        width = attribute("width", in: svgTag) ?? 0
        height = attribute("height", in: svgTag) ?? 0
        var sizes: [Double] = []
        var rest = Substring(svg)
        while let r = rest.range(of: "<text") {
            let tag = rest[r.lowerBound...].prefix { $0 != ">" }
            if let size = attribute("font-size", in: tag) { sizes.append(size) }
            rest = rest[r.upperBound...]
        }
        fontSizes = sizes
    }

    /// The scale at which a region `width` × `height` points fits the viewport (at most 1).
    package static func scale(fitting width: Double, _ height: Double, viewport: (width: Double, height: Double) = (1280, 720)) -> Double {
        guard width > 0, height > 0 else { return 1 }
        return min(1, viewport.width / (width * 4 / 3), viewport.height / (height * 4 / 3))
    }

    /// The median label height in CSS px with the whole figure fitted to the viewport.
    package func medianLabelPixels(viewport: (width: Double, height: Double) = (1280, 720)) -> Double {
        medianLabelPixels(regionWidth: width, regionHeight: height, viewport: viewport)
    }

    /// The median label height in CSS px when a region of the figure
    /// (`regionWidth` × `regionHeight` points, say a zoomed `viewBox`) is fitted to the viewport.
    package func medianLabelPixels(regionWidth: Double, regionHeight: Double,
                                  viewport: (width: Double, height: Double) = (1280, 720)) -> Double {
        guard !fontSizes.isEmpty else { return 0 }
        let s = fontSizes.sorted()
        let median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        return median * 4 / 3 * Self.scale(fitting: regionWidth, regionHeight, viewport: viewport)
    }
}
