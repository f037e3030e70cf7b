// eventsmith docs: the page's only script (allowed by hash in its Content-Security-Policy).
// It shows one section at a time by URL fragment, filters the event list, and highlights the
// diagram. It reads catalogue text only through textContent and data attributes, never as markup.
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var views = Array.prototype.slice.call(doc.querySelectorAll('.view'));
  var items = Array.prototype.slice.call(doc.querySelectorAll('.nav-event'));
  var groups = Array.prototype.slice.call(doc.querySelectorAll('.nav-domain'));
  var search = doc.getElementById('search');
  var byDomain = doc.getElementById('filter-domain');
  var byKind = doc.getElementById('filter-kind');
  var byService = doc.getElementById('filter-service');
  var count = doc.getElementById('result-count');
  var overviewSvg = doc.querySelector('#overview svg.diagram');

  function route() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = ''; }
    var target = id ? doc.getElementById(id) : null;
    var view = target ? target.closest('.view') : null;
    if (!view) { view = doc.getElementById('overview'); target = view; }
    views.forEach(function (v) { v.classList.toggle('active', v === view); });
    items.forEach(function (li) {
      li.firstElementChild.classList.toggle('current', li.getAttribute('data-target') === view.id);
    });
    if (target === view) window.scrollTo(0, 0); else target.scrollIntoView();
    var current = doc.querySelector('.nav-event a.current');
    if (current && current.scrollIntoViewIfNeeded) current.scrollIntoViewIfNeeded(false);
  }

  function matches(li, words, domain, kind, service) {
    if (domain && li.getAttribute('data-domain') !== domain) return false;
    if (kind && li.getAttribute('data-kind') !== kind) return false;
    if (service && JSON.parse(li.getAttribute('data-services') || '[]').indexOf(service) < 0) return false;
    var text = li.getAttribute('data-search') || '';
    return words.every(function (w) { return text.indexOf(w) >= 0; });
  }

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var domain = byDomain.value, kind = byKind.value, service = byService.value;
    var shown = {};
    var n = 0;
    items.forEach(function (li) {
      var ok = matches(li, words, domain, kind, service);
      li.hidden = !ok;
      if (ok) { n++; shown[li.getAttribute('data-target')] = true; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('.nav-event:not([hidden])'); });
    var active = words.length > 0 || domain || kind || service;
    count.textContent = active ? n + ' of ' + items.length + ' events' : items.length + ' events';
    if (overviewSvg) {
      overviewSvg.querySelectorAll('g.node.ev').forEach(function (g) {
        var id = eventIdOf(g);
        g.classList.toggle('dim', Boolean(active) && !shown[id]);
      });
    }
  }

  function eventIdOf(g) {
    for (var i = 0; i < g.classList.length; i++) if (g.classList[i].indexOf('ev-') === 0) return g.classList[i];
    return '';
  }

  function keyOf(g) {
    for (var i = 0; i < g.classList.length; i++) {
      var c = g.classList[i];
      if (c.indexOf('ev-') === 0 || c.indexOf('service-') === 0) return c;
    }
    return '';
  }

  // Hovering a node in the big diagram highlights its edges and fades the rest.
  if (overviewSvg) {
    overviewSvg.addEventListener('mouseover', function (event) {
      var node = event.target.closest && event.target.closest('g.node');
      var key = node ? keyOf(node) : '';
      overviewSvg.classList.toggle('focus', Boolean(key));
      overviewSvg.querySelectorAll('g.edge').forEach(function (edge) {
        edge.classList.toggle('hl', Boolean(key) && edge.classList.contains(key));
      });
    });
    overviewSvg.addEventListener('mouseleave', function () { overviewSvg.classList.remove('focus'); });
  }

  search.addEventListener('input', filter);
  [byDomain, byKind, byService].forEach(function (s) { s.addEventListener('change', filter); });
  search.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') return;
    var first = items.filter(function (li) { return !li.hidden; })[0];
    if (first) location.hash = first.getAttribute('data-target');
  });
  doc.addEventListener('keydown', function (event) {
    if (event.key === '/' && doc.activeElement !== search && !/^(INPUT|SELECT|TEXTAREA)$/.test(doc.activeElement.tagName)) {
      event.preventDefault();
      search.focus();
    }
  });
  window.addEventListener('hashchange', route);
  filter();
  route();
})();
