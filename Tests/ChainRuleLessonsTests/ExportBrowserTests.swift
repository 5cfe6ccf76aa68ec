import Foundation
import TestSupport
import Testing
@testable import ChainRuleExport
import ChainRuleLessons

/// Headless Chromium (Debian's `chromium` package), if installed.
let exportChromiumPath: String? = {
    let env = ProcessInfo.processInfo.environment
    if let given = env["CHROMIUM"], FileManager.default.isExecutableFile(atPath: given) { return given }
    for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    return nil
}()

/// Runs headless Chromium on `url` with `arguments` through the shared
/// runner; returns stdout. Gives up after 90 s.
func exportRunChromium(_ arguments: [String], url: String) throws -> String {
    let profile = exportTemporaryFolder("chromium-profile")
    defer { try? FileManager.default.removeItem(at: profile) }
    let r = try ProcessRunner.run(
        try #require(exportChromiumPath),
        ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-extensions", "--user-data-dir=\(profile.path)", "--virtual-time-budget=3000"] + arguments + [url],
        environment: ["HOME": profile.path], timeout: 90)
    return r.stdout
}

/// The step shown in a dumped slideshow DOM: the one `.slide` without `hidden`.
func exportVisibleSteps(_ dom: String) -> [Int] {
    var steps: [Int] = []
    var rest = Substring(dom)
    while let r = rest.range(of: "<section class=\"slide") {
        let tag = rest[r.lowerBound...].prefix { $0 != ">" }
        if !tag.contains(" hidden"), let d = tag.range(of: "data-step=\"") {
            steps.append(Int(tag[d.upperBound...].prefix { $0 != "\"" }) ?? -1)
        }
        rest = rest[r.upperBound...]
    }
    return steps
}

@Suite("Export: the slideshow in a browser", .serialized)
struct ExportBrowserTests {
    /// The slideshow the browser tests open: the first shipped lesson with at least 3 steps.
    func slideshow() throws -> (URL, Int) {
        let export = try ShippedExport.get()
        let pick = try #require(zip(export.lessons, export.summary.lessons).first { $0.0.steps.count >= 3 })
        return (export.folder.appendingPathComponent(pick.1.slideshow), pick.0.steps.count)
    }

    @Test("#1 and #3 open different steps, past the end clamps, and the visible step carries its figure",
          .enabled(if: exportChromiumPath != nil, "chromium is not installed (apt-get install chromium); skipping the browser tests"))
    func hashNavigation() throws {
        let (page, count) = try slideshow()
        let one = try exportRunChromium(["--dump-dom"], url: page.absoluteString + "#1")
        let three = try exportRunChromium(["--dump-dom"], url: page.absoluteString + "#3")
        #expect(exportVisibleSteps(one) == [1])
        #expect(exportVisibleSteps(three) == [3])
        #expect(one.contains("Step 1 of \(count)"))
        #expect(three.contains("Step 3 of \(count)"))
        // Past the end clamps to the last step; no hash is step 1.
        let end = try exportRunChromium(["--dump-dom"], url: page.absoluteString + "#9999")
        #expect(exportVisibleSteps(end) == [count])
        let bare = try exportRunChromium(["--dump-dom"], url: page.absoluteString)
        #expect(exportVisibleSteps(bare) == [1])
        // The visible step carries its figure.
        let section = three[three.range(of: "data-step=\"3\"")!.lowerBound...]
        let slide = section[..<(section.range(of: "</section>")?.lowerBound ?? section.endIndex)]
        #expect(slide.contains("<svg") && slide.contains("class=\"node"))
    }

    @Test("hashchange, ←/→, Home/End and the buttons move between steps and keep the hash in step",
          .enabled(if: exportChromiumPath != nil, "chromium is not installed (apt-get install chromium); skipping the browser tests"))
    func keysButtonsAndHashchange() throws {
        let (page, count) = try slideshow()
        // A page of our own (no CSP) drives the slideshow in an iframe and reports what it sees.
        let driver = page.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("driver-\(getpid()).html")
        let src = page.deletingLastPathComponent().lastPathComponent + "/index.html"
        try Data("""
        <!DOCTYPE html><html><body><iframe id="f" src="\(src)#1" width="1200" height="800"></iframe><pre id="out">pending</pre>
        <script>
        var f = document.getElementById('f');
        f.onload = function () {
          var d = f.contentDocument, w = f.contentWindow;
          function vis() { return Array.prototype.filter.call(d.querySelectorAll('.slide'), function (s) { return !s.hidden; }).map(function (s) { return s.dataset.step; }).join(','); }
          function key(k) { d.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true})); }
          var log = ['load=' + vis() + w.location.hash];
          w.location.hash = '#3';
          setTimeout(function () {
            log.push('hash=' + vis());
            key('ArrowRight'); log.push('right=' + vis() + w.location.hash);
            key('End'); log.push('end=' + vis());
            key('ArrowRight'); log.push('past=' + vis());
            key('Home'); log.push('home=' + vis());
            key('ArrowLeft'); log.push('before=' + vis());
            d.getElementById('next').click(); d.getElementById('next').click();
            log.push('next=' + vis() + w.location.hash);
            d.getElementById('prev').click(); log.push('prev=' + vis());
            document.getElementById('out').textContent = log.join(' ');
          }, 300);
        };
        </script></body></html>
        """.utf8).write(to: driver)
        defer { try? FileManager.default.removeItem(at: driver) }
        let dom = try exportRunChromium(["--dump-dom", "--allow-file-access-from-files"], url: driver.absoluteString)
        let out = dom.range(of: "<pre id=\"out\">").map { String(dom[$0.upperBound...].prefix { $0 != "<" }) } ?? ""
        #expect(out == "load=1#1 hash=3 right=4#4 end=\(count) past=\(count) home=1 before=1 next=3#3 prev=2", "\(out)")
    }

    @Test("a screenshot shows the figure, and #3 looks different from #1",
          .enabled(if: exportChromiumPath != nil, "chromium is not installed (apt-get install chromium); skipping the browser tests"))
    func screenshots() throws {
        let (page, _) = try slideshow()
        let folder = exportTemporaryFolder("shots")
        var shots: [Data] = []
        for step in [1, 3] {
            let png = folder.appendingPathComponent("step\(step).png")
            _ = try exportRunChromium(["--window-size=1280,800", "--screenshot=\(png.path)"], url: page.absoluteString + "#\(step)")
            shots.append(try Data(contentsOf: png))
        }
        // A blank page for scale: the same page size with nothing on it.
        let blank = folder.appendingPathComponent("blank.html")
        try Data("<!DOCTYPE html><title>blank</title>".utf8).write(to: blank)
        let blankPNG = folder.appendingPathComponent("blank.png")
        _ = try exportRunChromium(["--window-size=1280,800", "--screenshot=\(blankPNG.path)"], url: blank.absoluteString)
        let empty = try Data(contentsOf: blankPNG)
        for shot in shots {
            #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            // The figure, text and controls make the image far richer than a blank page.
            #expect(shot.count > empty.count * 5, "screenshot of \(shot.count) bytes vs blank \(empty.count)")
        }
        #expect(shots[0] != shots[1])
    }
}
