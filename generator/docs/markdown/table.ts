/** GFM tables and preformatted blocks, from cells that are already escaped Markdown. */
import { escapeHtml } from '../escape.js';

export function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * A preformatted block: an HTML block rather than a fence, so that its text is entity-escaped in
 * the file like all other catalogue text (a fence would hold it raw). Git hosts render it as code.
 */
export function mdPre(text: string): string {
  return `<pre><code>${escapeHtml(text)}</code></pre>`;
}
