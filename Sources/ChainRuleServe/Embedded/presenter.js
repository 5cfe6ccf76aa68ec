(function () {
  var body = document.body;
  var events = body.getAttribute('data-events'), drive = body.getAttribute('data-drive');
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var presenter = null, away = false, sent = null;
  var box = document.createElement('div');
  box.id = 'follow';
  box.setAttribute('role', 'status');
  box.style.cssText = 'position:fixed;right:16px;bottom:16px;z-index:20;display:flex;gap:10px;align-items:center;padding:8px 12px;border-radius:10px;background:var(--card,#fff);border:1px solid var(--border,#ccc);box-shadow:0 4px 16px rgba(0,0,0,.12);font:600 .85rem var(--sans,sans-serif)';
  var text = document.createElement('span');
  text.id = 'follow-text';
  var rejoin = document.createElement('button');
  rejoin.type = 'button';
  rejoin.id = 'rejoin';
  rejoin.textContent = 'Back to presenter';
  rejoin.hidden = true;
  box.appendChild(text);
  box.appendChild(rejoin);
  document.body.appendChild(box);
  function current() {
    for (var i = 0; i < slides.length; i++) if (!slides[i].hidden) return i + 1;
    return 1;
  }
  function show() {
    if (drive) { text.textContent = 'Presenting: followers see step ' + current(); return; }
    if (presenter === null) text.textContent = 'Waiting for the presenter\u2026';
    else if (away) text.textContent = 'The presenter is at step ' + presenter;
    else text.textContent = 'Following the presenter';
    rejoin.hidden = !away;
    body.setAttribute('data-away', away ? '1' : '0');
  }
  function go(n) { if (current() !== n) location.hash = '#' + n; }
  function changed() {
    var k = current();
    if (drive) {
      if (k !== sent) { sent = k; fetch(drive + '?n=' + k, { method: 'POST' }).catch(function () {}); }
    } else if (presenter !== null) {
      away = k !== presenter;
    }
    show();
  }
  new MutationObserver(changed).observe(document.getElementById('slides') || document.body,
    { attributes: true, subtree: true, attributeFilter: ['hidden'] });
  rejoin.addEventListener('click', function () { away = false; if (presenter !== null) go(presenter); show(); });
  if (drive) {
    changed();
  } else if (events) {
    var source = new EventSource(events);
    source.addEventListener('step', function (ev) {
      presenter = JSON.parse(ev.data).step;
      if (!away) go(presenter);
      show();
    });
    source.addEventListener('error', function () {
      if (source.readyState === 2) text.textContent = 'Not following: the server refused (it may be full) or stopped; reload to retry';
    });
  }
  show();
})();
