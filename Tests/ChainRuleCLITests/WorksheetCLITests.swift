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

    /// A figure too wide for one page is cut between pages; nothing of the
    /// figure peeks into the margins of any page (the masks over the other
    /// pages' parts run past the page edge). Checked on pixels: pdftoppm.
    @Test func cutPagesHaveCleanMargins() throws {
        let dir = try Harden.temporaryDirectory("sheet-cut")
        defer { try? FileManager.default.removeItem(at: dir) }
        var script = "x0 = [1, 2, 3, 4]\nw = [0.5, -1, 2, 0.25]\n"
        for k in 1...24 { script += "x\(k) = \(k % 3 == 0 ? "exp" : "sigmoid")(x\(k - 1) * w)\n" }
        script += "L = sum(x24)\n"
        let graph = dir.appendingPathComponent("long.graph"), pdf = dir.appendingPathComponent("long.pdf")
        try script.write(to: graph, atomically: true, encoding: .utf8)
        let r = try Harden.run(["draw", graph.path, "--worksheet", "-o", pdf.path])
        #expect(r.status == 0, "\(r.stderr)")
        let pages = try #require(Int(try info(pdf).matches(of: /Pages:\s+(\d+)/).first.map { String($0.1) } ?? ""))
        #expect(pages >= 2, "the test needs a figure cut over pages")
        let raster = try Harden.run(["-gray", "-r", "40", pdf.path, dir.appendingPathComponent("page").path],
                                    executable: try tool("pdftoppm"))
        #expect(raster.status == 0, "\(raster.stderr)")
        let images = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".pgm") }.sorted()
        #expect(images.count == pages)
        for name in images {
            let image = try PGM(Data(contentsOf: dir.appendingPathComponent(name)))
            // 24 pt margins; check the outer 12 pt (about 7 px at 40 dpi) all round.
            let strip = 6
            for y in 0..<image.height {
                for x in Array(0..<strip) + Array(image.width - strip..<image.width) {
                    #expect(image[x, y] > 240, "\(name): ink at (\(x), \(y)) in the margin")
                    if image[x, y] <= 240 { return }
                }
            }
        }
    }
}

/// A binary greyscale PNM (`P5`) image, as pdftoppm `-gray` writes it.
struct PGM {
    let width: Int, height: Int, pixels: [UInt8]
    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        var fields: [String] = [], i = 0
        while fields.count < 4 && i < bytes.count {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 { i += 1 }
            var field = ""
            while i < bytes.count, bytes[i] != 32 && bytes[i] != 10 { field.append(Character(UnicodeScalar(bytes[i]))); i += 1 }
            fields.append(field)
        }
        i += 1
        guard fields.count == 4, fields[0] == "P5", let w = Int(fields[1]), let h = Int(fields[2]), bytes.count - i >= w * h
        else { throw CocoaError(.fileReadCorruptFile) }
        width = w; height = h; pixels = Array(bytes[i..<(i + w * h)])
    }
    subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
}
