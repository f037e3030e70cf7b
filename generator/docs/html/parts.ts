/**
 * Small HTML pieces shared by the page's sections: links to services and events, badges. Even the
 * model's enum values are escaped: the type says what they are, not what a YAML file put there.
 */
import type { CatalogEvent, EventKind, Urgency } from '../../model/catalog.js';
import { escapeHtml } from '../escape.js';
import type { DocsEventType, DocsSite } from '../site.js';

/** Lookups from catalogue names to the anchors the site gave them. */
export class Links {
  private readonly services: Map<string, string>;
  private readonly events: Map<string, DocsEventType>;

  constructor(site: DocsSite) {
    this.services = new Map(site.services.map((s) => [s.name, s.id]));
    this.events = new Map(site.events.map((e) => [e.type, e]));
  }

  service(name: string): string {
    const id = this.services.get(name);
    return id === undefined ? escapeHtml(name) : `<a class="svc" href="#${id}">${escapeHtml(name)}</a>`;
  }

  serviceList(names: readonly string[]): string {
    return names.length === 0 ? '<span class="muted">none</span>' : names.map((n) => this.service(n)).join(' ');
  }

  /** A link to an event type, or plain text when the catalogue does not define it. */
  event(type: string, version?: number): string {
    const target = this.events.get(type);
    const label = `<code>${escapeHtml(type)}</code>${version === undefined ? '' : ` v${version}`}`;
    if (target === undefined) return label;
    const versionId = target.versions.find((v) => v.event.version === version)?.id;
    return `<a href="#${versionId ?? target.id}">${label}</a>`;
  }
}

export function kindBadge(kind: EventKind): string {
  return `<span class="badge kind-${escapeHtml(kind)}">${escapeHtml(kind)}</span>`;
}

export function urgencyBadge(urgency: Urgency): string {
  return `<span class="badge urgency-${escapeHtml(urgency)}">${escapeHtml(urgency)}</span>`;
}

export function eventBadges(event: CatalogEvent): string {
  const severity = event.severity === undefined ? '' : ` <span class="badge">severity ${escapeHtml(event.severity)}</span>`;
  return `${kindBadge(event.kind)} ${urgencyBadge(event.urgency)}${severity}`;
}

export function deprecationBadge(event: CatalogEvent): string {
  if (!event.deprecated) return '';
  const sunset = event.sunset === undefined ? '' : ` · sunset ${escapeHtml(event.sunset)}`;
  return `<span class="badge deprecated">v${event.version} deprecated${sunset}</span>`;
}

/** A table cell's text, or a muted dash for nothing. */
export function orDash(html: string): string {
  return html === '' ? '<span class="muted">—</span>' : html;
}
