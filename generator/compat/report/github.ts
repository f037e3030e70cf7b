/**
 * GitHub Actions workflow commands: an error annotation per breaking change on its file and line,
 * a warning per accepted one, a notice per non-breaking one (info is left out of the pull request).
 * The line is HEAD's, the file the pull request shows: for a removal, the object that held what was
 * removed (the message says where it was before).
 */
import type { CheckResult } from '../check.js';
import type { Change } from '../types.js';

/** Workflow command data: %, CR and LF are escaped; property values also escape : and ,. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Where a removed thing was, for the annotation's text (its line is HEAD's). */
function wasAt(c: Change): string {
  return c.beforeAt ? ` (before: ${c.beforeAt.file}:${c.beforeAt.line} in ${c.base})` : '';
}

export function githubReport(result: CheckResult): string[] {
  const lines: string[] = [];
  for (const c of result.changes) {
    const [command, title, text] = c.accepted
      ? ['warning', `${c.rule} (accepted)`, `${c.message}. Accepted: ${c.accepted.reason}`]
      : c.severity === 'breaking'
        ? ['error', c.rule, `${c.event} v${c.version}: ${c.message}${wasAt(c)}. Fix: ${c.hint}`]
        : c.severity === 'non-breaking'
          ? ['notice', c.rule, `${c.event} v${c.version}: ${c.message}${wasAt(c)}`]
          : [undefined, '', ''];
    if (command) lines.push(`::${command} file=${escapeProperty(c.file)},line=${c.line},title=${escapeProperty(title)}::${escapeData(text)}`);
  }
  return lines;
}
