/**
 * The sidebar: search box, filters by domain, kind and service, and every event type grouped by
 * domain. Each entry carries what the filters match on in data attributes (escaped text; the
 * page's script reads them back and never parses catalogue text as markup).
 */
import { rabbitmqRoute } from '../../model/bindings.js';
import { escapeHtml } from '../escape.js';
import type { DocsEventType, DocsSite } from '../site.js';

export function sidebar(site: DocsSite): string {
  const kinds = [...new Set(site.events.map((e) => e.latest.kind))].sort();
  const options = (values: readonly string[], all: string): string =>
    [`<option value="">${all}</option>`, ...values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`)].join('');
  const groups = site.domains.map(
    (d) => `<li class="nav-domain" data-domain="${escapeHtml(d.name)}"><a class="nav-domain-link" href="#${d.id}">${escapeHtml(d.name)}</a>
<ul>
${d.events.map(navEvent).join('\n')}
</ul></li>`,
  );
  return `<nav class="sidebar" aria-label="Events">
<a class="brand" href="#overview">${escapeHtml(site.title)}</a>
<div class="filters">
<input id="search" type="search" placeholder="Search events, services, keys…  ( / )" autocomplete="off" spellcheck="false" aria-label="Search events">
<div class="selects">
<select id="filter-domain" aria-label="Domain">${options(site.domains.map((d) => d.name), 'All domains')}</select>
<select id="filter-kind" aria-label="Kind">${options(kinds, 'All kinds')}</select>
<select id="filter-service" aria-label="Service">${options(site.services.map((s) => s.name), 'All services')}</select>
</div>
<p id="result-count" class="muted small" aria-live="polite">${site.events.length} events</p>
</div>
<ul class="nav-domains" id="event-list">
${groups.join('\n')}
</ul>
</nav>`;
}

function navEvent(e: DocsEventType): string {
  const l = e.latest;
  const services = [...e.producers, ...e.consumers];
  const haystack = [e.type, l.title ?? '', l.summary ?? '', e.domain, l.kind, l.destination, rabbitmqRoute(l).exchange, ...services].join(' ').toLowerCase();
  const versions = e.versions.length > 1 ? ` <span class="muted small">v${e.versions.map((v) => v.event.version).join(', v')}</span>` : '';
  const deprecated = l.deprecated ? ' deprecated' : '';
  return `<li class="nav-event" data-type="${escapeHtml(e.type)}" data-domain="${escapeHtml(e.domain)}" data-kind="${escapeHtml(l.kind)}" data-services="${escapeHtml(JSON.stringify(services))}" data-search="${escapeHtml(haystack)}" data-target="${e.id}"><a href="#${e.id}" class="${deprecated.trim()}"><span class="dot kind-${escapeHtml(l.kind)}" title="${escapeHtml(l.kind)}"></span>${escapeHtml(l.name)}${versions}</a></li>`;
}
