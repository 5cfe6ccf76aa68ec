import ChainRuleLessons
import ChainRuleRender
import Foundation

/// One self-contained HTML page per lesson: every step's figure inline as
/// SVG, the prose and the step's equation beside it; keyboard (←/→,
/// Home/End, Space, PageUp/PageDown) and buttons; the step number in the URL
/// hash (`index.html#3`); a print style with two steps per page. No network:
/// no external scripts, styles, fonts or images. A Content-Security-Policy
/// allows only the page's own script (by hash) and inline styles.
package struct Slideshow: Sendable {
    /// One step of the slideshow.
    package struct Slide: Sendable {
        /// `forward`, `backward`, or any other word (used as a CSS class).
        package var pass: String
        /// "Forward pass · 2 of 5".
        package var kicker: String
        /// The step's heading, plain text (`price = apple × n`).
        package var heading: String
        /// The step's equation, plain text, one line per entry.
        package var equations: [String]
        /// Prose for this step (Markdown).
        package var prose: String
        /// Notes attached to the step (Markdown), shown as call-outs.
        package var notes: [String]
        /// A question the step asks before revealing the answer (Markdown).
        package var question: String?
        /// A question's answer to type (an answer box with Check and Reveal), when it has one.
        package var quiz: Quiz?
        /// The figure, an inline `<svg>` element (see `ExportSVG.inline`).
        package var figure: String
        /// The accessible description of the figure.
        package var figureLabel: String
        /// Short name for the progress track's tooltip.
        package var shortName: String

        package init(pass: String, kicker: String, heading: String, equations: [String], prose: String,
                    notes: [String], question: String? = nil, quiz: Quiz? = nil, figure: String, figureLabel: String, shortName: String) {
            self.question = question
            self.quiz = quiz
            self.pass = pass
            self.kicker = kicker
            self.heading = heading
            self.equations = equations
            self.prose = prose
            self.notes = notes
            self.figure = figure
            self.figureLabel = figureLabel
            self.shortName = shortName
        }
    }

    /// The answer box of a question slide: the numbers to type (checked in
    /// the page within `QuizAnswer.relativeTolerance`), a hint for a first
    /// wrong answer, and the answer as shown when revealed.
    package struct Quiz: Sendable {
        package var answer: [Double]
        package var hint: String
        package var shown: String
        package init(answer: [Double], hint: String, shown: String) { self.answer = answer; self.hint = hint; self.shown = shown }
    }

    /// A file next to the slideshow (a PDF, the worksheet).
    package struct Link: Sendable {
        package var label: String
        package var href: String
        package init(label: String, href: String) { self.label = label; self.href = href }
    }

    package var title: String
    /// Above the title: "Lesson 1".
    package var eyebrow: String
    package var slides: [Slide]
    package var links: [Link]
    package var theme: FigureTheme
    /// The lesson list (`../index.html`), if there is one.
    package var homeHref: String?

    package init(title: String, eyebrow: String, slides: [Slide], links: [Link], theme: FigureTheme, homeHref: String?) {
        self.title = title
        self.eyebrow = eyebrow
        self.slides = slides
        self.links = links
        self.theme = theme
        self.homeHref = homeHref
    }

    /// The page.
    package func html() -> String {
        let e: (String) -> String = { ExportHTML.escape($0) }
        let n = slides.count
        var body = ""
        for (i, slide) in slides.enumerated() {
            let k = i + 1
            body += """
            <section class="slide pass-\(e(slide.pass))" id="step-\(k)" data-step="\(k)" aria-roledescription="slide" aria-label="Step \(k) of \(n)"\(k == 1 ? "" : " hidden")>
            <p class="print-head">\(e(title)) · step \(k) of \(n)</p>
            <figure class="figure" title="Click to zoom (z)">
            \(slide.figure)
            </figure>
            <aside class="panel">
            <p class="kicker"><span class="chip">\(e(slide.kicker))</span></p>
            \(slide.heading.lowercased() == slide.kicker.lowercased() ? "" : "<h2>" + e(slide.heading) + "</h2>")

            """
            if !slide.equations.isEmpty {
                body += "<div class=\"equation\" role=\"math\" aria-label=\"\(e(slide.equations.joined(separator: "; ")))\">"
                body += slide.equations.map(Self.equationLine).joined()
                body += "</div>\n"
            }
            if !slide.prose.isEmpty {
                body += "<div class=\"prose\">" + ExportHTML.markdown(slide.prose) + "</div>\n"
            }
            if let question = slide.question {
                body += "<div class=\"note ask\"><span class=\"note-mark\" aria-hidden=\"true\">Question</span>" + ExportHTML.markdown(question)
                if let quiz = slide.quiz {
                    // Numbers only in data attributes; the page's script reads typed text as numbers, never as HTML or code.
                    let answer = quiz.answer.map { "\($0)" }.joined(separator: " ")
                    body += "<div class=\"quiz\" data-answer=\"\(e(answer))\" data-hint=\"\(e(quiz.hint))\" data-shown=\"\(e(quiz.shown))\">"
                        + "<label>Your answer <input type=\"text\" class=\"quiz-input\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false\" maxlength=\"200\""
                        + " placeholder=\"\(quiz.answer.count > 1 ? "\(quiz.answer.count) numbers, commas between" : "a number or e.g. 2*3")\"></label> "
                        + "<button type=\"button\" class=\"quiz-check\">Check</button> <button type=\"button\" class=\"quiz-reveal\">Reveal</button>"
                        + "<p class=\"quiz-verdict\" aria-live=\"polite\"></p><p class=\"quiz-score\"></p></div>"
                }
                body += "</div>\n"
            }
            for note in slide.notes {
                body += "<div class=\"note\"><span class=\"note-mark\" aria-hidden=\"true\">Note</span>" + ExportHTML.markdown(note) + "</div>\n"
            }
            body += "</aside>\n</section>\n"
        }
        var track = ""
        for (i, slide) in slides.enumerated() {
            let k = i + 1
            track += "<li><a href=\"#\(k)\" class=\"dot pass-\(e(slide.pass))\" title=\"\(k) · \(e(slide.shortName))\"><span class=\"sr\">Step \(k): \(e(slide.shortName))</span></a></li>"
        }
        let home = homeHref.map { "<a class=\"home\" href=\"\(e($0))\">All lessons</a>" } ?? ""
        let links = self.links.map { "<a href=\"\(e($0.href))\">\(e($0.label))</a>" }.joined(separator: "\n")
        let script = Self.script + "\n" + Self.followScript
        let csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src \(SHA256.cspSource(script)); base-uri 'none'; form-action 'none'"
        return """
        <!DOCTYPE html>
        <html lang="en" class="theme-\(e(theme.name))">
        <head>
        <meta charset="utf-8">
        <!-- Generated by chainrule export. It may overwrite this file; edit a copy. -->
        <meta http-equiv="Content-Security-Policy" content="\(csp)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="chainrule export">
        <title>\(e(title))</title>
        <style>
        \(Self.style(theme))
        </style>
        </head>
        <body>
        <div class="deck">
        <header class="bar">
        <div class="titles"><p class="eyebrow">\(e(eyebrow))</p><h1>\(e(title))</h1></div>
        <div class="where"><span id="counter" aria-live="polite">Step 1 of \(n)</span>\(home)</div>
        </header>
        <main id="slides">
        \(body)</main>
        <nav class="controls" aria-label="Steps">
        <button type="button" id="prev" aria-label="Previous step" title="Previous (←)">←<span class="label"> Back</span></button>
        <ol class="track">\(track)</ol>
        <button type="button" id="next" aria-label="Next step" title="Next (→)"><span class="label">Next </span>→</button>
        </nav>
        <footer class="foot">
        <p class="keys"><kbd>←</kbd> <kbd>→</kbd> step · <kbd>Home</kbd> <kbd>End</kbd> · <kbd>z</kbd> zoom · <kbd>f</kbd> full screen · <kbd>?</kbd> keys · <code>#</code><i>n</i> in the address opens step <i>n</i></p>
        <p class="files">\(links)
        <button type="button" id="print" class="link" title="A handout: two steps per page">Print</button></p>
        </footer>
        </div>
        <div class="keymap" id="keymap" hidden role="dialog" aria-label="Keys"><dl>
        <dt>→ Space PgDn n</dt><dd>next step</dd><dt>← Shift+Space PgUp p</dt><dd>previous step</dd>
        <dt>Home / End</dt><dd>first / last step</dd><dt>z</dt><dd>zoom the figure</dd>
        <dt>f</dt><dd>full screen (again to leave)</dd><dt>?</dt><dd>these keys (Esc closes)</dd>
        <dt>#n</dt><dd>in the address: open step n</dd></dl></div>
        <script>\(script)</script>
        </body>
        </html>

        """
    }

    /// One equation line as HTML: an indented line (a local derivative)
    /// is set smaller; a trailing `   (reason)` becomes a muted aside.
    static func equationLine(_ line: String) -> String {
        let indented = line.first == " "
        var body = Substring(line).drop { $0 == " " }
        var reason = ""
        if let r = body.range(of: "   ("), body.hasSuffix(")") {
            reason = String(body[body.index(r.lowerBound, offsetBy: 3)...].dropFirst().dropLast())
            body = body[..<r.lowerBound]
        }
        var html = "<div class=\"eq\(indented ? " sub" : "")\">" + equationHTML(String(body))
        if !reason.isEmpty { html += "<span class=\"why\">" + ExportHTML.escape(reason) + "</span>" }
        return html + "</div>"
    }

    /// An equation line, escaped, with its result (after the last ` = `) in bold.
    static func equationHTML(_ line: String) -> String {
        guard let r = line.range(of: " = ", options: .backwards), line[r.upperBound...].count <= 28,
              !line[r.upperBound...].contains("("), !line[r.upperBound...].contains(":") else { return ExportHTML.escape(line) }
        return ExportHTML.escape(line[..<r.upperBound]) + "<strong>" + ExportHTML.escape(line[r.upperBound...]) + "</strong>"
    }

    /// The page's main script (`Embedded/slideshow.js`): show one step,
    /// follow the hash, keys, buttons.
    static var script: String { WebAssets.text("slideshow.js") }

    /// Pans and zooms figures too large for their box to the current step
    /// (`Embedded/follow.js`, which describes how).
    static var followScript: String { WebAssets.text("follow.js") }

    /// Page colours follow the figure theme, so a dark export is dark throughout.
    struct Palette {
        var page, card, text, muted, border, accent, accentSoft, gradient, forward: String
    }

    static func palette(_ theme: FigureTheme) -> Palette {
        switch theme.name {
        case "dark":
            return Palette(page: "#121418", card: theme.background, text: theme.text, muted: theme.muted,
                           border: "#2d333b", accent: theme.highlight, accentSoft: theme.highlightFill,
                           gradient: theme.gradient, forward: theme.highlight)
        case "print":
            return Palette(page: "#ffffff", card: "#ffffff", text: "#000000", muted: "#444444",
                           border: "#bbbbbb", accent: "#000000", accentSoft: "#eeeeee",
                           gradient: "#000000", forward: "#000000")
        default:
            return Palette(page: "#f3f4f6", card: theme.background, text: theme.text, muted: theme.muted,
                           border: "#e2e5ea", accent: theme.highlight, accentSoft: theme.highlightFill,
                           gradient: theme.gradient, forward: theme.highlight)
        }
    }

    /// The page's styles: the theme's colours, then `Embedded/slideshow.css`.
    static func style(_ theme: FigureTheme) -> String {
        let p = palette(theme)
        return """
        :root {
          --page: \(p.page); --card: \(p.card); --text: \(p.text); --muted: \(p.muted);
          --border: \(p.border); --accent: \(p.accent); --accent-soft: \(p.accentSoft);
          --gradient: \(p.gradient); --forward: \(p.forward);
          color-scheme: \(theme.name == "dark" ? "dark" : "light");
        }

        """ + WebAssets.text("slideshow.css")
    }
}

/// `Output/index.html`: the exported lessons, with links to each slideshow
/// and its files.
package struct LessonIndexPage: Sendable {
    package struct Entry: Sendable {
        package var number: String
        package var title: String
        package var href: String
        package var summary: String
        package var thumbnail: String
        package var links: [Slideshow.Link]
        package init(number: String, title: String, href: String, summary: String, thumbnail: String, links: [Slideshow.Link]) {
            self.number = number
            self.title = title
            self.href = href
            self.summary = summary
            self.thumbnail = thumbnail
            self.links = links
        }
    }

    /// A lesson's card, ready to place in the list, and the key that orders it.
    package struct Card: Sendable {
        package var sortKey: String
        package var html: String
        package init(sortKey: String, html: String) { self.sortKey = sortKey; self.html = html }
    }

    /// The cards, in order.
    package var cards: [Card]
    package var theme: FigureTheme
    package init(cards: [Card], theme: FigureTheme) {
        self.cards = cards.sorted { $0.sortKey < $1.sortKey }
        self.theme = theme
    }

    /// One lesson's card (all text escaped).
    package static func card(_ entry: Entry) -> String {
        let e: (String) -> String = { ExportHTML.escape($0) }
        return """
        <li class="card">
        <a class="thumb" href="\(e(entry.href))" aria-hidden="true" tabindex="-1">\(entry.thumbnail)</a>
        <div class="text">
        <p class="num">\(e(entry.number))</p>
        <h2><a href="\(e(entry.href))">\(e(entry.title))</a></h2>
        <p class="summary">\(e(entry.summary))</p>
        <p class="files">\(entry.links.map { "<a href=\"\(e($0.href))\">\(e($0.label))</a>" }.joined(separator: " "))</p>
        </div>
        </li>

        """
    }

    /// The page's styles: the theme's colours, then `Embedded/index.css`.
    static func style(_ theme: FigureTheme) -> String {
        let p = Slideshow.palette(theme)
        return """
        :root { --page: \(p.page); --card: \(p.card); --text: \(p.text); --muted: \(p.muted); --border: \(p.border); --accent: \(p.accent);
          color-scheme: \(theme.name == "dark" ? "dark" : "light"); }

        """ + WebAssets.text("index.css")
    }

    package func html() -> String {
        let cards = self.cards.map(\.html).joined()
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <!-- Generated by chainrule export. It may overwrite this file; edit a copy. -->
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="chainrule export">
        <title>ChainRule lessons</title>
        <style>
        \(Self.style(theme))
        </style>
        </head>
        <body>
        <div class="wrap">
        <p class="eyebrow">ChainRule</p>
        <h1>Backpropagation, step by step</h1>
        <p class="lede">Each lesson opens as a slideshow that works offline: use the arrow keys, and print it as a handout, two steps per page. Figures, PDFs and worksheets with answer keys sit beside each slideshow.</p>
        <ol class="cards">
        \(cards)</ol>
        </div>
        </body>
        </html>

        """
    }
}
