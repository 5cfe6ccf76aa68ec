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
    ///
    /// One pass over the UTF-8 bytes (a figure of 2,500 nodes has ~1 MB of
    /// SVG; `String.range(of:)` on substrings went through Foundation and
    /// was quadratic in it).
    package init(svg: String) {
        var svg = svg
        (width, height, fontSizes) = svg.withUTF8 { bytes in
            let svgTag = ByteScan.tag(bytes, opening: ByteScan.svgOpen, from: 0)
            let width = svgTag.flatMap { ByteScan.number(bytes, attribute: ByteScan.width, in: $0) } ?? 0
            let height = svgTag.flatMap { ByteScan.number(bytes, attribute: ByteScan.height, in: $0) } ?? 0
            var sizes: [Double] = []
            var at = 0
            while let tag = ByteScan.tag(bytes, opening: ByteScan.textOpen, from: at) {
                if let size = ByteScan.number(bytes, attribute: ByteScan.fontSize, in: tag) { sizes.append(size) }
                at = tag.lowerBound + ByteScan.textOpen.count
            }
            return (width, height, sizes)
        }
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

/// Byte-level scanning of Graphviz's SVG and our DOT for `Legibility`.
enum ByteScan {
    static let svgOpen = Array("<svg".utf8)
    static let textOpen = Array("<text".utf8)
    static let width = Array(" width=\"".utf8)
    static let height = Array(" height=\"".utf8)
    static let fontSize = Array(" font-size=\"".utf8)
    static let pointSize = Array("POINT-SIZE=\"".utf8)

    /// The first index at or after `from` (and before `end`) where `pattern` starts.
    static func find(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int, end: Int? = nil) -> Int? {
        let end = end ?? bytes.count
        guard let first = pattern.first, end - from >= pattern.count else { return nil }
        var i = from
        let last = end - pattern.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < pattern.count && bytes[i + j] == pattern[j] { j += 1 }
                if j == pattern.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// The tag starting at the next `opening` after `from`: its bytes up to (not including) the next `>`.
    static func tag(_ bytes: UnsafeBufferPointer<UInt8>, opening: [UInt8], from: Int) -> Range<Int>? {
        guard let start = find(opening, in: bytes, from: from) else { return nil }
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: ">") { end += 1 }
        return start..<end
    }

    /// The bytes after `at` up to the next `"` (or `end`).
    static func quoted(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, end: Int) -> Range<Int> {
        var stop = at
        while stop < end && bytes[stop] != UInt8(ascii: "\"") { stop += 1 }
        return at..<stop
    }

    /// `name="…"`'s value in a tag as a number, keeping only digits, `.` and `-` (`62pt` → 62).
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, attribute name: [UInt8], in tag: Range<Int>) -> Double? {
        guard let at = find(name, in: bytes, from: tag.lowerBound, end: tag.upperBound) else { return nil }
        var kept = ""
        for i in quoted(bytes, at: at + name.count, end: tag.upperBound) {
            let c = bytes[i]
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") {
                kept.unicodeScalars.append(Unicode.Scalar(c))
            }
        }
        return Double(kept)
    }
}
