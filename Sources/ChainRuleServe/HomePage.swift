import ChainRuleExport
import ChainRuleRender

/// The list of what the server shows (graphs and lessons), and the page
/// of a lesson that failed to build. No script; every text escaped.
package enum HomePage {
    package struct Item: Sendable {
        package var kicker: String
        package var title: String
        package var href: String
    }

    package static func html(items: [Item], presenter: Bool, theme: FigureTheme) -> String {
        let e: (String) -> String = { ExportHTML.escape($0) }
        let list = items.map { item in
            "<li class=\"card\"><p class=\"eyebrow\">\(e(item.kicker))</p><h2><a href=\"\(e(item.href))\">\(e(item.title))</a></h2></li>\n"
        }.joined()
        let lede = presenter
            ? "You are the presenter: open a lesson or graph; every follower sees the step you show."
            : "Open a lesson's slideshow (arrow keys step through it) or a graph's live view."
        return page(title: "ChainRule lessons", theme: theme, body: """
            <p class="eyebrow">ChainRule\(presenter ? " · presenter" : "")</p>
            <h1>Backpropagation, step by step</h1>
            <p class="lede">\(e(lede))</p>
            <ol class="cards">
            \(list)</ol>
            """)
    }

    /// A lesson that does not build: its located error, escaped.
    package static func errorPage(_ message: String, theme: FigureTheme) -> String {
        page(title: "Lesson error", theme: theme, body: """
            <p class="eyebrow">ChainRule</p>
            <h1>This lesson has an error</h1>
            <pre class="diag">\(ExportHTML.escape(message))</pre>
            <p><a href="../../">All lessons</a></p>
            """)
    }

    static func page(title: String, theme: FigureTheme, body: String) -> String {
        """
        \(ServePage.head(title: title, csp: ServeSecurity.pagePolicy(scriptHashes: []), theme: theme, style: style))
        <body>
        <div class="wrap">
        \(body)
        </div>
        </body>
        </html>

        """
    }

    /// The list's own styles (after the shared look).
    static let style = """
        .wrap { max-width: 1180px; margin: 0 auto; padding: 40px 28px 60px; }
        .lede { color: var(--muted); max-width: 60ch; }
        ol.cards { list-style: none; margin: 24px 0 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
        .card { background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 14px 18px; }
        .card h2 { margin: 2px 0 0; font: 600 1.1rem/1.3 var(--sans); }
        .card a { color: var(--text); text-decoration: none; }
        .card a:hover { color: var(--accent); }
        .diag { font: .9rem/1.4 var(--mono); background: var(--card); border: 1px solid var(--border); padding: 12px; border-radius: 8px; overflow-x: auto; }
        """
}
