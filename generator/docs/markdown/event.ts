/**
 * One event type in Markdown: metadata with versions side by side (as table columns), changes,
 * then per version the payload fields (nested fields flattened to paths such as `lines[].sku`,
 * since git hosts render no expandable tables) and the examples.
 */
import { rabbitmqRoute } from '../../model/bindings.js';
import type { CatalogEvent } from '../../model/catalog.js';
import type { Constraint } from '../constraints.js';
import { escapeMarkdown, markdownCode } from '../escape.js';
import type { FieldRow } from '../fields.js';
import type { DocsEventType, DocsVersion } from '../site.js';
import type { MdLinks } from './links.js';
import { mdPre, mdTable } from './table.js';

type Row = readonly [label: string, cell: (event: CatalogEvent) => string];

export function mdEvent(e: DocsEventType, links: MdLinks, hasChanges: boolean): string {
  const l = e.latest;
  const parts = [`<a id="${e.id}"></a>\n\n## ${markdownCode(e.type)}`];
  if (l.title !== undefined) parts.push(`**${escapeMarkdown(l.title)}**`);
  if (l.summary !== undefined) parts.push(escapeMarkdown(l.summary));
  parts.push(escapeMarkdown(l.description));
  parts.push(versionsTable(e, links));
  if (e.versions.length > 1) parts.push(changes(e, hasChanges));
  for (const v of e.versions) parts.push(...versionDetails(e, v));
  return parts.join('\n\n');
}

function versionsTable(e: DocsEventType, links: MdLinks): string {
  // The heading shows the current version's texts; older versions' own texts appear side by side.
  const texts: Row[] = [
    ['Title', (v) => (v.title === undefined ? '—' : escapeMarkdown(v.title))],
    ['Summary', (v) => (v.summary === undefined ? '—' : escapeMarkdown(v.summary))],
    ['Description', (v) => escapeMarkdown(v.description) || '—'],
  ];
  const rows: Row[] = [
    ...(e.versions.length > 1 ? texts : []),
    ['Kind', (v) => escapeMarkdown(v.kind)],
    ['Urgency', (v) => escapeMarkdown(v.urgency) + (v.severity === undefined ? '' : ` (severity ${escapeMarkdown(v.severity)})`)],
    ['Destination', (v) => markdownCode(v.destination)],
    ['RabbitMQ', (v) => rabbitmqCell(v)],
    ['Producers', (v) => links.services(v.producers)],
    ['Consumers', (v) => links.services(v.consumers)],
    ['Tenant scoped', (v) => (v.tenantScoped ? 'yes' : 'no')],
    ['Deprecated', (v) => (v.deprecated ? '**deprecated**' : 'no')],
    ['Sunset', (v) => (v.sunset === undefined ? '—' : escapeMarkdown(v.sunset))],
    ['Replies', (v) => (v.replies.length === 0 ? '—' : v.replies.map((r) => links.event(r.type, r.version)).join(', '))],
    ['Declared in', (v) => markdownCode(`${v.source.file}:${v.source.line}`)],
  ];
  const head = ['', ...e.versions.map((v) => `<a id="${v.id}"></a>v${v.event.version}`)];
  return mdTable(head, rows.map(([label, cell]) => [`**${label}**`, ...e.versions.map((v) => cell(v.event))]));
}

/** How RabbitMQ carries the event: exchange, routing key and message priority. */
function rabbitmqCell(event: CatalogEvent): string {
  const { exchange, routingKey, priority } = rabbitmqRoute(event);
  return `exchange ${markdownCode(exchange)}, routing key ${markdownCode(routingKey)}, priority ${priority}`;
}

function changes(e: DocsEventType, hasChanges: boolean): string {
  if (!hasChanges || e.steps === undefined) return '### Changes between versions\n\n_Not computed: no compatibility checker was available when these docs were generated._';
  const steps = e.steps.map((step) => {
    const title = `#### v${step.from} → v${step.to}`;
    if (step.changes.length === 0) return `${title}\n\nNo changes reported.`;
    const rows = step.changes.map((c) => [escapeMarkdown(c.severity), markdownCode(c.rule), markdownCode(c.pointer), escapeMarkdown(c.message)]);
    return `${title}\n\n${mdTable(['Severity', 'Rule', 'Where', 'Change'], rows)}`;
  });
  return `### Changes between versions\n\n${steps.join('\n\n')}`;
}

function versionDetails(e: DocsEventType, v: DocsVersion): string[] {
  const suffix = e.versions.length > 1 ? ` (v${v.event.version})` : '';
  const out = [`### Payload${suffix}`, fieldsTable(v.payload)];
  if (v.headers !== undefined) out.push(`### Headers${suffix}`, fieldsTable(v.headers));
  if (v.event.examples.length > 0) {
    out.push(`### Examples${suffix}`);
    v.event.examples.forEach((example, i) => {
      const summary = example.summary === undefined ? '' : ` — ${escapeMarkdown(example.summary)}`;
      out.push(`**${escapeMarkdown(example.name ?? `example ${i + 1}`)}**${summary}`, mdPre(JSON.stringify(example.payload, null, 2)));
    });
  }
  return out;
}

function fieldsTable(rows: readonly FieldRow[]): string {
  const flat: string[][] = [];
  const walk = (row: FieldRow): void => {
    const ref = row.ref === undefined ? '' : ` (${escapeMarkdown(row.ref)})`;
    const type = `${markdownCode(row.type)}${ref}${row.recursive ? ' — recursive' : ''}`;
    flat.push([markdownCode(row.path), type, row.required ? 'yes' : 'no', row.constraints.map(constraint).join('<br>'), escapeMarkdown(row.description ?? '')]);
    row.children.forEach(walk);
  };
  rows.forEach(walk);
  return flat.length === 0 ? '_No fields._' : mdTable(['Field', 'Type', 'Required', 'Constraints', 'Description'], flat);
}

function constraint(c: Constraint): string {
  return [escapeMarkdown(c.label), ...c.values.map(markdownCode)].join(' ');
}
