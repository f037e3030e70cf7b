/**
 * GitHub Actions workflow commands: an error annotation per breaking change on its file and line,
 * a warning per accepted one, a notice per non-breaking one (info is left out of the pull request).
 */
import type { CheckResult } from '../check.js';

/** Workflow command data: %, CR and LF are escaped; property values also escape : and ,. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function githubReport(result: CheckResult): string[] {
  const lines: string[] = [];
  for (const c of result.changes) {
    const [command, title, text] = c.accepted
      ? ['warning', `${c.rule} (accepted)`, `${c.message}. Accepted: ${c.accepted.reason}`]
      : c.severity === 'breaking'
        ? ['error', c.rule, `${c.event} v${c.version}: ${c.message}. Fix: ${c.hint}`]
        : c.severity === 'non-breaking'
          ? ['notice', c.rule, `${c.event} v${c.version}: ${c.message}`]
          : [undefined, '', ''];
    if (command) lines.push(`::${command} file=${escapeProperty(c.file)},line=${c.line},title=${escapeProperty(title)}::${escapeData(text)}`);
  }
  return lines;
}
