/**
 * The HTML site: one self-contained `index.html` (styles, script and diagrams inline) that works
 * from `file://` with no server and no network. A Content-Security-Policy allows only the page's
 * own script, by hash: even if catalogue text ever slipped past escaping, it could not run.
 */
import { createHash } from 'node:crypto';
import { GENERATED_MARKER } from '../../emit/write.js';
import { readAsset, renderDocsTemplate } from '../assets.js';
import { eventGraph, overviewGraph, renderSvg } from '../diagram.js';
import { escapeHtml } from '../escape.js';
import type { DocsSite } from '../site.js';
import { eventSection } from './event.js';
import { domainSection, overviewSection, serviceSection } from './overview.js';
import { Links } from './parts.js';
import { sidebar } from './sidebar.js';

export async function renderHtml(site: DocsSite): Promise<Map<string, string>> {
  const links = new Links(site);
  const overview = overviewSection(site, links, await renderSvg(overviewGraph(site), 'Services, exchanges and events'));
  const events: string[] = [];
  for (const e of site.events) events.push(eventSection(site, e, links, await renderSvg(eventGraph(site, e), `Producers and consumers of ${e.type}`)));
  const script = readAsset('site.js');
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const html = renderDocsTemplate('page.html', {
    marker: `${GENERATED_MARKER} from the event catalogue. DO NOT EDIT. Regenerate with: npx eventsmith docs`,
    csp,
    title: escapeHtml(site.title),
    css: readAsset('site.css'),
    script,
    sidebar: sidebar(site),
    main: [overview, ...site.domains.map((d) => domainSection(d, links)), ...site.services.map((s) => serviceSection(s, links)), ...events].join('\n'),
  });
  return new Map([['index.html', html]]);
}
