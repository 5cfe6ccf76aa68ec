import Foundation
import Testing
@testable import ChainRuleExport
import ChainRuleLessons

/// The slideshow pans and zooms large figures to the current step (issue 11.6):
/// every step frame of every shipped lesson, shown at 1280×720, reads at
/// ≥ 10 px (median label height after the zoom), nodes stay where the one
/// layout put them, and `w` toggles the whole figure.
@Suite("Export: the slideshow follows the step in large figures", .serialized)
struct SlideshowFollowTests {
    /// What the driver page saw at one step.
    struct Seen {
        var step: Int
        var mode: String
        var reportedPixels: Double
        var medianFontSize: Double
        var width: Double, height: Double
        var viewBox: [Double]
        /// `<full figure width>x<height>@<x>,<y>` of node 0's outline (or its text).
        var firstNode: String
        /// The median label height in CSS px, from the SVG's geometry as laid out.
        var pixels: Double { medianFontSize * min(width / viewBox[2], height / viewBox[3]) }
    }

    /// Opens `page` in a 1280×720 iframe of a driver page, steps through every slide, presses `w`
    /// twice at `toggleAt`, and returns what each step showed.
    func drive(_ page: URL, toggleAt: Int?) throws -> (steps: [Seen], toggle: String) {
        let driver = page.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("follow-\(getpid()).html")
        let src = page.deletingLastPathComponent().lastPathComponent + "/index.html"
        try Data("""
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="\(src)#1" width="1280" height="720" style="border:0"></iframe><pre id="out">pending</pre>
        <script>
        var f = document.getElementById('f');
        f.onload = function () {
          var d = f.contentDocument, w = f.contentWindow, log = [], toggle = '';
          function svg() { var s = Array.prototype.filter.call(d.querySelectorAll('.slide'), function (s) { return !s.hidden; })[0]; return [s, s && s.querySelector('.figure svg')]; }
          function seen() {
            var p = svg(), s = p[0], g = p[1];
            if (!g) return s.dataset.step + '|none';
            var sizes = Array.prototype.map.call(g.querySelectorAll('text'), function (t) { return parseFloat(t.getAttribute('font-size')) || 0; })
              .filter(function (x) { return x > 0; }).sort(function (a, b) { return a - b; });
            var n = sizes.length, m = n % 2 ? sizes[(n - 1) / 2] : (sizes[n / 2 - 1] + sizes[n / 2]) / 2;
            var r = g.getBoundingClientRect(), b = g.viewBox.baseVal, node = g.querySelector('g.node[id$="-node-0"] > ellipse, g.node[id$="-node-0"] > polygon, g.node[id$="-node-0"] > path, g.node[id$="-node-0"] > text');
            var nb = node ? node.getBBox() : {x: 0, y: 0};
            return [s.dataset.step, g.getAttribute('data-follow'), g.getAttribute('data-label-px'), m, r.width, r.height,
                    [b.x, b.y, b.width, b.height].join(','), (g.__full ? g.__full.w.toFixed(1) + 'x' + g.__full.h.toFixed(1) : '') + '@' + nb.x.toFixed(2) + ',' + nb.y.toFixed(2)].join('|');
          }
          function key(k) { d.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true})); }
          var total = d.querySelectorAll('.slide').length, k = 1;
          function step() {
            log.push(seen());
            if (k === \(toggleAt ?? -1)) {
              key('w');
              setTimeout(function () {
                toggle = svg()[1].getAttribute('data-follow') + ',' + d.getElementById('whole').getAttribute('aria-pressed');
                key('w');
                setTimeout(function () { toggle += ',' + svg()[1].getAttribute('data-follow'); advance(); }, 0);
              }, 0);
              return;
            }
            advance();
          }
          function advance() {
            if (k === total) { document.getElementById('out').textContent = toggle + '\\n' + log.join('\\n'); return; }
            k += 1;
            d.getElementById('next').click();
            setTimeout(step, 0);
          }
          setTimeout(step, 50);
        };
        </script></body></html>
        """.utf8).write(to: driver)
        defer { try? FileManager.default.removeItem(at: driver) }
        // (No --window-size: with it, headless Chromium prints the DOM but does not exit.)
        let dom = try exportRunChromium(["--dump-dom", "--allow-file-access-from-files"], url: driver.absoluteString)
        let out = dom.range(of: "<pre id=\"out\">").map { String(dom[$0.upperBound...].prefix { $0 != "<" }) } ?? ""
        var lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let toggle = lines.isEmpty ? "" : lines.removeFirst()
        var steps: [Seen] = []
        for line in lines {
            let p = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 8, let step = Int(p[0]) else { continue }
            steps.append(Seen(step: step, mode: p[1], reportedPixels: Double(p[2]) ?? 0, medianFontSize: Double(p[3]) ?? 0,
                              width: Double(p[4]) ?? 0, height: Double(p[5]) ?? 0,
                              viewBox: p[6].split(separator: ",").compactMap { Double($0) }, firstNode: p[7]))
        }
        return (steps, toggle)
    }

    @Test("every step of every shipped lesson reads at ≥ 10 px at 1280×720",
          .enabled(if: exportChromiumPath != nil, "chromium is not installed (apt-get install chromium); skipping the browser tests"))
    func everyStepIsLegible() throws {
        let export = try ShippedExport.get()
        var followed = 0
        for (lesson, result) in zip(export.lessons, export.summary.lessons) {
            let page = export.folder.appendingPathComponent(result.slideshow)
            let (steps, _) = try drive(page, toggleAt: nil)
            #expect(steps.count == lesson.steps.count, "\(lesson.id): saw \(steps.count) of \(lesson.steps.count) steps")
            for seen in steps where seen.viewBox.count == 4 {
                #expect(seen.pixels >= 10, "\(lesson.id) step \(seen.step): \(seen.pixels) px (\(seen.mode))")
                #expect(abs(seen.pixels - seen.reportedPixels) < 0.05, "\(lesson.id) step \(seen.step): page says \(seen.reportedPixels)")
                if seen.mode == "step" { followed += 1 }
            }
            // Nodes never move: the first node sits at the same place in every frame of a graph.
            // (keyed by the figure's full size: one graph of the lesson; the loss curve has no nodes.)
            let graphs = Dictionary(grouping: steps, by: { $0.firstNode.split(separator: "@").first.map(String.init) ?? "" })
            for (figure, same) in graphs where !figure.isEmpty {
                #expect(Set(same.map(\.firstNode)).count == 1, "\(lesson.id) \(figure): \(Set(same.map(\.firstNode)))")
            }
        }
        // The two-layer net's figure is too large for the slide: it is followed.
        #expect(followed > 0)
    }

    @Test("w (and the Whole figure button) shows the whole figure, and w again follows the step",
          .enabled(if: exportChromiumPath != nil, "chromium is not installed (apt-get install chromium); skipping the browser tests"))
    func wholeFigureToggle() throws {
        let export = try ShippedExport.get()
        let (lesson, result) = try #require(zip(export.lessons, export.summary.lessons).first { $0.0.id == "two-layer-net" })
        let (steps, toggle) = try drive(export.folder.appendingPathComponent(result.slideshow), toggleAt: 3)
        #expect(steps.count == lesson.steps.count)
        #expect(steps[2].mode == "step")
        #expect(toggle == "whole,true,step")
        // Following zooms in: the window onto the figure covers less of it than the
        // whole figure of the same graph (frames of one graph share their first node's
        // place), and the followed frame reads at 10 px or more.
        func graph(_ seen: Seen) -> String { seen.firstNode.split(separator: "@").first.map(String.init) ?? "" }
        #expect(steps[2].pixels >= 10, "\(steps[2].pixels) px")
        let full = steps.first { $0.mode != "step" && graph($0) == graph(steps[2]) }?.viewBox
        if let full, full.count == 4, steps[2].viewBox.count == 4 {
            #expect(steps[2].viewBox[2] * steps[2].viewBox[3] < full[2] * full[3], "\(steps[2].viewBox) against \(full)")
        }
    }
}
