/**
 * The one place that turns catalogue text into page text, for HTML and for Markdown.
 *
 * Every string from the catalogue (descriptions, titles, names, enum values, service names) is
 * hostile: the docs are opened by people in a browser, so a description must never become markup,
 * a link or a script. The renderers never build a tag or a link from catalogue text; they only
 * place escaped text between tags they wrote themselves.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text that reads as `value` in an HTML text node or in a double- or single-quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c).replace(UNSAFE_CONTROLS, '\uFFFD');
}

/**
 * C0 controls other than tab and line breaks, and DEL: HTML forbids them in text, and a NUL can
 * truncate the page in some tools. Replaced by U+FFFD so the mistake stays visible.
 */
const UNSAFE_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** HTML text with line breaks kept, for multi-line descriptions. */
export function escapeHtmlLines(value: string): string {
  return escapeHtml(value.trim()).replace(/\r?\n/g, '<br>');
}

/**
 * ASCII punctuation that can start Markdown syntax (emphasis, links, code, headings, lists, tables,
 * HTML, entities). CommonMark lets any ASCII punctuation be backslash-escaped, so escaping a few
 * too many is harmless; `.` and `-` only matter at the start of a line, handled below.
 */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+!|~]/g;

/**
 * Markdown inline text that renders as exactly `value` on a git host: no emphasis, link, image,
 * autolink, raw HTML or entity can come out of it, and it stays on one line (so it can sit in a
 * table cell or after a label). Line breaks become `<br>`, which GFM renders inside table cells too.
 */
export function escapeMarkdown(value: string): string {
  const lines = value
    .trim()
    .split(/\r?\n/)
    .map((line) =>
      line
        .replace(UNSAFE_CONTROLS, '\uFFFD')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
        // A line that starts like a list item, heading underline or quote would change the block.
        .replace(/^([-=.]|\d+[.)])/, (m) => `${m.slice(0, -1)}\\${m.slice(-1)}`),
    );
  return lines.join('<br>');
}

/**
 * Catalogue text shown as code in Markdown. Not a backtick code span: its content would be raw text,
 * so a `<script>` in it would sit in the file as is (harmless once rendered, but not to a careless
 * viewer or a less careful renderer). An inline `<code>` tag with escaped text renders the same on git
 * hosts and keeps every `<` in the file an entity.
 */
export function markdownCode(value: string): string {
  return `<code>${escapeMarkdown(value)}</code>`;
}
