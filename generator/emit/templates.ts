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
  // One pass over the lines, instead of split, map, join and a replace over the whole text (a
  // 1,000-event registry is ~750 KB): each run of blank lines becomes at most one blank line.
  let out = '';
  let newlines = 0;
  for (let start = 0; ; ) {
    const end = text.indexOf('\n', start);
    const line = trimSpacesAndTabs(end === -1 ? text.slice(start) : text.slice(start, end));
    if (line !== '') {
      if (newlines > 0) out += newlines === 1 ? '\n' : '\n\n';
      out += line;
      newlines = 0;
    }
    if (end === -1) break;
    newlines++;
    start = end + 1;
  }
  return `${out.trimEnd()}\n`;
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
