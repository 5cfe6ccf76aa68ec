import ChainRuleRender
import Foundation
import TestSupport
import Testing
@testable import ChainRuleExport
import ChainRuleLessons

/// poppler's `pdfinfo` or `pdftotext` on `pdf`: its output.
func popplerText(_ tool: String, _ pdf: URL, _ extra: [String] = []) throws -> String {
    let path = try #require(Repository.which(tool), "\(tool) is needed (apt-get install poppler-utils)")
    let r = try ProcessRunner.run(path, extra + [pdf.path] + (tool == "pdftotext" ? ["-"] : []), timeout: 60)
    #expect(r.status == 0, "\(tool) \(pdf.lastPathComponent): \(r.stderr)")
    return r.stdout
}

/// `Pages:` and `Page size:` (points) from `pdfinfo`.
func pdfPages(_ info: String) -> (pages: Int, width: Double, height: Double)? {
    var pages: Int?, size: [Double] = []
    for line in info.split(separator: "\n") {
        if line.hasPrefix("Pages:") { pages = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
        if line.hasPrefix("Page size:") {
            size = line.dropFirst(10).split(separator: " ").compactMap { Double($0) }
        }
    }
    guard let pages, size.count >= 2 else { return nil }
    return (pages, size[0], size[1])
}

extension ExportShippedLessonsTests {
    @Test("every worksheet is a printable page: paper size, title, name line, instructions, legend; answers only in the key")
    func worksheetsArePrintable() throws {
        let export = try ShippedExport.get()
        let paper = PaperSize.forLocale()
        var checked = 0
        for lesson in export.lessons {
            let dir = export.folder.appendingPathComponent(lesson.id)
            for section in lesson.sections.indices {
                let s = lesson.sections.count == 1 ? "" : "-\(section + 1)"
                for key in [false, true] {
                    let pdf = dir.appendingPathComponent("worksheet\(s)\(key ? "-answers" : "").pdf")
                    let info = try #require(pdfPages(try popplerText("pdfinfo", pdf)), "\(pdf.path)")
                    #expect(abs(info.width - paper.points.width) < 1 && abs(info.height - paper.points.height) < 1,
                            "\(lesson.id)\(s): \(info.width) × \(info.height)")
                    #expect(info.pages >= 1 && info.pages <= 3, "\(lesson.id)\(s): \(info.pages) pages")
                    if lesson.id == "two-layer-net" { #expect(info.pages <= 2, "two-layer net: \(info.pages) pages") }
                    let text = try popplerText("pdftotext", pdf)
                    let firstWords = String(lesson.title.split(separator: " ").prefix(2).joined(separator: " "))
                    for words in [key ? "Answer key" : "Worksheet", firstWords, "Name", "Date", "Work backwards", "On every edge"] {
                        #expect(text.contains(words), "\(lesson.id)\(s)\(key ? " key" : ""): no '\(words)'")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked >= 2 * export.lessons.count)
        // The apples: 2.2 and 110 are answers (∂total/∂apple, ∂total/∂n), shown only in the key.
        let apples = export.folder.appendingPathComponent("apples")
        let blank = try popplerText("pdftotext", apples.appendingPathComponent("worksheet-1.pdf"))
        let answers = try popplerText("pdftotext", apples.appendingPathComponent("worksheet-1-answers.pdf"))
        for answer in ["2.2", "110"] {
            #expect(!blank.contains(answer), "the worksheet gives \(answer) away")
            #expect(answers.contains(answer), "the answer key lacks \(answer)")
        }
    }
}
