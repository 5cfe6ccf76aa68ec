import Foundation
import Testing
import ChainRuleExport
import ChainRuleLessons

/// Python 3 with Playwright (`pip install playwright`), driving Debian's chromium.
private let playwrightPython: String? = {
    guard exportChromiumPath != nil else { return nil }
    var candidates = ["/usr/bin/python3"]
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/python3") }
    for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import playwright.sync_api"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { continue }
        p.waitUntilExit()
        if p.terminationStatus == 0 { return python }
    }
    return nil
}()

/// The page script under test: answers typed into the slideshow's quiz boxes.
private let quizDriver = #"""
import json, shutil, sys
from playwright.sync_api import sync_playwright

page_url = sys.argv[1]
out = {"dialogs": 0}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
    page = browser.new_page()
    page.on("dialog", lambda d: (out.__setitem__("dialogs", out["dialogs"] + 1), d.dismiss()))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_url)
    quizzes = page.locator(".quiz")
    out["count"] = quizzes.count()

    def slide_of(i):
        step = quizzes.nth(i).evaluate("q => q.closest('.slide').getAttribute('data-step')")
        page.goto(page_url + "#" + step)
        page.wait_for_timeout(100)
        return quizzes.nth(i)

    # 1: an expression, right at once.
    q = slide_of(0)
    out["visible"] = q.is_visible()
    q.locator("input").fill("2*3")
    q.locator(".quiz-check").click()
    out["first"] = q.locator(".quiz-verdict").text_content()
    out["score1"] = q.locator(".quiz-score").text_content()
    # 2: unreadable and hostile text stays text; wrong → hint; right.
    q = slide_of(1)
    q.locator("input").fill("<img src=x onerror=alert(1)>")
    q.locator(".quiz-check").click()
    out["hostile"] = q.locator(".quiz-verdict").text_content()
    out["imgs"] = page.evaluate("document.querySelectorAll('.quiz img').length")
    q.locator("input").fill("7")
    q.locator("input").press("Enter")
    out["hint"] = q.locator(".quiz-verdict").text_content()
    q.locator("input").fill("1-1+2")
    q.locator(".quiz-check").click()
    out["second"] = q.locator(".quiz-verdict").text_content()
    # 3: Reveal.
    q = slide_of(2)
    q.locator(".quiz-reveal").click()
    out["revealed"] = q.locator(".quiz-verdict").text_content()
    out["disabled"] = q.locator("input").is_disabled()
    out["score"] = q.locator(".quiz-score").text_content()
    out["errors"] = errors
    browser.close()
print(json.dumps(out))
"""#

@Suite("Export: the slideshow quiz in headless Chromium (Playwright)", .serialized)
struct SlideshowQuizBrowserTests {
    @Test("answer box: expression right, hostile text inert, hint then right, reveal, score",
          .enabled(if: playwrightPython != nil, "needs chromium and Python Playwright (pip install playwright)"))
    func quizInTheSlideshow() throws {
        let dir = exportTemporaryFolder("quiz-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = try Lesson(markdown: QuizFixture.markdown, fileName: "01-quiz.md")
        let summary = try LessonExporter(options: ExportOptions(directory: dir, formats: [.svg], progress: false)).export([lesson])
        let page = dir.appendingPathComponent(try #require(summary.lessons.first).slideshow)
        let html = try String(contentsOf: page, encoding: .utf8)
        // The page keeps its CSP: only its own script, by hash; no eval, no innerHTML of typed text.
        #expect(html.contains("script-src 'sha256-"))
        #expect(!html.contains("unsafe-eval") && !html.contains("eval(") && !html.contains("innerHTML"))
        let script = exportTemporaryFolder("quiz-driver").appendingPathComponent("drive.py")
        try FileManager.default.createDirectory(at: script.deletingLastPathComponent(), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: script.deletingLastPathComponent()) }
        try quizDriver.write(to: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(playwrightPython))
        p.arguments = [script.path, page.absoluteString]
        let outFile = script.deletingLastPathComponent().appendingPathComponent("out.json")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: outFile)
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate(); Issue.record("playwright timed out"); return }
        try out.close()
        let data = try Data(contentsOf: outFile)
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        #expect(result["count"] as? Int == 3)
        #expect(result["visible"] as? Bool == true)
        #expect((result["first"] as? String)?.hasPrefix("✓ Right: 6") == true)
        #expect(result["score1"] as? String == "Score: 1/3")
        #expect((result["hostile"] as? String)?.hasPrefix("Type a number") == true)
        #expect(result["imgs"] as? Int == 0)
        #expect(result["dialogs"] as? Int == 0)
        #expect((result["hint"] as? String)?.hasPrefix("✗ Not quite. Hint: ") == true)
        #expect((result["second"] as? String)?.hasPrefix("✓ Right: 2") == true)
        #expect(result["revealed"] as? String == "The answer is 3")
        #expect(result["disabled"] as? Bool == true)
        #expect(result["score"] as? String == "Score: 2/3")
        #expect((result["errors"] as? [String])?.isEmpty == true)
    }
}
