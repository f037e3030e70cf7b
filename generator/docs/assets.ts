/**
 * The docs' templates and inline assets (`templates/docs/`): the page skeleton, its stylesheet and
 * script, and the Markdown skeletons. Templates are logic-less and fed finished, escaped fragments,
 * so Handlebars' own escaping is off and a missing field is an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export type DocsTemplate = 'page.html' | 'index.md' | 'domain.md';
export type DocsAsset = 'site.css' | 'site.js';

const templates = new Map<DocsTemplate, Handlebars.TemplateDelegate>();

/** `templates/docs/` sits at the package root, both when running from source and from `dist/`. */
function docsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'templates', 'docs');
    if (existsSync(path.join(candidate, 'page.html.hbs'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('eventsmith: cannot find its templates/docs/ folder; the installation is incomplete');
    dir = parent;
  }
}

export function renderDocsTemplate(name: DocsTemplate, view: object): string {
  let template = templates.get(name);
  if (!template) {
    template = Handlebars.compile(readFileSync(path.join(docsDir(), `${name}.hbs`), 'utf8'), { noEscape: true, strict: true });
    templates.set(name, template);
  }
  return template(view);
}

export function readAsset(name: DocsAsset): string {
  return readFileSync(path.join(docsDir(), name), 'utf8');
}
