/**
 * The Markdown site for browsing on a git host: `index.md` (domains, the diagram, services,
 * exchanges, every event), one `<domain>.md` per domain, and `diagram.svg`, whose nodes link into
 * those files.
 */
import { GENERATED_MARKER } from '../../emit/write.js';
import { renderDocsTemplate } from '../assets.js';
import { overviewGraph, renderSvg } from '../diagram.js';
import { escapeMarkdown, markdownCode } from '../escape.js';
import type { DocsSite } from '../site.js';
import { mdEvent } from './event.js';
import { MdLinks } from './links.js';
import { mdTable } from './table.js';

const MARKER = `<!-- ${GENERATED_MARKER} from the event catalogue. DO NOT EDIT. Regenerate with: npx eventsmith docs --format md -->`;

export async function renderMarkdown(site: DocsSite): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set('index.md', index(site));
  for (const d of site.domains) {
    const links = new MdLinks(site, d.file);
    const body = renderDocsTemplate('domain.md', {
      marker: MARKER,
      name: escapeMarkdown(d.name),
      documents: escapeMarkdown(d.documents.join(', ')),
      events: mdTable(
        ['Event', 'Kind', 'Urgency', 'Versions', 'Summary'],
        d.events.map((e) => [links.event(e.type), escapeMarkdown(e.latest.kind), escapeMarkdown(e.latest.urgency), e.versions.map((v) => `v${v.event.version}`).join(', '), escapeMarkdown(e.latest.summary ?? '')]),
      ),
      details: d.events.map((e) => mdEvent(e, links, site.hasChanges)).join('\n\n---\n\n'),
    });
    files.set(d.file, tidy(body));
  }
  // The SVG stands alone here, so its links name the file each anchor lives in.
  const fileOf = new Map<string, string>([...site.services.map((s) => [s.id, 'index.md'] as const), ...site.events.map((e) => [e.id, site.domains.find((d) => d.name === e.domain)?.file ?? 'index.md'] as const)]);
  const svg = await renderSvg(overviewGraph(site, (id) => `${fileOf.get(id) ?? 'index.md'}#${id}`), 'Services, exchanges and events');
  files.set('diagram.svg', `${MARKER}\n${svg}`);
  return files;
}

function index(site: DocsSite): string {
  const links = new MdLinks(site, 'index.md');
  return tidy(
    renderDocsTemplate('index.md', {
      marker: MARKER,
      title: escapeMarkdown(site.title),
      stats: `${site.events.length} event types · ${site.versionCount} versions · ${site.domains.length} domains · ${site.services.length} services · ${site.exchanges.length} RabbitMQ exchanges`,
      domains: mdTable(
        ['Domain', 'Documents', 'Events'],
        site.domains.map((d) => [`[${escapeMarkdown(d.name)}](${d.file})`, escapeMarkdown(d.documents.join(', ')), String(d.events.length)]),
      ),
      services: mdTable(
        ['Service', 'Publishes', 'Consumes'],
        site.services.map((s) => [`<a id="${s.id}"></a>${escapeMarkdown(s.name)}`, s.publishes.map((e) => links.event(e.type)).join(', ') || '—', s.consumes.map((e) => links.event(e.type)).join(', ') || '—']),
      ),
      exchanges: mdTable(
        ['Exchange', 'Events'],
        site.exchanges.map((x) => [`<a id="${x.id}"></a>${markdownCode(x.name)}`, x.events.map((e) => links.event(e.type)).join(', ')]),
      ),
      events: mdTable(
        ['Event', 'Domain', 'Kind', 'Urgency', 'Producers', 'Consumers'],
        site.events.map((e) => [links.event(e.type), escapeMarkdown(e.domain), escapeMarkdown(e.latest.kind), escapeMarkdown(e.latest.urgency), links.services(e.producers), links.services(e.consumers)]),
      ),
    }),
  );
}

function tidy(text: string): string {
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
