/**
 * The page's landing section (domains, the diagram, services, exchanges) and one section per
 * domain and per service, each a table of event types linking to their sections.
 */
import { EVENT_KINDS } from '../../../runtime/urgency.js';
import { KIND_COLOURS } from '../diagram.js';
import { escapeHtml, escapeHtmlLines } from '../escape.js';
import type { DocsDomain, DocsEventType, DocsService, DocsSite } from '../site.js';
import { kindBadge, Links, urgencyBadge } from './parts.js';

export function overviewSection(site: DocsSite, links: Links, diagram: string): string {
  const stats = `${site.events.length} event types · ${site.versionCount} versions · ${site.domains.length} domains · ${site.services.length} services · ${site.exchanges.length} RabbitMQ exchanges`;
  const domainCards = site.domains.map((d) => {
    const kinds = [...new Set(d.events.map((e) => e.latest.kind))].map(kindBadge).join(' ');
    const services = new Set(d.events.flatMap((e) => [...e.producers, ...e.consumers])).size;
    const counts = `${d.events.length} event${d.events.length === 1 ? '' : 's'} · ${services} service${services === 1 ? '' : 's'}`;
    return `<li><a class="card" href="#${d.id}"><strong>${escapeHtml(d.name)}</strong><span class="muted small">${counts}</span><span class="kinds">${kinds}</span></a></li>`;
  });
  const serviceRows = site.services.map(
    (s) => `<tr><td><a href="#${s.id}">${escapeHtml(s.name)}</a></td><td>${eventLinks(s.publishes, links)}</td><td>${eventLinks(s.consumes, links)}</td></tr>`,
  );
  const exchangeRows = site.exchanges.map((x) => `<tr id="${x.id}"><td><code>${escapeHtml(x.name)}</code></td><td class="num">${x.events.length}</td><td>${eventLinks(x.events, links)}</td></tr>`);
  const legend = EVENT_KINDS.map((k) => `<span class="legend-item"><span class="swatch" style="background:${KIND_COLOURS[k][0]};border-color:${KIND_COLOURS[k][1]}"></span>${k}</span>`).join('');
  return `<section class="view" id="overview" aria-labelledby="overview_h">
<h1 id="overview_h">${escapeHtml(site.title)}</h1>
<p class="lead">${stats}</p>
<h2 id="domains">Domains</h2>
<ul class="cards">
${domainCards.join('\n')}
</ul>
<h2 id="diagram">Who publishes and consumes what</h2>
<p class="muted">Publishing services on the left, events grouped by RabbitMQ exchange in the middle, consuming services on the right. Click an event or a service to open it; the filters in the sidebar dim what they leave out.</p>
<p class="legend">${legend}</p>
<figure class="diagram-wrap">${diagram}</figure>
<h2 id="services">Services</h2>
<table class="list">
<thead><tr><th>Service</th><th>Publishes</th><th>Consumes</th></tr></thead>
<tbody>
${serviceRows.join('\n')}
</tbody>
</table>
<h2 id="exchanges">RabbitMQ exchanges</h2>
<table class="list">
<thead><tr><th>Exchange</th><th class="num">Events</th><th>Event types</th></tr></thead>
<tbody>
${exchangeRows.join('\n')}
</tbody>
</table>
</section>`;
}

export function domainSection(d: DocsDomain, links: Links): string {
  return `<section class="view" id="${d.id}" aria-labelledby="${d.id}_h">
<p class="crumbs"><a href="#overview">Overview</a></p>
<h1 id="${d.id}_h">${escapeHtml(d.name)}</h1>
<p class="lead">${escapeHtml(d.documents.join(', '))}</p>
${eventsTable(d.events, links)}
</section>`;
}

export function serviceSection(s: DocsService, links: Links): string {
  return `<section class="view" id="${s.id}" aria-labelledby="${s.id}_h">
<p class="crumbs"><a href="#overview">Overview</a> › <a href="#services">Services</a></p>
<h1 id="${s.id}_h">${escapeHtml(s.name)}</h1>
<h2>Publishes</h2>
${s.publishes.length === 0 ? '<p class="muted">Nothing.</p>' : eventsTable(s.publishes, links)}
<h2>Consumes</h2>
${s.consumes.length === 0 ? '<p class="muted">Nothing.</p>' : eventsTable(s.consumes, links)}
</section>`;
}

function eventsTable(events: readonly DocsEventType[], links: Links): string {
  const rows = events.map((e) => {
    const l = e.latest;
    const versions = e.versions.map((v) => `v${v.event.version}${v.event.deprecated ? '†' : ''}`).join(' ');
    return `<tr><td>${links.event(e.type)}${l.title === undefined ? '' : `<div class="muted small">${escapeHtml(l.title)}</div>`}</td><td>${kindBadge(l.kind)}</td><td>${urgencyBadge(l.urgency)}</td><td>${versions}</td><td>${links.serviceList(e.producers)}</td><td>${links.serviceList(e.consumers)}</td><td class="small">${escapeHtmlLines(l.summary ?? '')}</td></tr>`;
  });
  return `<table class="list">
<thead><tr><th>Event</th><th>Kind</th><th>Urgency</th><th>Versions</th><th>Producers</th><th>Consumers</th><th>Summary</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function eventLinks(events: readonly DocsEventType[], links: Links): string {
  return events.length === 0 ? '<span class="muted">—</span>' : events.map((e) => links.event(e.type)).join(' ');
}
