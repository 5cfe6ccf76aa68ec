// Pans and zooms figures too large for their box to the current step.
//
// A figure whose median label would be smaller than READABLE px when the
// whole of it fits its box is shown through a viewBox around the step's
// highlighted node and edge labels, at a scale where the median label is
// LOW–HIGH px (never less than READABLE): the step's node stays in view when
// its labels are spread wider than that. A frame with nothing highlighted
// (a check or a summary) zooms to the output. Nodes never move: only the
// window onto the one layout changes.
//
// `w` or the "Whole figure" button toggles between following and the whole
// figure. The script watches the slides' `hidden` attributes, so it needs
// nothing from the main script; it writes the state it chose on the <svg>
// (data-follow, data-label-px: the median label height in CSS px as laid
// out) for tests and for anyone curious.
(function () {
  var READABLE = 10, LOW = 12, HIGH = 15;
  var whole = false;
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  function median(svg) {
    if (svg.__median !== undefined) return svg.__median;
    var sizes = Array.prototype.map.call(svg.querySelectorAll('text'), function (t) {
      return parseFloat(t.getAttribute('font-size')) || 0;
    }).filter(function (x) { return x > 0; }).sort(function (a, b) { return a - b; });
    var n = sizes.length;
    svg.__median = n === 0 ? 14 : (n % 2 ? sizes[(n - 1) / 2] : (sizes[n / 2 - 1] + sizes[n / 2]) / 2);
    return svg.__median;
  }
  function full(svg) {
    if (!svg.__full) {
      var b = svg.viewBox && svg.viewBox.baseVal;
      if (!b || !b.width) return null;
      svg.__full = { x: b.x, y: b.y, w: b.width, h: b.height };
    }
    return svg.__full;
  }
  // The box of some elements in the svg's own (viewBox) coordinates.
  function box(svg, elements) {
    var root = svg.getScreenCTM();
    if (!root || elements.length === 0) return null;
    var inv = root.inverse(), x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    elements.forEach(function (el) {
      var b, m;
      try { b = el.getBBox(); m = el.getScreenCTM(); } catch (e) { return; }
      if (!m || (b.width === 0 && b.height === 0)) return;
      var t = inv.multiply(m);
      [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].forEach(function (c) {
        var p = svg.createSVGPoint(); p.x = c[0]; p.y = c[1];
        p = p.matrixTransform(t);
        x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
      });
    });
    return x0 < x1 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
  }
  function reset(svg, f) {
    svg.setAttribute('viewBox', [f.x, f.y, f.w, f.h].join(' '));
    svg.style.width = svg.style.height = svg.style.maxHeight = '';
    svg.style.maxWidth = svg.__maxWidth || '';
  }
  function report(svg, mode) {
    var r = svg.getBoundingClientRect(), b = svg.viewBox.baseVal;
    var scale = Math.min(r.width / b.width, r.height / b.height);
    svg.setAttribute('data-follow', mode);
    svg.setAttribute('data-label-px', (median(svg) * scale).toFixed(2));
  }
  function follow(slide) {
    var figure = slide.querySelector('.figure'), svg = figure && figure.querySelector('svg');
    if (!svg) return;
    var f = full(svg);
    if (!f) return;
    if (svg.__maxWidth === undefined) svg.__maxWidth = svg.style.maxWidth;
    if (figure.classList.contains('zoomed')) {
      svg.setAttribute('viewBox', [f.x, f.y, f.w, f.h].join(' '));
      svg.style.height = svg.style.maxHeight = '';
      report(svg, 'natural');
      return;
    }
    reset(svg, f);
    var style = getComputedStyle(figure);
    var W = figure.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // The height the page's style gives figures (it caps them at the window less the bars).
    var cap = parseFloat(getComputedStyle(svg).maxHeight);
    var H = Math.max(200, isFinite(cap) ? cap : window.innerHeight - 230);
    var m = median(svg), fit = Math.min(W / f.w, H / f.h);
    if (whole || W <= 0 || m * fit >= READABLE) { report(svg, whole ? 'whole' : 'fits'); return; }
    var lit = Array.prototype.slice.call(svg.querySelectorAll('.node.highlighted'));
    var focus = lit.filter(function (n) { return !n.classList.contains('edge-label'); });
    if (lit.length === 0) lit = focus = Array.prototype.slice.call(svg.querySelectorAll('.node.output'));
    var target = box(svg, lit) || { x: f.x + f.w / 2, y: f.y + f.h / 2, w: 0, h: 0 };
    var margin = 24 / (LOW / m);
    var s = Math.min(W / (target.w + 2 * margin), H / (target.h + 2 * margin));
    s = Math.max(LOW / m, Math.min(HIGH / m, s));
    var w = W / s, h = H / s;
    // Wider than the window: keep the step's own node in view.
    if (target.w + 2 * margin > w || target.h + 2 * margin > h) target = box(svg, focus) || target;
    var x = target.x + target.w / 2 - w / 2, y = target.y + target.h / 2 - h / 2;
    x = w >= f.w ? f.x + (f.w - w) / 2 : Math.min(Math.max(x, f.x), f.x + f.w - w);
    y = h >= f.h ? f.y + (f.h - h) / 2 : Math.min(Math.max(y, f.y), f.y + f.h - h);
    svg.setAttribute('viewBox', [x, y, w, h].map(function (v) { return v.toFixed(2); }).join(' '));
    svg.style.maxWidth = svg.style.maxHeight = 'none';
    svg.style.width = W + 'px';
    svg.style.height = H + 'px';
    report(svg, 'step');
  }
  function current() { return slides.filter(function (s) { return !s.hidden; })[0]; }
  function update() { var s = current(); if (s) follow(s); }
  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'whole';
  button.title = 'Whole figure or follow the step (w)';
  button.setAttribute('aria-pressed', 'false');
  button.textContent = 'Whole figure';
  function toggle() {
    whole = !whole;
    button.setAttribute('aria-pressed', whole ? 'true' : 'false');
    update();
  }
  button.addEventListener('click', toggle);
  var next = document.getElementById('next');
  if (next && next.parentNode) next.parentNode.insertBefore(button, next.nextSibling);
  var keys = document.querySelector('.keys');
  if (keys) keys.insertAdjacentHTML('beforeend', ' · <kbd>w</kbd> whole figure');
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var t = ev.target && ev.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA') return;
    if (ev.key === 'w') { toggle(); ev.preventDefault(); }
    if (ev.key === 'z') setTimeout(update, 0);
  });
  slides.forEach(function (s) {
    var f = s.querySelector('.figure');
    if (f) f.addEventListener('click', function () { setTimeout(update, 0); });
  });
  new MutationObserver(function () { update(); })
    .observe(document.getElementById('slides') || document.body, { attributes: true, subtree: true, attributeFilter: ['hidden'] });
  window.addEventListener('resize', update);
  window.addEventListener('load', update);
  update();
})();
