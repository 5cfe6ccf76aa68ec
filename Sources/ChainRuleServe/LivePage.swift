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
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(csp)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="chainrule serve">
        <title>\(e(title)) · live</title>
        <style>
        \(ServePage.style(theme))
        \(style)
        </style>
        </head>
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

    static let style = """
    .diagnostic { margin: 0 0 12px; padding: 10px 14px; border-radius: 10px; border: 1px solid #d1242f; background: #fff1f0; color: #82071e; }
    .diagnostic pre { margin: 6px 0 0; font: .9rem/1.4 var(--mono); white-space: pre; overflow-x: auto; color: #3b0a0a; }
    .diag-head { margin: 0; font-weight: 600; }
    .live { font-size: .8rem; padding: 2px 10px; border-radius: 999px; border: 1px solid var(--border); }
    .live.on { color: #1a7f37; border-color: #1a7f37; }
    .live.off { color: #9a6700; border-color: #9a6700; }
    .counter { flex: 1; text-align: center; color: var(--muted); font-variant-numeric: tabular-nums; }
    .empty { color: var(--muted); }
    .figure svg { cursor: default; }
    .figure g.node { cursor: pointer; }
    .figure g.node.selected polygon, .figure g.node.selected ellipse, .figure g.node.selected path { stroke-width: 3px; }
    .node-info h3 { margin: .6rem 0 .3rem; font: 600 1.15rem var(--math); }
    .node-info dl { display: grid; grid-template-columns: auto 1fr; gap: .2rem .8rem; margin: 0 0 .6rem; }
    .node-info dt { color: var(--muted); }
    .node-info dd { margin: 0; font-family: var(--math); overflow-wrap: anywhere; }
    .node-info .term { margin: .4rem 0; padding: .4rem .6rem; border-left: 3px solid var(--gradient); background: color-mix(in srgb, var(--gradient) 6%, var(--card)); border-radius: 0 6px 6px 0; }
    .node-info .term p { margin: 0; font-family: var(--math); }
    .node-info .term .why { font-family: var(--sans); }
    .node-info .term .into { color: var(--muted); font: .85rem var(--sans); }
    .node-info .term .sub { padding-left: .8rem; font-size: .95rem; }
    .hint { color: var(--muted); font-size: .9rem; }
    .follow { display: inline-flex; align-items: center; gap: 8px; color: var(--muted); font-size: .85rem; }
    .follow.away { color: var(--gradient); }
    """

    /// The page's one script.
    static let script = """
    (function () {
      var body = document.body;
      var frames = body.getAttribute('data-frames'), drive = body.getAttribute('data-drive');
      var follows = body.getAttribute('data-follow') === '1';
      var figure = document.getElementById('figure'), live = document.getElementById('live');
      var diag = document.getElementById('diagnostic'), diagText = document.getElementById('diag-text');
      var counter = document.getElementById('counter'), kicker = document.getElementById('kicker');
      var stepTitle = document.getElementById('step-title'), equations = document.getElementById('equations');
      var nodeBox = document.getElementById('node'), hint = document.getElementById('hint');
      var prev = document.getElementById('prev'), next = document.getElementById('next'), finished = document.getElementById('finished');
      var followBox = document.getElementById('follow'), followText = document.getElementById('follow-text');
      var graph = null, version = 0, count = 0, step = null, selected = null, shown = '';
      var presenter = null, away = false;
      function fromHash() {
        var m = /^#(\\d+)$/.exec(location.hash);
        return m ? parseInt(m[1], 10) : null;
      }
      step = fromHash();
      function el(tag, cls, text) {
        var x = document.createElement(tag);
        if (cls) x.className = cls;
        if (text !== undefined && text !== null) x.textContent = text;
        return x;
      }
      function setLive(text, on) { live.textContent = text; live.className = 'live ' + (on ? 'on' : 'off'); }
      function loadFrame() {
        var want = version + '/' + step;
        if (want === shown) { markSelected(); return; }
        var v = version, k = step;
        fetch(frames + want, { cache: 'no-store' }).then(function (r) { return r.ok ? r.text() : null; }).then(function (text) {
          if (text === null || v !== version || k !== step) return;
          var doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          var svg = doc.documentElement;
          if (!svg || svg.nodeName !== 'svg') return;
          figure.replaceChildren(document.importNode(svg, true));
          shown = want;
          figure.setAttribute('data-version', String(v));
          figure.setAttribute('data-step', String(k));
          markSelected();
        }).catch(function () {});
      }
      function showStep(k, byUser) {
        if (!graph) return;
        k = Math.min(Math.max(k, 0), count);
        step = k;
        var s = k > 0 ? graph.steps[k - 1] : null;
        kicker.textContent = s ? (s.kind.charAt(0).toUpperCase() + s.kind.slice(1)) : 'Finished pass';
        stepTitle.textContent = s ? s.title : 'Every value and gradient';
        equations.replaceChildren();
        (s ? s.equations : []).forEach(function (line) { equations.appendChild(el('div', 'eq', line)); });
        equations.hidden = !s || s.equations.length === 0;
        counter.textContent = k > 0 ? 'Step ' + k + ' of ' + count : 'Finished pass (' + count + ' steps)';
        prev.disabled = k <= 1 && k !== 0;
        next.disabled = k === count || k === 0;
        finished.disabled = k === 0;
        var hash = '#' + k;
        if (location.hash !== hash) history.replaceState(null, '', hash);
        loadFrame();
        if (byUser && drive) fetch(drive + '?n=' + k, { method: 'POST' }).catch(function () {});
        if (byUser && follows && presenter !== null) away = k !== presenter;
        showFollow();
      }
      function showFollow() {
        if (drive) { followBox.hidden = false; followText.textContent = 'Presenting: followers see this step'; document.getElementById('rejoin').hidden = true; return; }
        if (!follows) return;
        followBox.hidden = false;
        followBox.classList.toggle('away', away);
        followText.textContent = presenter === null ? 'Waiting for the presenter…' : (away ? 'The presenter is at step ' + presenter : 'Following the presenter');
        document.getElementById('rejoin').hidden = !away;
      }
      function markSelected() {
        Array.prototype.forEach.call(figure.querySelectorAll('g.node.selected'), function (g) { g.classList.remove('selected'); });
        if (selected === null) return;
        var g = figure.querySelector('g#f-node-' + selected);
        if (g) g.classList.add('selected');
      }
      function showNode(index) {
        selected = index;
        var n = graph && graph.nodes[String(index)];
        nodeBox.replaceChildren();
        if (!n) { nodeBox.hidden = true; hint.hidden = false; markSelected(); return; }
        nodeBox.appendChild(el('h3', null, n.name));
        var dl = el('dl');
        function row(k, v) { if (v === null || v === undefined) return; dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); }
        row('kind', n.output ? n.kind + ' (the output)' : n.kind);
        row('value', n.value);
        row('gradient', n.gradient === null ? null : n.gradient);
        nodeBox.appendChild(dl);
        if (n.forward.length) {
          nodeBox.appendChild(el('p', 'eyebrow', 'Forward'));
          var f = el('div', 'equation');
          n.forward.forEach(function (line) { f.appendChild(el('div', 'eq', line)); });
          nodeBox.appendChild(f);
        }
        if (n.terms.length) {
          nodeBox.appendChild(el('p', 'eyebrow', n.terms.length > 1 ? 'Chain rule: one term per use, summed' : 'Chain rule'));
          n.terms.forEach(function (t) {
            var box = el('div', 'term');
            box.appendChild(el('p', 'into', 'through ' + t.into + ': ' + t.symbolic));
            t.lines.forEach(function (line) {
              // An indented line is the local derivative; a trailing "   (reason)" says why.
              var sub = line.charAt(0) === ' ', body = line.replace(/^ +/, ''), why = '';
              var r = body.indexOf('   (');
              if (r > 0 && body.charAt(body.length - 1) === ')') { why = body.slice(r + 4, -1); body = body.slice(0, r); }
              box.appendChild(el('p', sub ? 'line sub' : 'line', body));
              if (why) box.appendChild(el('p', 'why', why));
            });
            nodeBox.appendChild(box);
          });
        } else if (n.output) {
          nodeBox.appendChild(el('p', 'why', 'The output: the backward pass starts here with the seed gradient 1.'));
        }
        if (n.backward.length && n.terms.length > 1) {
          var b = el('div', 'equation');
          n.backward.slice(-1).forEach(function (line) { b.appendChild(el('div', 'eq', line)); });
          nodeBox.appendChild(b);
        }
        nodeBox.hidden = false;
        hint.hidden = true;
        markSelected();
      }
      figure.addEventListener('click', function (ev) {
        var g = ev.target && ev.target.closest ? ev.target.closest('g.node') : null;
        var m = g && /^f-node-(\\d+)$/.exec(g.id);
        if (m) showNode(parseInt(m[1], 10));
      });
      prev.addEventListener('click', function () { showStep(step === 0 ? count : step - 1, true); });
      next.addEventListener('click', function () { showStep(step + 1, true); });
      finished.addEventListener('click', function () { showStep(0, true); });
      document.getElementById('rejoin').addEventListener('click', function () { away = false; if (presenter !== null) showStep(presenter, false); showFollow(); });
      window.addEventListener('hashchange', function () { var k = fromHash(); if (k !== null && k !== step) showStep(k, true); });
      document.addEventListener('keydown', function (ev) {
        if (ev.altKey || ev.ctrlKey || ev.metaKey || !graph) return;
        var k = null;
        switch (ev.key) {
          case 'ArrowRight': case 'ArrowDown': case 'PageDown': case ' ': k = step === 0 ? 0 : step + 1; break;
          case 'ArrowLeft': case 'ArrowUp': case 'PageUp': k = step === 0 ? count : step - 1; break;
          case 'Home': k = 1; break;
          case 'End': k = 0; break;
          case 'Escape': showNode(null); ev.preventDefault(); return;
        }
        if (k !== null) { ev.preventDefault(); if (k !== step) showStep(k, true); }
      });
      var source = new EventSource(body.getAttribute('data-events'));
      source.addEventListener('open', function () { setLive('live', true); });
      source.addEventListener('error', function () {
        setLive(source.readyState === 2 ? 'not live: the server refused (it may be full) or stopped; reload to retry' : 'reconnecting…', false);
      });
      source.addEventListener('graph', function (ev) {
        var data = JSON.parse(ev.data);
        diagText.textContent = data.error || '';
        diag.hidden = !data.error;
        body.setAttribute('data-error', data.error ? '1' : '0');
        if (data.graph && data.version !== version) {
          var first = graph === null;
          graph = data.graph;
          version = data.version;
          count = graph.steps.length;
          document.getElementById('title').textContent = graph.file;
          document.title = graph.file + ' \\u00b7 live';
          if (step === null) step = (follows && presenter !== null) ? presenter : 0;
          showStep(step, first && !!drive);
          if (selected !== null) showNode(selected);
          body.setAttribute('data-version', String(version));
        }
      });
      source.addEventListener('step', function (ev) {
        presenter = JSON.parse(ev.data).step;
        if (drive) return;
        if (!away && graph) showStep(presenter, false); else if (!away) step = presenter;
        showFollow();
      });
      showFollow();
    })();
    """
}
