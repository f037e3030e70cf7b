/** The escaping functions and anchor ids, table-driven: given catalogue text, want page text. */
import { describe, expect, it } from 'vitest';
import { graphvizText } from '../../generator/docs/diagram.js';
import { escapeHtml, escapeHtmlLines, escapeMarkdown, markdownCode } from '../../generator/docs/escape.js';
import { IdAllocator, slug } from '../../generator/docs/ids.js';

describe('escapeHtml', () => {
  const cases: [given: string, want: string][] = [
    ['plain text', 'plain text'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"double" 'single' \`tick\``, '&quot;double&quot; &#39;single&#39; &#96;tick&#96;'],
    ['&amp; stays visible', '&amp;amp; stays visible'],
    ['nul\u0000 and bell\u0007', 'nul\uFFFD and bell\uFFFD'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
  ];
  it.each(cases)('%j', (given, want) => expect(escapeHtml(given)).toBe(want));

  it('keeps line breaks as <br> in escapeHtmlLines', () => {
    expect(escapeHtmlLines(' one\n<two>\r\nthree ')).toBe('one<br>&lt;two&gt;<br>three');
  });
});

describe('escapeMarkdown', () => {
  const cases: [given: string, want: string][] = [
    ['inventory.stock_added', 'inventory.stock\\_added'],
    ['[click](javascript:alert(1))', '\\[click\\]\\(javascript:alert\\(1\\)\\)'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['&lt;script&gt;', '&amp;lt;script&amp;gt;'],
    ['a | b', 'a \\| b'],
    ['*bold* `code` ~strike~', '\\*bold\\* \\`code\\` \\~strike\\~'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['1. item', '1\\. item'],
    ['===', '\\==='],
    ['line one\nline two', 'line one<br>line two'],
    ['line one\n- two', 'line one<br>\\- two'],
  ];
  it.each(cases)('%j', (given, want) => expect(escapeMarkdown(given)).toBe(want));

  it('wraps code in a <code> tag with escaped text, never a raw backtick span', () => {
    expect(markdownCode('`${x}` <b>|')).toBe('<code>\\`$\\{x\\}\\` &lt;b&gt;\\|</code>');
  });
});

describe('graphvizText', () => {
  it('doubles backslashes so \\N, \\G and \\l stay text', () => {
    expect(graphvizText('a\\Nb\\lc')).toBe('a\\\\Nb\\\\lc');
  });
});

describe('anchor ids', () => {
  const cases: [given: string, want: string][] = [
    ['inventory.stock_added', 'inventory-stock-added'],
    ["evil.x'); globalThis.pwned = 1; ('", 'evil-x-globalthis-pwned-1'],
    ['<script>', 'script'],
    ['', 'x'],
    ['日本', 'x'],
    ['Café', 'cafe'],
  ];
  it.each(cases)('slug(%j) = %j', (given, want) => expect(slug(given)).toBe(want));

  it('never hands out the same id twice', () => {
    const ids = new IdAllocator();
    expect([ids.allocate('ev', 'a.b'), ids.allocate('ev', 'a_b'), ids.allocate('ev', 'a-b'), ids.allocate('service', 'a.b')]).toEqual(['ev-a-b', 'ev-a-b-2', 'ev-a-b-3', 'service-a-b']);
  });
});
