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
    var m = /^#(\d+)$/.exec(location.hash);
    return m ? parseInt(m[1], 10) : null;
  }
  step = fromHash();
  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined && text !== null) x.textContent = text;
    return x;
  }
  // An equation line as the slideshow shows it: an indented line (a local
  // derivative) set smaller, a trailing "   (reason)" as a muted aside.
  function eqLine(line) {
    var sub = line.charAt(0) === ' ', body = line.replace(/^ +/, ''), why = '';
    var r = body.indexOf('   (');
    if (r > 0 && body.charAt(body.length - 1) === ')') { why = body.slice(r + 4, -1); body = body.slice(0, r); }
    var div = el('div', sub ? 'eq sub' : 'eq', body);
    if (why) div.appendChild(el('span', 'why', why));
    return div;
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
    (s ? s.equations : []).forEach(function (line) { equations.appendChild(eqLine(line)); });
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
      n.forward.forEach(function (line) { f.appendChild(eqLine(line)); });
      nodeBox.appendChild(f);
    }
    if (n.terms.length) {
      nodeBox.appendChild(el('p', 'eyebrow', n.terms.length > 1 ? 'Chain rule: one term per use, summed' : 'Chain rule'));
      n.terms.forEach(function (t) {
        var box = el('div', 'term');
        box.appendChild(el('p', 'into', 'through ' + t.into + ': ' + t.symbolic));
        t.lines.forEach(function (line) { box.appendChild(eqLine(line)); });
        nodeBox.appendChild(box);
      });
    } else if (n.output) {
      nodeBox.appendChild(el('p', 'why', 'The output: the backward pass starts here with the seed gradient 1.'));
    }
    if (n.backward.length && n.terms.length > 1) {
      var b = el('div', 'equation');
      n.backward.slice(-1).forEach(function (line) { b.appendChild(eqLine(line)); });
      nodeBox.appendChild(b);
    }
    nodeBox.hidden = false;
    hint.hidden = true;
    markSelected();
  }
  figure.addEventListener('click', function (ev) {
    var g = ev.target && ev.target.closest ? ev.target.closest('g.node') : null;
    var m = g && /^f-node-(\d+)$/.exec(g.id);
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
      document.title = graph.file + ' \u00b7 live';
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
