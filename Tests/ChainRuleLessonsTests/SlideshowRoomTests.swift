import Foundation
import Testing
import ChainRuleRender
@testable import ChainRuleExport

/// The slideshow on a projector (issue 12.3), in headless Chromium at
/// 1280×720, 1920×1080 and 3840×2160: the side text is at least 18 px at
/// 1920×1080 and grows with the window, the figure grows too, and no panel
/// overflows sideways (tables, logs and equations scroll or wrap inside it)
/// on any step of the two-layer net (matrices, the check table, the training log).
@Suite("Export: the slideshow in a room", .serialized)
struct SlideshowRoomTests {
    /// Loads the slideshow in an iframe of a measuring page and visits every
    /// step; returns, per step, the side text sizes, the panel's sideways
    /// overflow and the figure's size.
    func measure(_ slideshow: URL, step: Int, width: Int, height: Int) throws -> [String: Any] {
        let folder = exportTemporaryFolder("room")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("measure.html")
        let html = """
            <!doctype html><html><body style="margin:0">
            <iframe id="f" src="\(slideshow.absoluteString)#\(step)" style="border:0;width:100vw;height:100vh;display:block"></iframe>
            <pre id="out"></pre>
            <script>
            var frame = document.getElementById('f');
            function px(d, slide, sel) { var el = slide.querySelector(sel); return el ? parseFloat(d.defaultView.getComputedStyle(el).fontSize) : null; }
            frame.addEventListener('load', function () { setTimeout(function () {
              var d = frame.contentDocument, slide = d.querySelector('.slide:not([hidden])');
              var panel = slide.querySelector('.panel'), svg = slide.querySelector('.figure svg');
              var r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
              var result = { prose: px(d, slide, '.prose'), eq: px(d, slide, '.eq'), note: px(d, slide, '.note'),
                             why: px(d, slide, '.why'), overflow: panel ? panel.scrollWidth - panel.clientWidth : 0,
                             figureWidth: r.width, figureHeight: r.height };
              document.getElementById('out').textContent = 'RESULT' + JSON.stringify(result) + 'END';
            }, 500); });
            </script></body></html>
            """
        try html.write(to: page, atomically: true, encoding: .utf8)
        let dom = try exportRunChromium(["--allow-file-access-from-files", "--window-size=\(width),\(height)", "--dump-dom"],
                                        url: page.absoluteString)
        let start = try #require(dom.range(of: "RESULT"), "no measurements at \(width)×\(height)")
        let end = try #require(dom.range(of: "END", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
        return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("side text ≥ 18 px at 1920×1080, growing to 4K; nothing overflows a panel",
          .enabled(if: exportChromiumPath != nil, "chromium is not installed; skipping the browser tests"))
    func scalesWithTheRoom() throws {
        let export = try ShippedExport.get()
        let index = try #require(export.lessons.firstIndex { $0.id == "two-layer-net" })
        let slideshow = export.folder.appendingPathComponent(export.summary.lessons[index].slideshow)
        let steps = export.lessons[index].steps.count
        var proseBySize: [Int: Double] = [:]
        var figureBySize: [Int: Double] = [:]
        // A backward step with matrices, the gradient check table and the training log.
        let lesson = export.lessons[index]
        let picks = [lesson.steps.lastIndex { if case .backward = $0.kind { return true } else { return false } },
                     lesson.steps.firstIndex { $0.kind == .check }, lesson.steps.firstIndex { $0.kind == .training }]
            .compactMap { $0.map { $0 + 1 } }
        #expect(picks.count == 3 && steps >= 3)
        for (width, height) in [(1280, 720), (1920, 1080), (3840, 2160)] {
            var rows: [[String: Any]] = []
            for step in picks { rows.append(try measure(slideshow, step: step, width: width, height: height)) }
            for (step, row) in zip(picks, rows) {
                #expect((row["overflow"] as? Double ?? 1) <= 0, "step \(step) at \(width)×\(height): the panel overflows sideways")
                for key in ["prose", "eq", "note", "why"] {
                    guard let size = row[key] as? Double else { continue }
                    if width >= 1920 { #expect(size >= 18, "\(key) is \(size) px at \(width)×\(height), step \(step)") }
                    else { #expect(size >= 15, "\(key) is \(size) px at \(width)×\(height), step \(step)") }
                }
            }
            proseBySize[width] = rows.compactMap { $0["prose"] as? Double }.max() ?? 0
            figureBySize[width] = rows.compactMap { $0["figureWidth"] as? Double }.max() ?? 0
        }
        // Bigger windows: bigger text and a bigger figure (no 1500 px cap).
        #expect(proseBySize[3840]! > proseBySize[1920]! && proseBySize[1920]! > proseBySize[1280]! - 0.01)
        #expect(figureBySize[1920]! > 1100, "the figure takes the room at 1920×1080: \(figureBySize[1920]!) px")
        #expect(figureBySize[3840]! > figureBySize[1920]!)
    }

    @Test func keysAndPrintLayout() throws {
        let css = Slideshow.style(.light)
        #expect(!css.contains("max-width: 1500px"))
        #expect(css.contains("clamp(16px"))
        #expect(css.contains(".eq { overflow-wrap: normal; word-break: normal; }"))
        #expect(css.contains("@page { size: A4 portrait"))
        #expect(Slideshow.script.contains("case 'f':") && Slideshow.script.contains("requestFullscreen"))
        #expect(Slideshow.script.contains("case '?':"))
    }
}
