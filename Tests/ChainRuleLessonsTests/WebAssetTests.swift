import Foundation
import Testing
import ChainRuleRender
import TestSupport
@testable import ChainRuleExport

/// The slideshow's script and styles are the files in
/// `Sources/ChainRuleExport/Embedded`, compiled in by the EmbedFiles plugin:
/// the pages carry exactly their text, and the Content-Security-Policy's
/// hash is the hash of that text.
@Suite struct WebAssetTests {
    static let folder = Repository.root.appendingPathComponent("Sources/ChainRuleExport/Embedded")

    func file(_ name: String) throws -> String {
        try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func everyFileIsCompiledInUnchanged() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == ["follow.js", "index.css", "slideshow.css", "slideshow.js"])
        #expect(WebAssets.files.keys.sorted() == names)
        for name in names { #expect(try WebAssets.text(name) == file(name), "\(name)") }
    }

    @Test(arguments: FigureTheme.all.map(\.name))
    func slideshowCarriesTheFilesAndTheirHash(_ theme: String) throws {
        let page = Slideshow(title: "T", eyebrow: "Lesson 1", slides: [], links: [], theme: FigureTheme.named(theme)!, homeHref: nil).html()
        let script = try file("slideshow.js") + "\n" + file("follow.js")
        #expect(page.contains("<script>" + script + "</script>"))
        #expect(page.components(separatedBy: "<script").count == 2)
        #expect(page.contains("script-src \(SHA256.cspSource(script));"))
        #expect(page.contains(try file("slideshow.css") + "\n</style>"))
    }

    @Test(arguments: FigureTheme.all.map(\.name))
    func lessonListCarriesItsStyles(_ theme: String) throws {
        let page = LessonIndexPage(cards: [], theme: FigureTheme.named(theme)!).html()
        #expect(page.contains(try file("index.css") + "\n</style>"))
        #expect(!page.contains("<script"))
    }
}
