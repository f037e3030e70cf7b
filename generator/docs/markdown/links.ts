/**
 * Cross-file links for the Markdown site: events live in their domain's file, services and
 * exchanges in the index. Anchors are `<a id>` tags with slug ids (see ids.ts), because git hosts
 * derive heading anchors from the heading text in ways that differ and that catalogue text could
 * steer.
 */
import { escapeMarkdown, markdownCode } from '../escape.js';
import type { DocsEventType, DocsSite } from '../site.js';

export class MdLinks {
  private readonly serviceIds: Map<string, string>;
  private readonly events: Map<string, DocsEventType>;
  private readonly fileOfDomain: Map<string, string>;

  constructor(site: DocsSite, private readonly from: string) {
    this.serviceIds = new Map(site.services.map((s) => [s.name, s.id]));
    this.events = new Map(site.events.map((e) => [e.type, e]));
    this.fileOfDomain = new Map(site.domains.map((d) => [d.name, d.file]));
  }

  /** `#id` within the current file, `file.md#id` across files. */
  href(file: string, id: string): string {
    return file === this.from ? `#${id}` : `${file}#${id}`;
  }

  eventHref(e: DocsEventType): string {
    return this.href(this.fileOfDomain.get(e.domain) ?? 'index.md', e.id);
  }

  event(type: string, version?: number): string {
    const label = `${markdownCode(type)}${version === undefined ? '' : ` v${version}`}`;
    const target = this.events.get(type);
    return target === undefined ? label : `[${label}](${this.eventHref(target)})`;
  }

  service(name: string): string {
    const id = this.serviceIds.get(name);
    return id === undefined ? escapeMarkdown(name) : `[${escapeMarkdown(name)}](${this.href('index.md', id)})`;
  }

  services(names: readonly string[]): string {
    return names.length === 0 ? '—' : names.map((n) => this.service(n)).join(', ');
  }
}
