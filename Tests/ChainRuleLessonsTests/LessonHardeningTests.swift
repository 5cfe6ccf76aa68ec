import ChainRule
import ChainRuleExport
import ChainRuleLessons
import ChainRulePlayer
import ChainRuleRender
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Hardening (issue 8): lesson text (title, prose, notes, questions) full of
/// markup, Graphviz specials and terminal escape sequences is inert in the
/// terminal view, the SVG frames and the HTML slideshow; exports from
/// several threads give the same bytes as one after another.
@Suite struct LessonHardeningTests {
    static let esc = "\u{1B}"
    /// Everything a hostile lesson might put in its text.
    static let evil = "<script>alert(1)</script> <img src=x onerror=alert(2)> & \"q\" 's' ]]> <!-- c --> "
        + "{a|b} <x> \\N \\G <![CDATA[x]]> &amp; </svg> \(esc)[31mRED\(esc)[0m \(esc)]0;pwned\u{07} \u{9B}31m \(esc)[2J"

    static var markdown: String {
        """
        # Title \(evil)

        Prose \(evil)

        **bold \(esc)[5m** and `code \(evil)` and [link](javascript:alert(3)).

        ```graph
        x = 2
        w_1 = 3
        y = x * w_1
        L = log(y - 6)
        ```

        > note forward y: note \(evil)
        > ask backward x: question \(evil)
        > note backward w_1: back \(evil)

        Closing \(evil)
        """
    }

    static func hostileLesson() throws -> Lesson {
        try Lesson(markdown: markdown, fileName: "Lessons/98-hostile.md")
    }

    @Test func terminalViewHasNoRawControlCharacters() throws {
        let lesson = try Self.hostileLesson()
        for color in [false, true] {
            let player = LessonPlayer(lesson: lesson, style: TextStyle(color: color, width: 100))
            var out = ""
            try player.playAll { out += $0 }
            // The user's ESC, BEL and CSI (U+009B) are shown as ␛ ␇ �, never sent.
            #expect(!out.unicodeScalars.contains { $0 == "\u{07}" || $0 == "\u{9B}" })
            #expect(out.contains("␛[31mRED␛[0m") && out.contains("␛]0;pwned␇"))
            let escapes = out.components(separatedBy: Self.esc).count - 1
            if color {
                // Only the player's own styling: ESC followed by "[" and a style code ending in "m".
                for piece in out.components(separatedBy: Self.esc).dropFirst() {
                    #expect(piece.range(of: #"^\[[0-9;]*m"#, options: .regularExpression) != nil, "foreign escape: \(piece.prefix(12))")
                }
            } else {
                #expect(escapes == 0)
            }
            #expect(out.contains("Title <script>alert(1)</script>"))   // shown as text, literally
            #expect(out.contains("−∞"))
        }
    }

    @Test func exportedFilesAreInert() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-hostile-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try LessonExporter(options: ExportOptions(directory: dir, formats: [.svg], progress: false)).export([Self.hostileLesson()])
        let folder = dir.appendingPathComponent("hostile")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.filter { $0.hasSuffix(".svg") }.count > 8)
        for name in names where name.hasSuffix(".svg") || name.hasSuffix(".html") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(!data.contains(0x1B) && !data.contains(0x07), "\(name) has a raw control character")
            if name.hasSuffix(".svg") {
                let parser = XMLParser(data: data)
                #expect(parser.parse(), "\(name): \(String(describing: parser.parserError))")
                #expect(!String(decoding: data, as: UTF8.self).contains("<script"), "\(name)")
            }
        }
        for page in [folder.appendingPathComponent("index.html"), dir.appendingPathComponent("index.html")] {
            let html = try String(contentsOf: page, encoding: .utf8)
            // The lesson's tags, comments and CDATA arrive as text, never as markup.
            for injected in ["<script>alert", "<img src=x", "<x>", "<!-- c -->", "<![CDATA[", "</svg> ", "href=\"javascript:"] {
                #expect(!html.contains(injected), "\(page.lastPathComponent) contains \(injected)")
            }
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("&lt;!-- c --&gt;"))
            #expect(html.contains("]]&gt;"))
            // Every <script> element is the slideshow's own (none comes from the lesson).
            let own = html.components(separatedBy: "<script").count - 1
            #expect(own <= 1, "\(page.lastPathComponent): \(own) script elements")
        }
    }

    /// Four exports of the same lessons at once, from four threads, each into
    /// its own folder, give exactly the files and bytes of a serial export.
    @Test func concurrentExportsMatchSerial() async throws {
        let lessons = [try shippedLesson("apples"), try shippedLesson("softmax"), try Self.hostileLesson()]
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-concurrent-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        func export(_ name: String) throws -> [String: Data] {
            let dir = base.appendingPathComponent(name)
            _ = try LessonExporter(options: ExportOptions(directory: dir, formats: [.svg, .pdf], progress: false)).export(lessons)
            var files: [String: Data] = [:]
            let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
            for case let url as URL in walker where !url.hasDirectoryPath {
                let relative = String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))
                files[relative] = try Data(contentsOf: url)
            }
            return files
        }
        let serial = try export("serial")
        #expect(serial.count > 40)
        let parallel = try await withThrowingTaskGroup(of: [String: Data].self) { group in
            for i in 0..<4 { group.addTask { try export("parallel-\(i)") } }
            var all: [[String: Data]] = []
            for try await files in group { all.append(files) }
            return all
        }
        for files in parallel {
            #expect(files.keys.sorted() == serial.keys.sorted())
            for (name, data) in serial where files[name] != data {
                Issue.record("\(name) differs from the serial export")
            }
        }
    }
}
