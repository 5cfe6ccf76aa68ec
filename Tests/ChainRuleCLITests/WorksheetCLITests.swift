import Foundation
import TestSupport
import Testing

/// `chainrule draw --worksheet`: a printable page (pdfinfo, pdftotext), on
/// the paper asked for, with its answer key.
@Suite struct WorksheetCLITests {
    func tool(_ name: String) throws -> String {
        try #require(Harden.which(name), "\(name) is needed (apt-get install poppler-utils)")
    }

    func info(_ pdf: URL) throws -> String {
        let r = try Harden.run([pdf.path], executable: try tool("pdfinfo"))
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    func text(_ pdf: URL) throws -> String {
        let r = try Harden.run([pdf.path, "-"], executable: try tool("pdftotext"))
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test(arguments: [("a4", "595 x 842"), ("letter", "612 x 792")])
    func drawWorksheetOnPaper(_ paper: String, _ size: String) throws {
        let dir = try Harden.temporaryDirectory("sheet")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sheet = dir.appendingPathComponent("sheet.pdf"), key = dir.appendingPathComponent("key.pdf")
        let apples = CLI.repository.appendingPathComponent("Examples/apples.graph").path
        var r = try Harden.run(["draw", apples, "--worksheet", "--page", paper, "-o", sheet.path])
        #expect(r.status == 0, "\(r.stderr)")
        r = try Harden.run(["draw", apples, "--worksheet", "--answer-key", "--page", paper, "--title", "Shopping", "-o", key.path])
        #expect(r.status == 0, "\(r.stderr)")
        for pdf in [sheet, key] {
            let i = try info(pdf)
            #expect(i.contains("Page size:       \(size) pts"), "\(i)")
            #expect(i.contains("Pages:           1"), "\(i)")
        }
        let blank = try text(sheet), answers = try text(key)
        for words in ["Worksheet · apples", "Name", "Date", "Work backwards", "On every edge", "multiply"] {
            #expect(blank.contains(words), "no '\(words)' in \(blank)")
        }
        #expect(answers.contains("Answer key · Shopping"))
        for answer in ["2.2", "110"] {
            #expect(!blank.contains(answer))
            #expect(answers.contains(answer))
        }
    }

    @Test func worksheetOptionsNeedTheWorksheet() throws {
        let apples = CLI.repository.appendingPathComponent("Examples/apples.graph").path
        let r = try Harden.run(["draw", apples, "--answer-key"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--worksheet"))
    }

    @Test func worksheetSVGIsTheWholeSheet() throws {
        let apples = CLI.repository.appendingPathComponent("Examples/apples.graph").path
        let r = try Harden.run(["draw", apples, "--worksheet", "--format", "svg"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Name "))
        #expect(r.stdout.contains("id=\"worksheet&#45;header\"") || r.stdout.contains("id=\"worksheet-header\""))
        #expect(!r.stdout.contains(">2.2<"))
    }
}
