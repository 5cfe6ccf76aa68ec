// The slideshow's main script (Slideshow.html): show one step at a time, follow
// the URL hash (#3), keys, buttons, zoom, full screen, printing, the quiz boxes.
// Embedded in the page at build time; the page's Content-Security-Policy allows
// exactly this text (with follow.js) by its SHA-256.
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var dots = Array.prototype.slice.call(document.querySelectorAll('.track a'));
  var n = slides.length, current = 0;
  var counter = document.getElementById('counter');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  document.documentElement.classList.add('js');
  function fromHash() {
    var m = /^#(\d+)$/.exec(location.hash);
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
    var parts = String(text).replace(/[\[\]]/g, '').split(','), out = [];
    for (var i = 0; i < parts.length; i++) {
      var v = parseExpr(parts[i]);
      if (v === null || !isFinite(v)) return null;
      out.push(v);
    }
    return out;
  }
  function parseExpr(src) {
    var s = src.replace(/\u2212/g, '-').replace(/[\u00d7\u00b7]/g, '*').replace(/\u00f7/g, '/'), k = 0, depth = 0;
    function ws() { while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++; }
    function atom() {
      ws();
      if (s[k] === '(') {
        if (++depth > 50) return null;
        k++; var v = sum(); ws();
        if (v === null || s[k] !== ')') return null;
        k++; depth--; return v;
      }
      var m = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(k));
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
      if (ok) { finish(true, '\u2713 Right: ' + q.getAttribute('data-shown')); return; }
      wrong++;
      if (wrong === 1) verdict.textContent = '\u2717 Not quite. Hint: ' + q.getAttribute('data-hint');
      else finish(false, '\u2717 Not quite. The answer is ' + q.getAttribute('data-shown'));
    }
    q.querySelector('.quiz-check').addEventListener('click', check);
    q.querySelector('.quiz-reveal').addEventListener('click', function () {
      if (!finished) finish(false, 'The answer is ' + q.getAttribute('data-shown'));
    });
    input.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { ev.preventDefault(); check(); } });
  });
  show(fromHash());
})();
