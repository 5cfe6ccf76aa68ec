import ChainRuleExport
import ChainRuleRender

/// The live view of one graph file: its figure, updated by server-sent
/// events when the file is saved; the steps of the forward and backward
/// pass (buttons, ←/→, `#N` in the address); a click on a node shows its
/// value, gradient, forward equation and chain-rule terms; a syntax error
/// shows the located diagnostic above the last good figure.
///
/// The page carries no user text itself: the file's name, steps and node
/// details arrive as JSON and are put on the page with `textContent`
/// only; figures arrive as SVG made by Graphviz (labels escaped) and are
/// parsed as XML, never as HTML, under a policy that runs no script but
/// this page's own (by hash).
package enum LivePage {
    /// Where the page finds its data, and whether it drives or follows.
    package struct Role: Sendable {
        /// The event stream: `/graph/1/events`.
        package var events: String
        /// Frames: `/graph/1/frame/` + `VERSION/STEP`.
        package var frames: String
        /// The presenter's step URL (presenter pages only).
        package var drive: String?
        /// Follows the presenter (`--present`, follower pages).
        package var follows: Bool
        /// The page listing everything served, if there is more than this graph.
        package var home: String?
    }

    package static func html(title: String, role: Role, theme: FigureTheme = .light) -> String {
        let e: (String) -> String = { ExportHTML.escape($0) }
        let csp = ServeSecurity.pagePolicy(scriptHashes: [ServePage.hash(script)])
        let home = role.home.map { "<a class=\"home\" href=\"\(e($0))\">All lessons</a>" } ?? ""
        return """
        \(ServePage.head(title: title + " · live", csp: csp, theme: theme, style: style))
        <body data-events="\(e(role.events))" data-frames="\(e(role.frames))" data-drive="\(e(role.drive ?? ""))" data-follow="\(role.follows ? "1" : "0")">
        <div class="deck">
        <header class="bar">
        <div class="titles"><p class="eyebrow">ChainRule · live view</p><h1 id="title">\(e(title))</h1></div>
        <div class="where"><span id="live" class="live">connecting…</span>\(home)</div>
        </header>
        <div id="diagnostic" class="diagnostic" hidden role="alert"><p class="diag-head">The file has an error; the last good figure stays until it is fixed.</p><pre id="diag-text"></pre></div>
        <main class="slide">
        <figure class="figure" id="figure" aria-live="polite"><p class="empty">Waiting for the figure…</p></figure>
        <aside class="panel">
        <p class="kicker"><span class="chip" id="kicker">Finished pass</span></p>
        <h2 id="step-title"></h2>
        <div class="equation" id="equations" hidden></div>
        <div id="node" class="node-info" hidden></div>
        <p class="hint" id="hint">Click a node to see its value, gradient and chain-rule terms.</p>
        </aside>
        </main>
        <nav class="controls" aria-label="Steps">
        <button type="button" id="prev" aria-label="Previous step" title="Previous (←)">←<span class="label"> Back</span></button>
        <span id="counter" class="counter" aria-live="polite"></span>
        <button type="button" id="next" aria-label="Next step" title="Next (→)"><span class="label">Next </span>→</button>
        <button type="button" id="finished" title="The finished pass (End)">Finished pass</button>
        <span id="follow" class="follow" hidden><span id="follow-text"></span> <button type="button" id="rejoin">Back to presenter</button></span>
        </nav>
        <footer class="foot"><p class="keys"><kbd>←</kbd> <kbd>→</kbd> step · <kbd>Home</kbd> first · <kbd>End</kbd> finished pass · click a node · <kbd>Esc</kbd> clear · <code>#</code><i>n</i> in the address opens step <i>n</i></p></footer>
        </div>
        <script>\(script)</script>
        </body>
        </html>

        """
    }

    /// `Embedded/live.css`: the live view's own styles.
    static var style: String { ServeAssets.text("live.css") }

    /// The page's one script.
    static var script: String { ServeAssets.text("live.js") }
}
