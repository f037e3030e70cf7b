/**
 * One event type's section: what it is, who publishes and consumes it (with a small diagram), its
 * versions side by side, the changes between them, payload tables and examples.
 */
import { rabbitmqRoute } from '../../model/bindings.js';
import type { CatalogEvent } from '../../model/catalog.js';
import type { VersionStep } from '../changes.js';
import { escapeHtml, escapeHtmlLines } from '../escape.js';
import type { DocsEventType, DocsSite, DocsVersion } from '../site.js';
import { fieldsTable } from './fields-table.js';
import { deprecationBadge, eventBadges, Links, orDash } from './parts.js';

export function eventSection(site: DocsSite, e: DocsEventType, links: Links, diagram: string): string {
  const latest = e.latest;
  const domain = site.domains.find((d) => d.name === e.domain);
  const crumbs = `<p class="crumbs"><a href="#overview">Overview</a> › ${domain ? `<a href="#${domain.id}">${escapeHtml(domain.name)}</a>` : ''}</p>`;
  const title = latest.title === undefined ? '' : `<p class="subtitle">${escapeHtml(latest.title)}</p>`;
  const summary = latest.summary === undefined ? '' : `<p class="summary">${escapeHtmlLines(latest.summary)}</p>`;
  const deprecations = e.versions.map((v) => deprecationBadge(v.event)).join(' ');
  return `<section class="view event" id="${e.id}" aria-labelledby="${e.id}_h">
${crumbs}
<h1 id="${e.id}_h"><code>${escapeHtml(e.type)}</code></h1>
${title}
<p class="badges">${eventBadges(latest)} ${deprecations}</p>
${summary}
<p class="description">${escapeHtmlLines(latest.description)}</p>
<figure class="flow" aria-label="Producers and consumers">${diagram}</figure>
<h2>Versions</h2>
${versionsTable(e, links)}
${e.versions.length > 1 ? changesSection(e, site.hasChanges) : ''}
<h2>Payload</h2>
<div class="side-by-side">
${e.versions.map((v) => payloadColumn(e, v)).join('\n')}
</div>
${examplesSection(e)}
</section>`;
}

type Row = readonly [label: string, cell: (event: CatalogEvent) => string];

function versionsTable(e: DocsEventType, links: Links): string {
  // The heading shows the current version's texts; older versions' own texts appear side by side.
  const texts: Row[] = [
    ['Title', (v) => orDash(escapeHtml(v.title ?? ''))],
    ['Summary', (v) => orDash(escapeHtmlLines(v.summary ?? ''))],
    ['Description', (v) => orDash(escapeHtmlLines(v.description))],
  ];
  const rows: Row[] = [
    ...(e.versions.length > 1 ? texts : []),
    ['Kind', (v) => escapeHtml(v.kind)],
    ['Urgency', (v) => escapeHtml(v.urgency) + (v.severity === undefined ? '' : ` (severity ${escapeHtml(v.severity)})`)],
    ['Destination', (v) => `<code>${escapeHtml(v.destination)}</code>`],
    ['RabbitMQ', (v) => rabbitmqCell(v)],
    ['Channel', (v) => `<code>${escapeHtml(v.channel.address ?? v.channel.id)}</code>`],
    ['Producers', (v) => links.serviceList(v.producers)],
    ['Consumers', (v) => links.serviceList(v.consumers)],
    ['Tenant scoped', (v) => (v.tenantScoped ? 'yes' : 'no')],
    ['Deprecated', (v) => (v.deprecated ? '<span class="badge deprecated">deprecated</span>' : 'no')],
    ['Sunset', (v) => orDash(escapeHtml(v.sunset ?? ''))],
    ['Replies', (v) => orDash(v.replies.map((r) => links.event(r.type, r.version)).join(' '))],
    ['Declared in', (v) => `<code>${escapeHtml(`${v.source.file}:${v.source.line}`)}</code>`],
  ];
  const head = e.versions.map((v) => `<th scope="col" id="${v.id}">v${v.event.version}</th>`).join('');
  const body = rows.map(([label, cell]) => `<tr><th scope="row">${label}</th>${e.versions.map((v) => `<td>${cell(v.event)}</td>`).join('')}</tr>`);
  return `<table class="versions">
<thead><tr><th></th>${head}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>`;
}

/** How RabbitMQ carries the event: exchange, routing key and message priority. */
function rabbitmqCell(event: CatalogEvent): string {
  const { exchange, routingKey, priority } = rabbitmqRoute(event);
  return `exchange <code>${escapeHtml(exchange)}</code><br>routing key <code>${escapeHtml(routingKey)}</code><br>priority ${priority}`;
}

const SEVERITIES = new Set(['breaking', 'non-breaking', 'error', 'warning', 'info']);

function changesSection(e: DocsEventType, computed: boolean): string {
  if (!computed || e.steps === undefined) {
    return '<h2>Changes between versions</h2>\n<p class="muted">Not computed: no compatibility checker was available when these docs were generated.</p>';
  }
  return `<h2>Changes between versions</h2>\n${e.steps.map(stepTable).join('\n')}`;
}

function stepTable(step: VersionStep): string {
  const title = `<h3>v${step.from} → v${step.to}</h3>`;
  if (step.changes.length === 0) return `${title}\n<p class="muted">No changes reported.</p>`;
  const rows = step.changes.map((c) => {
    const severity = SEVERITIES.has(c.severity) ? c.severity : 'other';
    return `<tr><td><span class="sev sev-${severity}">${escapeHtml(c.severity)}</span></td><td><code>${escapeHtml(c.rule)}</code></td><td><code>${escapeHtml(c.pointer)}</code></td><td>${escapeHtmlLines(c.message)}</td></tr>`;
  });
  return `${title}
<table class="changes">
<thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Change</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function payloadColumn(e: DocsEventType, v: DocsVersion): string {
  const heading = e.versions.length > 1 ? `<h3>v${v.event.version}${v.event.deprecated ? ' <span class="badge deprecated">deprecated</span>' : ''}</h3>\n` : '';
  const headers = v.headers === undefined ? '' : `\n<h4>Headers</h4>\n${fieldsTable(v.headers)}`;
  return `<div class="version-col">
${heading}${fieldsTable(v.payload)}${headers}
</div>`;
}

function examplesSection(e: DocsEventType): string {
  const columns = e.versions
    .filter((v) => v.event.examples.length > 0)
    .map((v) => {
      const heading = e.versions.length > 1 ? `<h3>v${v.event.version}</h3>\n` : '';
      const examples = v.event.examples.map((example, i) => {
        const name = escapeHtml(example.name ?? `example ${i + 1}`);
        const summary = example.summary === undefined ? '' : ` — ${escapeHtml(example.summary)}`;
        return `<details class="example"${i === 0 ? ' open' : ''}><summary><strong>${name}</strong>${summary}</summary><pre><code>${escapeHtml(JSON.stringify(example.payload, null, 2))}</code></pre></details>`;
      });
      return `<div class="version-col">\n${heading}${examples.join('\n')}\n</div>`;
    });
  if (columns.length === 0) return '';
  return `<h2>Examples</h2>\n<div class="side-by-side">\n${columns.join('\n')}\n</div>`;
}
