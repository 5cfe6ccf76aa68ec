import ChainRule
import Foundation
import Testing
@testable import ChainRuleRender

/// Printable worksheets (`WorksheetPage`): paper size, pages, uniform answer
/// boxes that give nothing away, the 2 × 2 block of a large tensor, and the
/// PDF pages joined into one document. The PDF checks with poppler's tools
/// are in the CLI suite (`WorksheetCLITests`).
@Suite struct WorksheetPageTests {
    /// `/MediaBox [ 0 0 W H ]` of every page of a PDF.
    static func mediaBoxes(_ pdf: [UInt8]) -> [[Double]] {
        let text = String(decoding: pdf, as: UTF8.self)
        return text.components(separatedBy: "/MediaBox [").dropFirst().map { rest in
            rest.prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) }
        }
    }

    /// Every answer box of a worksheet figure's DOT: its cell's WIDTH and HEIGHT.
    static func boxes(_ dot: String) -> [String] {
        dot.matches(of: /<TD FIXEDSIZE="TRUE" WIDTH="(\d+)" HEIGHT="(\d+)"/).map { "\($0.1)x\($0.2)" }
    }

    /// Text drawn in an SVG (the `<text>` elements).
    static func texts(_ svg: [UInt8]) throws -> [String] { try SVG.parse(svg).texts }

    @Test(arguments: [PaperSize.a4, .letter])
    func pagesHaveThePaperSize(_ paper: PaperSize) throws {
        let sheet = try WorksheetPage(try Fixtures.apples(), title: "Apples", paper: paper)
        for answerKey in [false, true] {
            let pdf = try sheet.render(answerKey: answerKey, format: .pdf)
            let boxes = Self.mediaBoxes(pdf)
            #expect(boxes.count == sheet.pageCount)
            for box in boxes { #expect(box == [0, 0, paper.points.width, paper.points.height], "\(box)") }
        }
        #expect(sheet.pageCount == 1)
    }

    @Test func theSheetSaysWhatItIsAndHidesTheAnswers() throws {
        let sheet = try WorksheetPage(try Fixtures.apples(), title: "Apples & <tax>", paper: .a4)
        let blank = try Self.texts(try sheet.render(format: .svg)).joined(separator: "\n")
        for words in ["Worksheet · Apples & <tax>", "Name ", "Date ", "Work backwards from the output", "On every edge",
                      "× multiply"] {
            #expect(blank.contains(words), "missing \(words)")
        }
        let values = try Self.texts(try sheet.render(format: .svg))
        for value in ["100", "2", "200", "1.1", "220", "1"] { #expect(values.contains(value), "value \(value) missing") }
        for answer in ["2.2", "110"] { #expect(!values.contains(answer), "\(answer) given away") }
        let key = try Self.texts(try sheet.render(answerKey: true, format: .svg))
        for answer in ["2.2", "110", "200", "1.1"] { #expect(key.contains(answer), "key lacks \(answer)") }
        #expect(key.contains { $0.hasPrefix("Answer key · Apples") })
    }

    @Test func answerBoxesAreOneSizeWhateverTheirAnswers() throws {
        // Answers of very different widths: 1, 0.0001234, −1.234e+06 …
        let pass = try Fixtures.script("""
            a = 0.0001234
            b = -1234000
            c = 3
            d = a * b
            e = d * c
            f = e + a
            """)
        let sheet = try WorksheetPage(pass, title: "widths", paper: .a4)
        let sizes = Self.boxes(sheet.sheet.dot())
        #expect(sizes.count >= 6, "\(sizes)")
        #expect(Set(sizes).count == 1, "\(sizes)")
        let parts = try #require(sizes.first?.split(separator: "x").compactMap { Double($0) })
        try #require(parts.count == 2)
        // At least 15 × 8 mm on paper (the cell is the box less its 1 pt border on each side).
        #expect((parts[0] + 2) * sheet.scale >= 42.5 - 0.5, "\(parts) at \(sheet.scale)")
        #expect((parts[1] + 2) * sheet.scale >= 22.7 - 0.5, "\(parts) at \(sheet.scale)")
        // The answer key has exactly the worksheet's boxes.
        #expect(Self.boxes(sheet.answers.dot()) == sizes)
    }

    @Test func aLargeMatrixAsksForItsTopLeftBlock() throws {
        let pass = try Fixtures.script("""
            W = randn(6, 5, seed=1)
            x = randn(5, 2, seed=2)
            y = W @ x
            L = sum(y * y)
            """)
        let sheet = try WorksheetPage(pass, title: "block", paper: .a4)
        let dot = sheet.sheet.dot()
        // W (6×5), x (5×2) and y (6×2) each ask for 2 × 2 — shaded; L's product (6×2) too.
        let shaded = dot.components(separatedBy: "BGCOLOR=\"\(FigureTheme.light.highlightFill)\"><TR><TD FIXEDSIZE").count - 1
        #expect(shaded > 0 && shaded % 4 == 0, "\(shaded)")
        #expect(dot.contains("·") || dot.contains("⋯"))
        // No entry of the answer (the 6 × 5 gradient of W) beyond the block is written in the key.
        let key = try Self.texts(try sheet.render(answerKey: true, format: .svg))
        let g = try #require(pass.gradient(of: NodeID(0)))
        let format = NumberFormat.figure
        #expect(key.contains(format.string(g.scalars[0])))
        #expect(!key.contains(format.string(g.scalars[4])) || g.scalars[4] == g.scalars[0] || g.scalars[4] == g.scalars[1])
    }

    @Test func aLongFigureTakesSeveralPagesAndAShortOneDoesNot() throws {
        func chain(_ n: Int) -> String {
            var chain = "x0 = 0.5\n"
            for k in 1...n { chain += "x\(k) = \(k % 2 == 0 ? "exp" : "tanh")(x\(k - 1))\n" }
            return chain
        }
        // 40 operations: strips stacked down one page, each a form on it.
        let sheet = try WorksheetPage(try Fixtures.script(chain(40)), title: "chain", paper: .a4)
        let stacks = try #require(sheet.stacks)
        #expect(sheet.tiles.count > 2 && sheet.pageCount < sheet.tiles.count)
        #expect(stacks.map(\.count).reduce(0, +) == sheet.tiles.count)
        #expect(sheet.scale >= WorksheetPage.minimumScale * WorksheetPage.Plan.rowSlack - 1e-9)
        var pdf = try sheet.render(format: .pdf)
        #expect(Self.mediaBoxes(pdf).count == sheet.pageCount)
        #expect(String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Subtype /Form").count - 1 == sheet.tiles.count)
        // 160: several pages of strips.
        let long = try WorksheetPage(try Fixtures.script(chain(160)), title: "chain", paper: .a4)
        #expect(long.pageCount > 1 && long.stacks != nil)
        pdf = try long.render(format: .pdf)
        #expect(Self.mediaBoxes(pdf).count == long.pageCount)
        #expect(String(decoding: pdf, as: UTF8.self).contains("/Count \(long.pageCount)"))
        // Short: one page, and small figures grow (up to the maximum).
        let small = try WorksheetPage(try Fixtures.script("x = 2\ny = x * x"), title: "small", paper: .letter)
        #expect(small.pageCount == 1)
        #expect(small.scale > 1 && small.scale <= WorksheetPage.maximumScale)
    }

    @Test func joinedPDFsHaveAnIntactCrossReferenceTable() throws {
        let a = try Graphviz.render(dot: "digraph { a -> b }", format: .pdf)
        let b = try Graphviz.render(dot: "digraph { c -> d -> e }", format: .pdf)
        let joined = try PDFPages.join([a, b, a], rotate: 90, title: "Übung · 1")
        let text = String(decoding: joined, as: UTF8.self)
        #expect(text.contains("/Count 3"))
        #expect(text.components(separatedBy: "/Rotate 90").count - 1 == 3)
        #expect(text.contains("/Title <FEFF"))
        // Every in-use cross-reference entry points at its object's header.
        let parsed = try PDFPages.objects(joined)
        #expect(parsed.objects.count > 10)
        for object in parsed.objects {
            let head = String(decoding: object.bytes.prefix(16), as: UTF8.self)
            #expect(head.hasPrefix("\(object.number) 0 obj"), "\(object.number): \(head)")
        }
    }

    @Test func renumberingTouchesOnlyReferences() {
        let map: (Int) -> Int = { $0 + 100 }
        #expect(PDFPages.renumber("4 0 obj\n<< /Length 5 0 R /Font << /f-0-0 6 0 R >> /MediaBox [ 0 0 595 842 ] >>", map)
                == "104 0 obj\n<< /Length 105 0 R /Font << /f-0-0 106 0 R >> /MediaBox [ 0 0 595 842 ] >>")
        #expect(PDFPages.renumber("[ 2 0 R 3 0 R ]", map) == "[ 102 0 R 103 0 R ]")
        #expect(PDFPages.renumber("/Widths [ 0 0 0 666 ]", map) == "/Widths [ 0 0 0 666 ]")
    }

    /// The cuts between pages depend only on where the nodes are, never on
    /// the order they come in (the layout's dictionary order varies between
    /// runs: a concurrent export once cut a page 3 pt away from the serial one).
    @Test func pageCutsDoNotDependOnTheOrderOfNodes() throws {
        let figure = try Figure(try Fixtures.apples())
        let text = SheetText(figure, title: "Order")
        let plan = WorksheetPage.Plan(figure: (0, 0, 3000, 200), paper: .a4, text: text)
        let area = WorksheetPage.Plan.area(.a4, landscape: true, text)
        let end = area.width
        // Both nodes straddle the first cut; their left edges are 2 pt apart.
        let nodes: [WorksheetPage.Span] = [
            (end - 48, end + 14, 100, 60), (end - 46, end + 4, 120, 80), (end + 400, end + 460, 90, 50),
        ]
        func cuts(_ nodes: [WorksheetPage.Span]) -> [String] {
            plan.layoutTiles(scale: 1, area: area, nodes: nodes).map { "\($0.left) \($0.top) \($0.cut ?? -1)" }
        }
        let expected = cuts(nodes)
        #expect(expected.count > 1)
        #expect(expected.first?.hasSuffix(" \(end - 52)") == true, "\(expected)")
        for order in [[1, 0, 2], [2, 1, 0], [2, 0, 1], [0, 2, 1], [1, 2, 0]] {
            #expect(cuts(order.map { nodes[$0] }) == expected, "order \(order)")
        }
    }

    /// SVG and PDF drawn from one layout (`render(answerKey:formats:)`) are
    /// the bytes of separate renders, for sheets that share it (one portrait
    /// page) and sheets that do not (landscape, several pages).
    @Test func oneLayoutForSVGAndPDFGivesTheSameBytes() throws {
        let wide = try Fixtures.script((0..<14).map { "x\($0) = \($0 + 1)" }.joined(separator: "\n") + "\n"
            + "s = " + (0..<14).map { "x\($0)" }.joined(separator: " * ") + "\n")
        var shared = 0
        for (pass, paper) in [(try Fixtures.apples(), PaperSize.a4), (try Fixtures.affine(), .letter), (wide, .a4)] {
            let sheet = try WorksheetPage(pass, title: "Same bytes", paper: paper)
            for answerKey in [false, true] {
                if sheet.sharedPage(answerKey: answerKey) != nil { shared += 1 }
                let both = try sheet.render(answerKey: answerKey, formats: [.svg, .pdf])
                #expect(both[0] == (try sheet.render(answerKey: answerKey, format: .svg)), "SVG, key \(answerKey)")
                #expect(both[1] == (try sheet.render(answerKey: answerKey, format: .pdf)), "PDF, key \(answerKey)")
                #expect(try sheet.render(answerKey: answerKey, formats: [.pdf]) == [both[1]])
            }
        }
        // Apples (and affine) print on one portrait page: one layout for both formats.
        #expect(shared >= 2)
    }

    @Test func paperFollowsTheLocale() {
        #expect(PaperSize.forLocale(["LANG": "en_US.UTF-8"]) == .letter)
        #expect(PaperSize.forLocale(["LANG": "fr_CA.UTF-8"]) == .letter)
        #expect(PaperSize.forLocale(["LANG": "de_DE.UTF-8"]) == .a4)
        #expect(PaperSize.forLocale(["LANG": "C.UTF-8"]) == .a4)
        #expect(PaperSize.forLocale([:]) == .a4)
        #expect(PaperSize.forLocale(["LC_PAPER": "en_GB.UTF-8", "LANG": "en_US.UTF-8"]) == .a4)
        #expect(PaperSize.forLocale(["LC_ALL": "es_MX", "LC_PAPER": "de_DE"]) == .letter)
    }
}
