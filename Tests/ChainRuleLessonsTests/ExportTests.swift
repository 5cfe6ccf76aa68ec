import ChainRuleRender
import Foundation
import Testing
@testable import ChainRuleExport
import ChainRuleLessons

/// The package's root folder (this file is Tests/ChainRuleLessonsTests/ExportTests.swift).
let exportPackageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func exportTemporaryFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("chainrule-export-tests-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func exportReadText(_ url: URL) throws -> String {
    String(decoding: try Data(contentsOf: url), as: UTF8.self)
}

/// Every shipped lesson, exported once (into a temporary folder) and shared by the tests below.
struct ShippedExport: Sendable {
    let lessons: [Lesson]
    let folder: URL
    let summary: ExportSummary

    static let shared: Result<ShippedExport, ExportTestError> = {
        let library = LessonLibrary(directory: exportPackageRoot.appendingPathComponent("Lessons").path)
        let entries = library.entries()
        guard !entries.isEmpty else { return .failure(ExportTestError("no lessons in \(library.directory)")) }
        var lessons: [Lesson] = []
        for entry in entries {
            do { lessons.append(try Lesson.load(path: entry.path)) } catch {
                return .failure(ExportTestError("\(error)"))
            }
        }
        let folder = exportTemporaryFolder("shipped")
        do {
            let summary = try LessonExporter(options: ExportOptions(directory: folder, progress: false)).export(lessons)
            return .success(ShippedExport(lessons: lessons, folder: folder, summary: summary))
        } catch {
            return .failure(ExportTestError("\(error)"))
        }
    }()

    static func get() throws -> ShippedExport { try shared.get() }
}

struct ExportTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite("Export: shipped lessons")
struct ExportShippedLessonsTests {
    @Test("every shipped lesson exports: frames, figures, worksheets, slideshow, lesson list")
    func exportsEveryLesson() throws {
        let export = try ShippedExport.get()
        let fm = FileManager.default
        #expect(export.summary.lessons.count == export.lessons.count)
        #expect(fm.fileExists(atPath: export.folder.appendingPathComponent("index.html").path))
        let list = try exportReadText(export.folder.appendingPathComponent("index.html"))
        for (lesson, result) in zip(export.lessons, export.summary.lessons) {
            let dir = export.folder.appendingPathComponent(lesson.id)
            #expect(result.frameFiles.count == lesson.steps.count)
            for (name, _) in result.frameFiles {
                #expect(fm.fileExists(atPath: dir.appendingPathComponent("\(name).svg").path), "\(lesson.id)/\(name).svg")
                #expect(name.range(of: #"^\d{2,}-[a-z]+(-[A-Za-z0-9_-]+)?$"#, options: .regularExpression) != nil, "frame name \(name)")
            }
            let suffixes = lesson.sections.count == 1 ? [""] : lesson.sections.indices.map { "-\($0 + 1)" }
            for s in suffixes {
                for base in ["forward", "backward", "worksheet"] {
                    for ext in ["svg", "pdf"] {
                        #expect(fm.fileExists(atPath: dir.appendingPathComponent("\(base)\(s).\(ext)").path), "\(lesson.id)/\(base)\(s).\(ext)")
                    }
                }
                for ext in ["svg", "pdf"] {
                    #expect(fm.fileExists(atPath: dir.appendingPathComponent("worksheet\(s)-answers.\(ext)").path))
                }
                let pdf = try Data(contentsOf: dir.appendingPathComponent("backward\(s).pdf"))
                #expect(pdf.starts(with: Array("%PDF".utf8)))
            }
            let html = try exportReadText(dir.appendingPathComponent("index.html"))
            #expect(html.components(separatedBy: "<section class=\"slide").count - 1 == lesson.steps.count)
            #expect(html.contains("<svg"))
            #expect(list.contains("href=\"\(lesson.id)/index.html\""))
            // Offline: nothing is fetched from anywhere.
            for needle in ["src=\"http", "href=\"http://", "@import", "url(http", "<link ", "<iframe"] {
                #expect(!html.contains(needle), "\(lesson.id)/index.html contains \(needle)")
            }
            #expect(fm.fileExists(atPath: dir.appendingPathComponent(ExportFileStore.manifestName).path))
        }
    }

    @Test("nodes and edges never move between the frames of one graph (and its finished figures), nor between a worksheet and its answer key")
    func framesShareOneLayout() throws {
        let export = try ShippedExport.get()
        var compared = 0
        for (lesson, result) in zip(export.lessons, export.summary.lessons) {
            let dir = export.folder.appendingPathComponent(lesson.id)
            var bySection: [Int: [String]] = [:]
            for (name, section) in result.frameFiles {
                if let section { bySection[section, default: []].append(name + ".svg") }
            }
            for (section, frames) in bySection {
                let s = lesson.sections.count == 1 ? "" : "-\(section + 1)"
                // A worksheet has its own layout (answer boxes all one size), shared with its key.
                for files in [frames + ["forward\(s).svg", "backward\(s).svg"], ["worksheet\(s).svg", "worksheet\(s)-answers.svg"]] {
                    let reference = ExportSVG.geometry(try exportReadText(dir.appendingPathComponent(files[0])))
                    #expect(reference.keys.contains { $0.hasPrefix("node ") }, "\(lesson.id): no node positions parsed")
                    #expect(reference.keys.contains { $0.hasPrefix("edge ") }, "\(lesson.id): no edges parsed")
                    for file in files.dropFirst() {
                        let geometry = ExportSVG.geometry(try exportReadText(dir.appendingPathComponent(file)))
                        for (key, value) in reference {
                            #expect(geometry[key] == value, "\(lesson.id)/\(file): \(key) moved")
                        }
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 0)
    }

    @Test("timing: export of every shipped lesson")
    func timing() throws {
        let export = try ShippedExport.get()
        let s = export.summary
        print("export: \(s.lessons.count) lessons, \(s.frames) frames, \(s.renders) renders, \(s.files) files, "
              + String(format: "%.2f s (%.2f s training), %.1f ms per frame", s.seconds, s.trainingSeconds, s.millisecondsPerFrame))
        #expect(s.frames > 0)
    }
}

/// A lesson whose every piece of user text is hostile.
let hostileLesson = """
# Evil <script>alert(1)</script> <img src=x onerror=alert(1)> "&' ]]>

Prose: <script>alert(1)</script> and <img src=x onerror=alert(1)> and "&'" and ]]> and <!-- comment --> and
[a link](javascript:alert(1)) and `<b>code</b>` and **bold <i>**.

```graph
x = 2
y = 3
z = x * y
```

> note forward z: <script>alert(1)</script> <img src=x onerror=alert(1)> "&'" ]]>
> note backward x: ]]> <![CDATA[ x ]]> </svg><script>alert(1)</script>
> ask backward y: <img src=x onerror=alert(1)>?
"""

/// Attributes named `on…` in the tags of `html` (quoted attribute values,
/// where escaped lesson text lives, are skipped).
func exportEventHandlers(in html: String) -> [String] {
    var found: [String] = []
    var rest = Substring(html)
    while let open = rest.firstIndex(of: "<") {
        rest = rest[rest.index(after: open)...]
        guard let first = rest.first, first.isLetter else { continue }
        var tag = ""
        var quote: Character?
        while let c = rest.first, quote != nil || c != ">" {
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else { tag.append(c) }
            rest = rest.dropFirst()
        }
        for word in tag.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if word.lowercased().hasPrefix("on"), word.contains("=") { found.append(String(word)) }
        }
    }
    return found
}

@Suite("Export: safety")
struct ExportSafetyTests {
    func exportHostile() throws -> (URL, Lesson) {
        let lesson = try Lesson(markdown: hostileLesson, fileName: "01-evil.md")
        let folder = exportTemporaryFolder("hostile")
        _ = try LessonExporter(options: ExportOptions(directory: folder, progress: false)).export([lesson])
        return (folder, lesson)
    }

    @Test("lesson text is escaped: scripts, tags, quotes and ]]> stay inert text")
    func escapesUserText() throws {
        let (folder, _) = try exportHostile()
        let dir = folder.appendingPathComponent("evil")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".svg") || $0.hasSuffix(".html") }
            .map { dir.appendingPathComponent($0) } + [folder.appendingPathComponent("index.html")]
        #expect(files.count > 5)
        for file in files {
            let text = try exportReadText(file)
            let name = file.lastPathComponent
            #expect(!text.contains("<script>alert"), "\(name)")
            #expect(!text.contains("<img"), "\(name)")
            #expect(!text.contains("bold <i>"), "\(name)")
            #expect(!text.contains("]]>"), "\(name)")
            #expect(!text.contains("<![CDATA["), "\(name)")
            #expect(!text.contains("javascript:"), "\(name): a javascript: link")
            // No tag carries an event handler (the words may appear as escaped text).
            #expect(exportEventHandlers(in: text).isEmpty, "\(name): an event handler")
        }
        let show = try exportReadText(dir.appendingPathComponent("index.html"))
        // Exactly one script: the slideshow's own, allowed by hash in the CSP.
        #expect(show.components(separatedBy: "<script").count - 1 == 1)
        #expect(show.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(show.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(show.contains("&quot;&amp;&#39;"))
        #expect(show.contains("]]&gt;"))
        #expect(show.contains("<title>Evil &lt;script&gt;alert(1)&lt;/script&gt;"))
        let script = String(show[show.range(of: "<script>")!.upperBound..<show.range(of: "</script>")!.lowerBound])
        #expect(show.contains("script-src \(SHA256.cspSource(script))"))
        let list = try exportReadText(folder.appendingPathComponent("index.html"))
        #expect(list.contains("Evil &lt;script&gt;"))
        #expect(!list.contains("<script"))
    }

    @Test("refuses to overwrite a file it did not generate, with a one-line error")
    func refusesForeignFiles() throws {
        let lesson = try Lesson(markdown: hostileLesson, fileName: "01-evil.md")
        let folder = exportTemporaryFolder("foreign")
        let dir = folder.appendingPathComponent("evil")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let mine = dir.appendingPathComponent("index.html")
        try Data("my own notes".utf8).write(to: mine)
        let exporter = LessonExporter(options: ExportOptions(directory: folder, progress: false))
        #expect {
            _ = try exporter.export([lesson])
        } throws: { error in
            let message = (error as? ExportError)?.message ?? ""
            return message.contains("refusing to overwrite") && message.contains("index.html") && !message.contains("\n")
        }
        #expect(try exportReadText(mine) == "my own notes")
        // Nothing half-written is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("re-export replaces its own files, keeps others', removes only its own stale files")
    func reexport() throws {
        let lesson = try Lesson(markdown: hostileLesson, fileName: "01-evil.md")
        let folder = exportTemporaryFolder("again")
        let dir = folder.appendingPathComponent("evil")
        let exporter = LessonExporter(options: ExportOptions(directory: folder, progress: false))
        _ = try exporter.export([lesson])
        let first = try exportReadText(dir.appendingPathComponent("index.html"))
        // Someone's file next to ours, and a stale file an earlier export wrote.
        try Data("keep".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let stale = dir.appendingPathComponent("99-forward-gone.svg")
        try Data("old".utf8).write(to: stale)
        let manifest = dir.appendingPathComponent(ExportFileStore.manifestName)
        let listed = try exportReadText(manifest) + "\(ExportFileStore.checksum(Array("old".utf8)))  99-forward-gone.svg\n"
        try Data(listed.utf8).write(to: manifest)
        let summary = try exporter.export([lesson])
        #expect(try exportReadText(dir.appendingPathComponent("index.html")) == first, "same input, same bytes")
        #expect(try exportReadText(dir.appendingPathComponent("notes.txt")) == "keep")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(summary.files > 5)
        // A generated file edited by hand is not overwritten.
        let frame = dir.appendingPathComponent(summary.lessons[0].frameFiles[0].name + ".svg")
        try Data("edited".utf8).write(to: frame)
        #expect(throws: ExportError.self) { _ = try exporter.export([lesson]) }
        #expect(try exportReadText(frame) == "edited")
    }

    @Test("exporting one lesson later keeps the others in the lesson list")
    func listKeepsEarlierLessons() throws {
        let evil = try Lesson(markdown: hostileLesson, fileName: "01-evil.md")
        let other = try Lesson(markdown: "# Other\n\n```graph\na = 1\nb = a * a\n```\n", fileName: "02-other.md")
        let folder = exportTemporaryFolder("list")
        let exporter = LessonExporter(options: ExportOptions(directory: folder, progress: false))
        _ = try exporter.export([other])
        _ = try exporter.export([evil])
        let list = try exportReadText(folder.appendingPathComponent("index.html"))
        let first = try #require(list.range(of: "href=\"evil/index.html\""))
        let second = try #require(list.range(of: "href=\"other/index.html\""))
        #expect(first.lowerBound < second.lowerBound, "lessons in the order of their numbers")
        // A card someone edited is left out rather than trusted.
        let card = folder.appendingPathComponent("other/" + LessonExporter.cardName)
        try Data("<!-- chainrule-card 000002 other -->\n<script>alert(1)</script>".utf8).write(to: card)
        _ = try exporter.export([evil])
        let again = try exportReadText(folder.appendingPathComponent("index.html"))
        #expect(!again.contains("other/index.html"))
        #expect(!again.contains("<script"))
    }

    @Test("--theme and --format reach every file")
    func themeAndFormats() throws {
        let lesson = try Lesson(markdown: hostileLesson, fileName: "01-evil.md")
        let folder = exportTemporaryFolder("formats")
        let dir = folder.appendingPathComponent("evil")
        let options = ExportOptions(directory: folder, theme: .dark, formats: [.png, .pdf], progress: false)
        let summary = try LessonExporter(options: options).export([lesson])
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.filter { $0.hasSuffix(".svg") }.isEmpty, "\(names)")
        for (name, _) in summary.lessons[0].frameFiles {
            let png = try Data(contentsOf: dir.appendingPathComponent(name + ".png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(names.contains(name + ".pdf"))
        }
        for base in ["forward", "backward", "worksheet", "worksheet-answers"] {
            #expect(names.contains(base + ".png") && names.contains(base + ".pdf"), "\(base)")
        }
        let show = try exportReadText(dir.appendingPathComponent("index.html"))
        #expect(show.contains("class=\"theme-dark\""))
        #expect(show.contains(FigureTheme.dark.background))
    }
}

@Suite("Export: pieces")
struct ExportPiecesTests {
    @Test func eventHandlerDetector() {
        #expect(exportEventHandlers(in: "<img src=x onerror=alert(1)>") == ["onerror=alert(1)"])
        #expect(exportEventHandlers(in: "<p title=\"<img onerror=x>\">&lt;img onerror=x&gt;</p>").isEmpty)
    }

    @Test func escaping() {
        #expect(ExportHTML.escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
    }

    @Test func markdown() {
        let html = ExportHTML.markdown("## Why\n\nA *b* **c** `d<e` $x^2$ [w](https://example.org) [j](javascript:x)\n\n- one\n- two\n\n```\n<x>\n```")
        #expect(html.contains("<h4>Why</h4>"))
        #expect(html.contains("<em>b</em> <strong>c</strong> <code>d&lt;e</code> <span class=\"math\">x^2</span>"))
        #expect(html.contains("<a href=\"https://example.org\" rel=\"noopener noreferrer\">w</a> j"))
        #expect(html.contains("<ul><li>one</li><li>two</li></ul>"))
        #expect(html.contains("<pre><code>&lt;x&gt;</code></pre>"))
        #expect(ExportHTML.inline("snake_case_name") == "snake_case_name")
    }

    /// The NIST test vectors (FIPS 180-4 examples and the SHA-256 short and
    /// long messages): empty, one block, two blocks, padding across a block
    /// boundary, and a million bytes.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ])
    func sha256(message: String, digest: String) {
        let hex = SHA256.digest(Array(message.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == digest, "\(message.prefix(20))… (\(message.utf8.count) bytes)")
    }

    @Test func cspSourceIsTheBase64OfTheDigest() {
        #expect(SHA256.cspSource("abc") == "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='")
    }

    @Test func inlineSVG() {
        let svg = Array("""
        <?xml version="1.0"?>
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">
        <!-- a &#45;&#45;> comment -->
        <svg width="100pt" height="50pt" viewBox="0 0 100 50"><g id="graph0"><title>t</title></g></svg>
        """.utf8)
        let inline = ExportSVG.inline(svg, idPrefix: "s1-", label: "<x>")
        #expect(inline.hasPrefix("<svg"))
        #expect(!inline.contains("<!--") && !inline.contains("DOCTYPE") && !inline.contains("width=\"100pt\""))
        #expect(inline.contains("id=\"s1-graph0\""))
        #expect(inline.contains("aria-label=\"&lt;x&gt;\""))
        let file = String(decoding: ExportSVG.file(svg), as: UTF8.self)
        #expect(file.contains(ExportSVG.marker))
    }

    @Test func atomicWritesAndManifest() throws {
        let folder = exportTemporaryFolder("store")
        let store = ExportFileStore(root: folder)
        try store.write("one", to: "a/x.txt")
        try store.write("two", to: "a/x.txt")
        try store.finish()
        #expect(try exportReadText(folder.appendingPathComponent("a/x.txt")) == "two")
        let manifest = try exportReadText(folder.appendingPathComponent("a/" + ExportFileStore.manifestName))
        #expect(manifest.contains("  x.txt\n"))
        #expect(throws: ExportError.self) { try store.write("x", to: "../escape.txt") }
    }
}
