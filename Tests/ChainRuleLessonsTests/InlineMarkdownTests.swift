import Testing
import ChainRuleLessons
@testable import ChainRuleExport
@testable import ChainRulePlayer

/// The one inline-Markdown parser (`InlineMarkdown`) and its two renderers:
/// the slideshow's HTML and the terminal player's styles read every mark the same way.
@Suite struct InlineMarkdownTests {
    typealias S = InlineMarkdown.Span

    @Test func spans() {
        #expect(InlineMarkdown.parse("A *b* **c** `d<e` $x^2$") == [
            .text("A "), .emphasisStart, .text("b"), .emphasisEnd, .text(" "), .strongStart, .text("c"), .strongEnd,
            .text(" "), .code("d<e"), .text(" "), .math("x^2"),
        ])
        #expect(InlineMarkdown.parse("[w](https://example.org) [j](javascript:x)") == [
            .link(label: [.text("w")], url: "https://example.org"), .text(" "), .link(label: [.text("j")], url: nil),
        ])
        // Number signs become minus signs; a hyphen between words does not.
        #expect(InlineMarkdown.parse("x = -3, 1e-7, a-b") == [.text("x = −3, 1e−7, a-b")])
        #expect(InlineMarkdown.parse("``a ` b`` \\*c\\*") == [.code("a ` b"), .text(" *c*")])
    }

    /// Marks inside words and between numbers are text, in both outputs.
    @Test(arguments: ["snake_case_name", "2*3*4", "a * b * c", "a ** b ** c", "mid**word**bold", "price $3 and $ 4"])
    func literalMarks(_ text: String) {
        #expect(InlineMarkdown.parse(text) == [.text(text)])
        #expect(ExportHTML.inline(text) == ExportHTML.escape(text))
        #expect(StepView.inline(text, style: TextStyle(color: true)) == text)
    }

    /// Overlapping marks still give well-formed HTML.
    @Test func crossedMarksNest() {
        #expect(ExportHTML.inline("**a *b** c*") == "<strong>a <em>b</em></strong><em> c</em>")
        #expect(ExportHTML.inline("*unclosed") == "*unclosed")
    }

    @Test func renderers() {
        let text = "A *b* **c** `d<e` $x$ [w](https://example.org) [j](javascript:x) \\*"
        #expect(ExportHTML.inline(text) == "A <em>b</em> <strong>c</strong> <code>d&lt;e</code> <span class=\"math\">x</span> "
            + "<a href=\"https://example.org\" rel=\"noopener noreferrer\">w</a> j *")
        #expect(StepView.inline(text, style: TextStyle(color: false)) == "A b c d<e x w (https://example.org) j *")
        #expect(StepView.inline(text, style: TextStyle(color: true))
            == "A \u{1B}[0m\u{1B}[3mb\u{1B}[0m \u{1B}[0m\u{1B}[1mc\u{1B}[0m \u{1B}[36md<e\u{1B}[0m x w (https://example.org) j *")
    }
}
