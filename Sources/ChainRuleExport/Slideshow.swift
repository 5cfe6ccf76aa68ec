import ChainRuleLessons
import ChainRuleRender
import Foundation

/// One self-contained HTML page per lesson: every step's figure inline as
/// SVG, the prose and the step's equation beside it; keyboard (←/→,
/// Home/End, Space, PageUp/PageDown) and buttons; the step number in the URL
/// hash (`index.html#3`); a print style with one step per page. No network:
/// no external scripts, styles, fonts or images. A Content-Security-Policy
/// allows only the page's own script (by hash) and inline styles.
public struct Slideshow: Sendable {
    /// One step of the slideshow.
    public struct Slide: Sendable {
        /// `forward`, `backward`, or any other word (used as a CSS class).
        public var pass: String
        /// "Forward pass · 2 of 5".
        public var kicker: String
        /// The step's heading, plain text (`price = apple × n`).
        public var heading: String
        /// The step's equation, plain text, one line per entry.
        public var equations: [String]
        /// Prose for this step (Markdown).
        public var prose: String
        /// Notes attached to the step (Markdown), shown as call-outs.
        public var notes: [String]
        /// A question the step asks before revealing the answer (Markdown).
        public var question: String?
        /// A question's answer to type (an answer box with Check and Reveal), when it has one.
        public var quiz: Quiz?
        /// The figure, an inline `<svg>` element (see `ExportSVG.inline`).
        public var figure: String
        /// The accessible description of the figure.
        public var figureLabel: String
        /// Short name for the progress track's tooltip.
        public var shortName: String

        public init(pass: String, kicker: String, heading: String, equations: [String], prose: String,
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
    public struct Quiz: Sendable {
        public var answer: [Double]
        public var hint: String
        public var shown: String
        public init(answer: [Double], hint: String, shown: String) { self.answer = answer; self.hint = hint; self.shown = shown }
    }

    /// A file next to the slideshow (a PDF, the worksheet).
    public struct Link: Sendable {
        public var label: String
        public var href: String
        public init(label: String, href: String) { self.label = label; self.href = href }
    }

    public var title: String
    /// Above the title: "Lesson 1".
    public var eyebrow: String
    public var slides: [Slide]
    public var links: [Link]
    public var theme: FigureTheme
    /// The lesson list (`../index.html`), if there is one.
    public var homeHref: String?

    public init(title: String, eyebrow: String, slides: [Slide], links: [Link], theme: FigureTheme, homeHref: String?) {
        self.title = title
        self.eyebrow = eyebrow
        self.slides = slides
        self.links = links
        self.theme = theme
        self.homeHref = homeHref
    }

    /// The page.
    public func html() -> String {
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
        <button type="button" id="print" class="link" title="One step per page">Print</button></p>
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

    /// The page's one script: show one step, follow the hash, keys, buttons.
    static let script = """
    (function () {
      var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
      var dots = Array.prototype.slice.call(document.querySelectorAll('.track a'));
      var n = slides.length, current = 0;
      var counter = document.getElementById('counter');
      var prev = document.getElementById('prev'), next = document.getElementById('next');
      document.documentElement.classList.add('js');
      function fromHash() {
        var m = /^#(\\d+)$/.exec(location.hash);
        return m ? Math.min(Math.max(parseInt(m[1], 10), 1), n) : 1;
      }
      function show(k) {
        k = Math.min(Math.max(k, 1), n);
        if (k === current) return;
        current = k;
        slides.forEach(function (s, i) { s.hidden = i + 1 !== k; });
        dots.forEach(function (d, i) {
          if (i + 1 === k) d.setAttribute('aria-current', 'step'); else d.removeAttribute('aria-current');
          d.classList.toggle('done', i + 1 < k);
        });
        counter.textContent = 'Step ' + k + ' of ' + n;
        prev.disabled = k === 1;
        next.disabled = k === n;
        if (location.hash !== '#' + k) history.replaceState(null, '', '#' + k);
      }
      function zoom() {
        var f = slides[current - 1].querySelector('.figure');
        var svg = f && f.querySelector('svg');
        if (!svg) return;
        var on = !f.classList.contains('zoomed');
        f.classList.toggle('zoomed', on);
        var w = svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
        svg.style.width = on && w ? Math.round(w * 4 / 3) + 'px' : '';
      }
      slides.forEach(function (s) {
        var f = s.querySelector('.figure');
        if (f) f.addEventListener('click', zoom);
      });
      document.getElementById('print').addEventListener('click', function () { window.print(); });
      window.addEventListener('hashchange', function () { show(fromHash()); });
      prev.addEventListener('click', function () { show(current - 1); });
      next.addEventListener('click', function () { show(current + 1); });
      document.addEventListener('keydown', function (ev) {
        if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
        var t = ev.target && ev.target.tagName;
        if (t === 'INPUT' || t === 'TEXTAREA') return;
        var k = null;
        switch (ev.key) {
          case 'ArrowRight': case 'ArrowDown': case 'PageDown': case 'n': k = current + 1; break;
          case ' ': k = ev.shiftKey ? current - 1 : current + 1; break;
          case 'ArrowLeft': case 'ArrowUp': case 'PageUp': case 'p': k = current - 1; break;
          case 'Home': k = 1; break;
          case 'End': k = n; break;
          case 'z': zoom(); ev.preventDefault(); return;
          case 'f':
            // Full screen for the room; f again (or Esc) leaves it.
            if (document.fullscreenElement) { document.exitFullscreen(); }
            else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
            ev.preventDefault(); return;
          case '?':
            var keys = document.getElementById('keymap');
            if (keys) keys.hidden = !keys.hidden;
            ev.preventDefault(); return;
          case 'Escape':
            var open = document.getElementById('keymap');
            if (open && !open.hidden) { open.hidden = true; ev.preventDefault(); }
            return;
        }
        if (k !== null) { ev.preventDefault(); show(k); }
      });
      // Quiz: typed answers are read as numbers by a small parser (never as HTML or code),
      // right within 1 % (or 1e-6 of 0); a wrong answer gets the hint, a second one the answer.
      var quizzes = Array.prototype.slice.call(document.querySelectorAll('.quiz'));
      var right = 0, done = 0;
      function parseAnswer(text) {
        var parts = String(text).replace(/[\\[\\]]/g, '').split(','), out = [];
        for (var i = 0; i < parts.length; i++) {
          var v = parseExpr(parts[i]);
          if (v === null || !isFinite(v)) return null;
          out.push(v);
        }
        return out;
      }
      function parseExpr(src) {
        var s = src.replace(/\\u2212/g, '-').replace(/[\\u00d7\\u00b7]/g, '*').replace(/\\u00f7/g, '/'), k = 0, depth = 0;
        function ws() { while (k < s.length && (s[k] === ' ' || s[k] === '\\t')) k++; }
        function atom() {
          ws();
          if (s[k] === '(') {
            if (++depth > 50) return null;
            k++; var v = sum(); ws();
            if (v === null || s[k] !== ')') return null;
            k++; depth--; return v;
          }
          var m = /^(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?/.exec(s.slice(k));
          if (!m) return null;
          k += m[0].length; return parseFloat(m[0]);
        }
        function power() {
          var b = atom(); if (b === null) return null; ws();
          if (s[k] === '^') { k++; var e = unary(); return e === null ? null : Math.pow(b, e); }
          return b;
        }
        function unary() {
          ws();
          if (s[k] === '-') { k++; var v = unary(); return v === null ? null : -v; }
          if (s[k] === '+') { k++; return unary(); }
          return power();
        }
        function product() {
          var v = unary(); if (v === null) return null;
          for (;;) { ws(); var op = s[k]; if (op !== '*' && op !== '/') return v; k++; var r = unary(); if (r === null) return null; v = op === '*' ? v * r : v / r; }
        }
        function sum() {
          var v = product(); if (v === null) return null;
          for (;;) { ws(); var op = s[k]; if (op !== '+' && op !== '-') return v; k++; var r = product(); if (r === null) return null; v = op === '+' ? v + r : v - r; }
        }
        if (s.length > 200) return null;
        var v = sum(); ws();
        return v === null || k !== s.length ? null : v;
      }
      function showScore() {
        quizzes.forEach(function (q) { q.querySelector('.quiz-score').textContent = 'Score: ' + right + '/' + quizzes.length; });
      }
      quizzes.forEach(function (q) {
        var answer = q.getAttribute('data-answer').split(' ').map(parseFloat);
        var input = q.querySelector('.quiz-input'), verdict = q.querySelector('.quiz-verdict');
        var wrong = 0, finished = false;
        function finish(ok, text) {
          finished = true; done++; if (ok) right++;
          input.disabled = true;
          q.querySelector('.quiz-check').disabled = true;
          q.querySelector('.quiz-reveal').disabled = true;
          verdict.textContent = text;
          q.classList.add(ok ? 'right' : 'revealed');
          showScore();
        }
        function check() {
          if (finished) return;
          var typed = parseAnswer(input.value);
          if (typed === null) { verdict.textContent = 'Type a number or an expression like 2*3.'; return; }
          if (typed.length !== answer.length) { verdict.textContent = answer.length === 1 ? 'Type one number.' : 'Type ' + answer.length + ' numbers separated by commas.'; return; }
          var ok = typed.every(function (v, i) { return Math.abs(v - answer[i]) <= Math.max(0.01 * Math.abs(answer[i]), 1e-6); });
          if (ok) { finish(true, '\\u2713 Right: ' + q.getAttribute('data-shown')); return; }
          wrong++;
          if (wrong === 1) verdict.textContent = '\\u2717 Not quite. Hint: ' + q.getAttribute('data-hint');
          else finish(false, '\\u2717 Not quite. The answer is ' + q.getAttribute('data-shown'));
        }
        q.querySelector('.quiz-check').addEventListener('click', check);
        q.querySelector('.quiz-reveal').addEventListener('click', function () {
          if (!finished) finish(false, 'The answer is ' + q.getAttribute('data-shown'));
        });
        input.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { ev.preventDefault(); check(); } });
      });
      show(fromHash());
    })();
    """

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

    static func style(_ theme: FigureTheme) -> String {
        let p = palette(theme)
        return """
        :root {
          --page: \(p.page); --card: \(p.card); --text: \(p.text); --muted: \(p.muted);
          --border: \(p.border); --accent: \(p.accent); --accent-soft: \(p.accentSoft);
          --gradient: \(p.gradient); --forward: \(p.forward);
          --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
          --math: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Serif", Georgia, serif;
          --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
          color-scheme: \(theme.name == "dark" ? "dark" : "light");
        }
        * { box-sizing: border-box; }
        html, body { margin: 0; height: 100%; }
        /* Sizes follow the window, from a laptop to a 4K projector: 16 px up
           to 1280 px wide, 18.5 px at 1920, 29 px at 3840 (1rem). */
        html { font-size: clamp(16px, calc(0.55vw + 8px), 34px); }
        body { background: var(--page); color: var(--text); font: 1rem/1.55 var(--sans); -webkit-font-smoothing: antialiased; }
        .deck { display: grid; grid-template-rows: auto 1fr auto auto; min-height: 100vh; margin: 0 auto; padding: 0 1.5rem; }
        .bar { display: flex; align-items: flex-end; justify-content: space-between; gap: 24px; padding: 22px 0 14px; }
        .eyebrow { margin: 0; font-size: .75rem; letter-spacing: .12em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
        h1 { margin: 2px 0 0; font-size: 1.6rem; line-height: 1.2; font-weight: 700; letter-spacing: -.01em; }
        .where { display: flex; align-items: center; gap: 1rem; color: var(--muted); font-size: .875rem; white-space: nowrap; font-variant-numeric: tabular-nums; }
        .home { color: var(--muted); text-decoration: none; border: 1px solid var(--border); border-radius: 999px; padding: 3px 12px; }
        .home:hover { color: var(--text); border-color: var(--muted); }
        main { min-height: 0; display: flex; flex-direction: column; }
        /* The figure takes the room the side panel leaves (the panel: about 27 % of the width). */
        .slide { flex: 1; display: grid; grid-template-columns: minmax(0, 1fr) minmax(18rem, 27vw); gap: 1.2rem; align-items: stretch; margin-bottom: 1rem; }
        .slide[hidden] { display: none; }
        .print-head { display: none; }
        .figure { margin: 0; background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 20px; display: flex; align-items: center; justify-content: center; min-height: 360px; box-shadow: 0 1px 2px rgba(0,0,0,.04), 0 8px 24px rgba(0,0,0,.05); }
        .figure svg { display: block; width: 100%; height: auto; max-height: calc(100vh - 9.5rem - 60px); }
        .figure { cursor: zoom-in; }
        .figure.zoomed { cursor: zoom-out; overflow: auto; align-items: flex-start; justify-content: flex-start; max-height: calc(100vh - 7.5rem - 60px); }
        .figure.zoomed svg { max-width: none !important; max-height: none; height: auto; flex: none; }
        .panel { min-width: 0; background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 1.2rem 1.3rem; overflow-x: hidden; overflow-y: auto; max-height: calc(100vh - 7.5rem - 60px); box-shadow: 0 1px 2px rgba(0,0,0,.04), 0 8px 24px rgba(0,0,0,.05); }
        .kicker { margin: 0 0 10px; }
        .chip { display: inline-block; font-size: .75rem; font-weight: 600; letter-spacing: .04em; padding: 3px 10px; border-radius: 999px; background: var(--accent-soft); color: var(--forward); }
        .pass-backward .chip { color: var(--gradient); background: color-mix(in srgb, var(--gradient) 12%, var(--card)); }
        /* Equations break only at spaces, which sit around operators and
           between tensor elements: never inside ∂total/∂tax or a number. */
        h2 { margin: 0 0 .8rem; font: 600 1.3rem/1.3 var(--math); overflow-wrap: normal; word-break: normal; }
        .equation { margin: 0 0 1rem; padding: .7rem .8rem; border-left: 3px solid var(--forward); background: color-mix(in srgb, var(--forward) 6%, var(--card)); border-radius: 0 8px 8px 0; font: 1.06rem/1.6 var(--math); overflow-x: auto; }
        .pass-backward .equation { border-left-color: var(--gradient); background: color-mix(in srgb, var(--gradient) 6%, var(--card)); }
        .eq { overflow-wrap: normal; word-break: normal; }
        .eq + .eq { margin-top: 4px; }
        .eq.sub { padding-left: .8rem; font-size: 1rem; color: color-mix(in srgb, var(--text) 80%, var(--card)); }
        .why { display: block; font: 1rem/1.45 var(--sans); color: var(--muted); margin-top: 1px; }
        .prose { font-size: 1rem; }
        .prose p { margin: 0 0 .8em; }
        .prose h3, .prose h4, .prose h5, .prose h6 { margin: 1em 0 .4em; font-size: 1.05rem; }
        .prose ul, .prose ol, .note ul, .note ol { padding-left: 1.3em; margin: 0 0 .8em; }
        .prose pre, .note pre { background: var(--page); border: 1px solid var(--border); padding: 8px 10px; border-radius: 6px; overflow-x: auto; max-width: 100%; font-size: .8rem; }
        code { font: .9em var(--mono); background: var(--page); padding: .05em .3em; border-radius: 4px; }
        pre code { background: none; padding: 0; }
        .math { font-family: var(--math); font-style: italic; }
        blockquote { margin: 0 0 .8em; padding-left: 12px; border-left: 3px solid var(--border); color: var(--muted); }
        .note { position: relative; margin: .7rem 0 0; padding: .6rem .8rem 2px; border-radius: 8px; background: var(--accent-soft); font-size: 1rem; }
        .note-mark { display: block; font-size: .7rem; font-weight: 700; letter-spacing: .1em; text-transform: uppercase; color: var(--accent); margin-bottom: 2px; }
        .note p { margin: 0 0 .6em; }
        .note.ask { background: color-mix(in srgb, var(--gradient) 10%, var(--card)); }
        .note.ask .note-mark { color: var(--gradient); }
        .quiz { margin-top: .5em; }
        .quiz input { font: inherit; width: 12em; padding: .15em .3em; }
        .quiz-verdict:empty, .quiz-score:empty, html:not(.js) .quiz { display: none; }
        .quiz.right .quiz-verdict { font-weight: 600; }
        a { color: var(--accent); }
        .controls { display: flex; align-items: center; gap: 14px; padding: 6px 0 8px; }
        button { font: 600 .875rem var(--sans); color: var(--text); background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 9px 16px; cursor: pointer; min-width: 44px; }
        button:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
        button:focus-visible, .dot:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
        button:disabled { opacity: .35; cursor: default; }
        .track { flex: 1; display: flex; gap: 4px; list-style: none; margin: 0; padding: 0; }
        .track li { flex: 1; }
        .dot { display: block; height: 8px; border-radius: 4px; background: var(--border); transition: background .15s, transform .15s; }
        .dot.done, .dot[aria-current] { background: color-mix(in srgb, var(--muted) 45%, var(--card)); }
        .dot.done.pass-forward, .dot[aria-current].pass-forward { background: color-mix(in srgb, var(--forward) 55%, var(--card)); }
        .dot.done.pass-backward, .dot[aria-current].pass-backward { background: color-mix(in srgb, var(--gradient) 55%, var(--card)); }
        .dot[aria-current] { transform: scaleY(1.6); }
        .dot[aria-current].pass-forward { background: var(--forward); }
        .dot[aria-current].pass-backward { background: var(--gradient); }
        .dot[aria-current]:not(.pass-forward):not(.pass-backward) { background: var(--muted); }
        .foot { display: flex; justify-content: space-between; gap: 20px; flex-wrap: wrap; color: var(--muted); font-size: .8rem; padding: 4px 0 18px; }
        .foot p { margin: 0; }
        .files a { margin-left: 12px; }
        button.link { background: none; border: 0; padding: 0; margin-left: 12px; min-width: 0; font: inherit; color: var(--accent); text-decoration: underline; cursor: pointer; }
        kbd { font: .75rem var(--mono); border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: var(--card); }
        .keymap { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; background: rgba(0,0,0,.45); z-index: 10; }
        .keymap[hidden] { display: none; }
        .keymap dl { background: var(--card); color: var(--text); border-radius: 14px; padding: 1.2rem 1.6rem; display: grid; grid-template-columns: auto auto; gap: .3rem 1.2rem; margin: 0; font-size: 1.1rem; box-shadow: 0 8px 40px rgba(0,0,0,.3); }
        .keymap dt { font-weight: 600; text-align: right; }
        .keymap dd { margin: 0; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        @media (max-width: 900px) {
          .deck { padding: 0 14px; }
          .slide { grid-template-columns: 1fr; }
          .panel { max-height: none; }
          .figure svg { max-height: 60vh; }
          .label { display: none; }
        }
        @media print {
          @page { size: A4 landscape; margin: 12mm; }
          :root { color-scheme: light; }
          html, body { height: auto; background: #fff; }
          .deck { display: block; max-width: none; padding: 0; min-height: 0; }
          .bar, .controls, .foot { display: none; }
          .slide, .slide[hidden] { display: grid !important; grid-template-columns: minmax(0, 1.7fr) minmax(0, 1fr); grid-template-rows: auto 1fr; break-after: page; page-break-after: always; break-inside: avoid; margin: 0; }
          .slide:last-child { break-after: auto; page-break-after: auto; }
          .print-head { display: block; grid-column: 1 / -1; margin: 0 0 6mm; font-size: 11pt; color: #555; }
          .figure, .panel { box-shadow: none; border-color: #ccc; max-height: none; }
          .slide, .slide[hidden] { height: 180mm; }
          .figure { min-height: 0; }
          .figure svg { max-height: 100%; height: 100% !important; width: 100% !important; }
          .keymap { display: none !important; }
        }
        """
    }
}

/// `Output/index.html`: the exported lessons, with links to each slideshow
/// and its files.
public struct LessonIndexPage: Sendable {
    public struct Entry: Sendable {
        public var number: String
        public var title: String
        public var href: String
        public var summary: String
        public var thumbnail: String
        public var links: [Slideshow.Link]
        public init(number: String, title: String, href: String, summary: String, thumbnail: String, links: [Slideshow.Link]) {
            self.number = number
            self.title = title
            self.href = href
            self.summary = summary
            self.thumbnail = thumbnail
            self.links = links
        }
    }

    /// A lesson's card, ready to place in the list, and the key that orders it.
    public struct Card: Sendable {
        public var sortKey: String
        public var html: String
        public init(sortKey: String, html: String) { self.sortKey = sortKey; self.html = html }
    }

    /// The cards, in order.
    public var cards: [Card]
    public var theme: FigureTheme
    public init(cards: [Card], theme: FigureTheme) {
        self.cards = cards.sorted { $0.sortKey < $1.sortKey }
        self.theme = theme
    }

    /// One lesson's card (all text escaped).
    public static func card(_ entry: Entry) -> String {
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

    public func html() -> String {
        let cards = self.cards.map(\.html).joined()
        let p = Slideshow.palette(theme)
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
        :root { --page: \(p.page); --card: \(p.card); --text: \(p.text); --muted: \(p.muted); --border: \(p.border); --accent: \(p.accent);
          --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
          color-scheme: \(theme.name == "dark" ? "dark" : "light"); }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--text); font: 16px/1.5 var(--sans); }
        .wrap { max-width: 1180px; margin: 0 auto; padding: 40px 28px 60px; }
        .eyebrow { margin: 0; font-size: 12px; letter-spacing: .12em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
        h1 { margin: 4px 0 6px; font-size: 32px; letter-spacing: -.015em; }
        .lede { margin: 0 0 30px; color: var(--muted); max-width: 60ch; }
        ol.cards { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 20px; }
        .card { background: var(--card); border: 1px solid var(--border); border-radius: 14px; overflow: hidden; display: flex; flex-direction: column; box-shadow: 0 1px 2px rgba(0,0,0,.04), 0 8px 24px rgba(0,0,0,.05); }
        .thumb { display: flex; align-items: center; justify-content: center; height: 190px; padding: 14px; border-bottom: 1px solid var(--border); }
        .thumb svg { width: 100%; height: 100%; }
        .text { padding: 14px 18px 16px; }
        .num { margin: 0; font-size: 12px; color: var(--muted); font-weight: 600; letter-spacing: .08em; text-transform: uppercase; }
        h2 { margin: 2px 0 4px; font-size: 19px; line-height: 1.3; }
        h2 a { color: var(--text); text-decoration: none; }
        h2 a:hover { color: var(--accent); }
        .summary { margin: 0 0 10px; color: var(--muted); font-size: 14px; }
        .files { margin: 0; font-size: 13px; display: flex; flex-wrap: wrap; gap: 4px 14px; }
        .files a { color: var(--accent); }
        </style>
        </head>
        <body>
        <div class="wrap">
        <p class="eyebrow">ChainRule</p>
        <h1>Backpropagation, step by step</h1>
        <p class="lede">Each lesson opens as a slideshow that works offline: use the arrow keys, and print it for one step per page. Figures, PDFs and worksheets with answer keys sit beside each slideshow.</p>
        <ol class="cards">
        \(cards)</ol>
        </div>
        </body>
        </html>

        """
    }
}
