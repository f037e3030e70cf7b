/**
 * The "who talks to whom" pictures, laid out by Graphviz (compiled to WebAssembly by @viz-js/viz,
 * so it runs in node with no binary and no network) and inlined into the page as SVG.
 *
 * Graphs are passed as objects, never as DOT text, so catalogue names cannot change the graph's
 * structure; node names are synthetic (`p0`, `e3`, …) and only labels and tooltips carry catalogue
 * text, which Graphviz XML-escapes in its SVG. Links point only at our own anchors.
 */
import { instance, type Edge, type Graph, type Node, type Subgraph, type Viz } from '@viz-js/viz';
import { rabbitmqRoute } from '../model/bindings.js';
import type { EventKind } from '../model/catalog.js';
import { escapeHtml } from './escape.js';
import type { DocsEventType, DocsSite } from './site.js';

/** Fill and stroke per kind; the page's badges use the same colours. */
export const KIND_COLOURS: Readonly<Record<EventKind, readonly [string, string]>> = {
  business: ['#e0ecff', '#2563eb'],
  alert: ['#fde2e2', '#dc2626'],
  notification: ['#efe4ff', '#7c3aed'],
  recommendation: ['#dcf5ea', '#059669'],
  command: ['#fdefd8', '#d97706'],
};

const FONT = 'Helvetica,Arial,sans-serif';
const BASE: Pick<Graph, 'graphAttributes' | 'nodeAttributes' | 'edgeAttributes'> = {
  graphAttributes: { rankdir: 'LR', bgcolor: 'transparent', fontname: FONT, fontsize: 11, nodesep: 0.12, ranksep: 1.6, pad: 0.1 },
  nodeAttributes: { fontname: FONT, fontsize: 11, shape: 'box', style: 'rounded,filled', height: 0.3, margin: '0.16,0.05', penwidth: 1.2 },
  edgeAttributes: { arrowsize: 0.6, penwidth: 0.9, color: '#a5b4c8', tailport: 'e', headport: 'w' },
};

let vizPromise: Promise<Viz> | undefined;

/** Graphviz reads `\N`, `\G`, `\n`, `\l`… in labels and tooltips; doubled backslashes are text. */
export function graphvizText(text: string): string {
  return text.replace(/\\/g, '\\\\');
}

/**
 * Services that publish on the left, events grouped by exchange in the middle, consumers right.
 * `href` turns an anchor id into a link: `#id` in the page, `file.md#id` for the Markdown site.
 */
export function overviewGraph(site: DocsSite, href: (id: string) => string = (id) => `#${id}`): Graph {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const eventNode = new Map<string, string>();
  const subgraphs: Subgraph[] = site.exchanges.map((exchange, x) => ({
    name: `cluster_${x}`,
    graphAttributes: { label: graphvizText(exchange.name), labeljust: 'l', style: 'rounded,dashed', color: '#cbd5e1', fontcolor: '#475569', id: `dg-${exchange.id}` },
    nodes: exchange.events
      .filter((e) => !eventNode.has(e.type) && rabbitmqRoute(e.latest).exchange === exchange.name)
      .map((e) => {
        const name = `e${eventNode.size}`;
        eventNode.set(e.type, name);
        return eventNodeOf(name, e, href);
      }),
  }));
  site.services.forEach((service, s) => {
    const attributes = { label: graphvizText(service.name), href: href(service.id), tooltip: graphvizText(service.name), fillcolor: '#f8fafc', color: '#64748b' };
    if (service.publishes.length > 0) {
      nodes.push({ name: `p${s}`, attributes: { ...attributes, id: `dg-pub-${service.id}`, class: `svc ${service.id}` } });
      for (const e of service.publishes) edges.push({ tail: `p${s}`, head: eventNode.get(e.type)!, attributes: { class: `pub ${e.id} ${service.id}` } });
    }
    if (service.consumes.length > 0) {
      nodes.push({ name: `c${s}`, attributes: { ...attributes, id: `dg-sub-${service.id}`, class: `svc ${service.id}` } });
      for (const e of service.consumes) edges.push({ tail: eventNode.get(e.type)!, head: `c${s}`, attributes: { class: `sub ${e.id} ${service.id}` } });
    }
  });
  // Publishers all on the first rank and consumers all on the last, whatever the edges say.
  const pubs = nodes.filter((n) => n.name.startsWith('p')).map((n) => ({ name: n.name }));
  const subs = nodes.filter((n) => n.name.startsWith('c')).map((n) => ({ name: n.name }));
  return {
    ...BASE,
    nodes,
    edges,
    // The root id prefixes every id Graphviz makes up, so two inlined SVGs never share one.
    graphAttributes: { ...BASE.graphAttributes, id: 'dg' },
    subgraphs: [...subgraphs, { graphAttributes: { rank: 'source' }, nodes: pubs }, { graphAttributes: { rank: 'sink' }, nodes: subs }],
  };
}

/** One event: its producers → the event (inside its RabbitMQ exchange, with its destination) → consumers. */
export function eventGraph(site: DocsSite, event: DocsEventType): Graph {
  const serviceId = new Map(site.services.map((s) => [s.name, s.id]));
  const service = (prefix: string, name: string, i: number): Node => ({
    name: `${prefix}${i}`,
    attributes: { label: graphvizText(name), href: `#${serviceId.get(name) ?? ''}`, tooltip: graphvizText(name), fillcolor: '#f8fafc', color: '#64748b' },
  });
  const latest = event.latest;
  const { id: _id, class: _class, ...attributes } = eventNodeOf('e', event, (id) => `#${id}`).attributes ?? {};
  const node: Node = { name: 'e', attributes: { ...attributes, label: `${graphvizText(event.type)}\\n${graphvizText(latest.destination)}` } };
  const prefix = `${event.id}_flow`;
  return {
    ...BASE,
    graphAttributes: { ...BASE.graphAttributes, ranksep: 0.7, id: prefix },
    nodes: [...event.producers.map((p, i) => service('p', p, i)), ...event.consumers.map((c, i) => service('c', c, i))],
    edges: [...event.producers.map((_, i) => ({ tail: `p${i}`, head: 'e' })), ...event.consumers.map((_, i) => ({ tail: 'e', head: `c${i}` }))],
    subgraphs: [
      {
        name: 'cluster_x',
        graphAttributes: { label: graphvizText(rabbitmqRoute(latest).exchange), labeljust: 'l', style: 'rounded,dashed', color: '#cbd5e1', fontcolor: '#475569', id: `${prefix}_x` },
        nodes: [node],
      },
    ],
  };
}

function eventNodeOf(name: string, e: DocsEventType, href: (id: string) => string): Node {
  const [fill, stroke] = KIND_COLOURS[e.latest.kind];
  const versions = e.versions.length > 1 ? `  v${e.versions.map((v) => v.event.version).join(', v')}` : '';
  return {
    name,
    attributes: {
      label: graphvizText(e.type + versions),
      href: href(e.id),
      tooltip: graphvizText(e.latest.title ?? e.latest.summary ?? e.type),
      fillcolor: fill,
      color: stroke,
      id: `dg-${e.id}`,
      class: `ev ${e.id}`,
      style: e.latest.deprecated ? 'rounded,filled,dashed' : 'rounded,filled',
    },
  };
}

/**
 * SVG markup for inlining into HTML: Graphviz's XML prologue, doctype and comments dropped (the
 * comments repeat node names), and the fixed size replaced by the viewBox so CSS can scale it.
 */
export async function renderSvg(graph: Graph, label: string): Promise<string> {
  vizPromise ??= instance();
  const viz = await vizPromise;
  const svg = viz.renderString(graph, { format: 'svg' });
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('Graphviz returned no SVG');
  // Graphviz writes every `-` as `&#45;`; plain dashes keep ids greppable and are just as safe.
  const body = svg
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/&#45;/g, '-');
  const size = /^<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(body);
  const width = size ? Math.round(Number(size[1]) * (4 / 3)) : 800;
  return body.replace(/^<svg width="[\d.]+pt" height="[\d.]+pt"/, `<svg class="diagram" role="img" aria-label="${escapeHtml(label)}" style="max-width:${width}px"`);
}
