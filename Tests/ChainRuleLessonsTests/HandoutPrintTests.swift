import Foundation
import TestSupport
import Testing
import ChainRuleExport
import ChainRuleLessons

/// Python 3 with Playwright, driving Debian's chromium (as the quiz test).
private let handoutPython: String? = {
    guard exportChromiumPath != nil else { return nil }
    for python in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: python) {
        let r = try? ProcessRunner.run(python, ["-c", "import playwright.sync_api"], timeout: 60)
        if r?.status == 0 { return python }
    }
    return nil
}()

/// Prints the slideshow with Chromium (`page.pdf`, the page's own `@page`
/// size) and measures every slide in print media at A4's printable width.
private let handoutDriver = #"""
import json, shutil, sys
from playwright.sync_api import sync_playwright
url, pdf = sys.argv[1], sys.argv[2]
with sync_playwright() as p:
    b = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
    page = b.new_page(viewport={"width": 718, "height": 1047})
    page.goto(url)
    page.emulate_media(media="print")
    rows = page.evaluate("""() => [...document.querySelectorAll('.slide')].map(s => {
        const f = s.querySelector('.figure'), svg = f.querySelector('svg'), panel = s.querySelector('.panel');
        const r = s.getBoundingClientRect(), fr = f.getBoundingClientRect(), sr = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
        return {slide: r.height, figure: fr.height, figureWidth: fr.width, svgWidth: sr.width, svgHeight: sr.height,
                panelOverflow: Math.max(panel.scrollHeight - panel.clientHeight, s.scrollHeight - s.clientHeight)};
    })""")
    page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)
    b.close()
print(json.dumps(rows))
"""#

@Suite("Export: the printed handout in headless Chromium (Playwright)", .serialized)
struct HandoutPrintTests {
    @Test("two slides per portrait A4 page, the figure filling its half",
          .enabled(if: handoutPython != nil, "needs chromium and Python Playwright (pip install playwright)"),
          arguments: ["01-apples.md", "04-fan-out.md"])
    func twoSlidesPerPortraitPage(_ file: String) throws {
        let dir = exportTemporaryFolder("handout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = try Lesson.load(path: exportPackageRoot.appendingPathComponent("Lessons/" + file).path)
        let summary = try LessonExporter(options: ExportOptions(directory: dir, formats: [.svg], progress: false)).export([lesson])
        let page = dir.appendingPathComponent(try #require(summary.lessons.first).slideshow)
        let script = dir.appendingPathComponent("print.py"), pdf = dir.appendingPathComponent("handout.pdf")
        try handoutDriver.write(to: script, atomically: true, encoding: .utf8)
        let r = try ProcessRunner.run(try #require(handoutPython), [script.path, page.absoluteString, pdf.path], timeout: 180)
        try #require(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Double]])
        let slides = lesson.steps.count
        #expect(rows.count == slides)
        // A4 portrait: 297 mm less 2 × 10 mm margins, at 96 px per inch; two slides fit one page.
        let printable = 277 / 25.4 * 96
        for (k, row) in rows.enumerated() {
            // These lessons' slides all fit half a page (a slide with more text may grow to a page).
            #expect(row["slide"]! * 2 <= printable, "slide \(k + 1) is \(row["slide"]!) px high")
            #expect(row["slide"]! > printable * 0.4, "slide \(k + 1) uses too little of its half")
            // Nothing is cut off, and the figure spans the width and a good part of the height.
            #expect(row["panelOverflow"]! <= 2, "slide \(k + 1): \(row["panelOverflow"]!) px of text cut off")
            #expect(row["svgWidth"]! >= row["figureWidth"]! * 0.9, "slide \(k + 1): figure \(row["svgWidth"]!) of \(row["figureWidth"]!) px")
            #expect(row["figure"]! >= row["slide"]! * 0.25, "slide \(k + 1): figure \(row["figure"]!) of \(row["slide"]!) px")
        }
        let pdfinfo = try #require(Repository.which("pdfinfo"), "pdfinfo is needed (apt-get install poppler-utils)")
        let info = try ProcessRunner.run(pdfinfo, [pdf.path], timeout: 60).stdout
        let pages = try #require(pdfPages(info), "\(info)")
        #expect(pages.pages == (slides + 1) / 2, "\(slides) slides on \(pages.pages) pages")
        #expect(abs(pages.width - 595) < 1 && abs(pages.height - 842) < 1, "\(pages.width) × \(pages.height)")
        // Every page shows two steps' heads (the last maybe one).
        let pdftotext = try #require(Repository.which("pdftotext"))
        for k in 1...((slides + 1) / 2) {
            let text = try ProcessRunner.run(pdftotext, ["-f", "\(k)", "-l", "\(k)", pdf.path, "-"], timeout: 60).stdout
            let heads = text.components(separatedBy: " · step ").count - 1
            #expect(heads == (k * 2 <= slides ? 2 : 1), "page \(k): \(heads) steps")
        }
    }
}
