/**
 * Anchor ids for the docs. Event types and service names are catalogue text, so an id is a slug
 * of it (ASCII letters, digits and dashes only: safe in an attribute, a URL fragment and a Markdown
 * link without escaping) and made unique with a counter, since two names can slug alike.
 */
export class IdAllocator {
  private readonly used = new Set<string>();

  /** `prefix-slug`, or `prefix-slug-2`, `-3`, … when already taken. */
  allocate(prefix: string, text: string): string {
    return this.claim(`${prefix}-${slug(text)}`);
  }

  private claim(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return s === '' ? 'x' : s;
}
