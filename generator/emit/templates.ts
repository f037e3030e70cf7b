/**
 * Handlebars templates for the file skeletons. Templates stay logic-less: every fragment they
 * receive is finished code (names already safe, literals already quoted), so HTML escaping is off
 * and a missing field is an error rather than an empty string.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export type TemplateName = 'event-types' | 'definitions' | 'domain-schemas' | 'registry' | 'index' | 'topology' | 'events' | 'service';

const cache = new Map<TemplateName, Handlebars.TemplateDelegate>();

/** `templates/` sits at the package root, both when running from source and from `dist/`. */
function templatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, 'index.ts.hbs'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('eventsmith: cannot find its templates/ folder; the installation is incomplete');
    dir = parent;
  }
}

export function render(name: TemplateName, view: object): string {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(path.join(templatesDir(), `${name}.ts.hbs`), 'utf8');
    template = Handlebars.compile(source, { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return tidy(template(view));
}

/** Trailing spaces and runs of blank lines are artefacts of templating, not of the code. */
function tidy(text: string): string {
  return `${text.split('\n').map(trimSpacesAndTabs).join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/**
 * A line without trailing spaces and tabs (only those: other whitespace may belong to catalogue
 * text). A loop, not /[ \t]+$/gm: that regex retries at every space of every indentation and was a
 * tenth of an emit of 1,000 events.
 */
function trimSpacesAndTabs(line: string): string {
  let end = line.length;
  while (end > 0) {
    const code = line.charCodeAt(end - 1);
    if (code !== 32 && code !== 9) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}
