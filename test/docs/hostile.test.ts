/**
 * Catalogue text is hostile: script tags, quotes, `javascript:` links and event handlers in titles,
 * descriptions, field names, enum values, service and exchange names must come out as text. Checked
 * structurally: only tags and attributes the renderers write, links only to the site's own anchors.
 */
import { describe, expect, it } from 'vitest';
import { attributeNames, attributeValues, docsFor, fixture, markdownLinks, tagNames } from './helpers.js';

const HTML_TAGS = new Set(
  'html head meta title style body div nav a input select option p ul li span main section h1 h2 h3 h4 table thead tbody tr th td code pre details summary strong figure br script svg g polygon path ellipse text'.split(' '),
);
const MARKDOWN_TAGS = new Set(['a', 'code', 'br', 'pre']);
const SVG_TAGS = new Set('svg g title polygon path ellipse text a'.split(' '));

for (const name of ['hostile-docs', 'hostile']) {
  describe(`the ${name} catalogue`, () => {
    it('renders as text in HTML', async () => {
      const html = (await docsFor(fixture(name), 'html')).get('index.html')!;
      expect([...tagNames(html)].filter((t) => !HTML_TAGS.has(t))).toEqual([]);
      expect(html.match(/<script/gi)).toHaveLength(1);
      expect([...attributeNames(html)].filter((a) => a.startsWith('on'))).toEqual([]);
      // Links only to the page's own anchors; nothing else that takes a URL.
      for (const attribute of ['href', 'xlink:href']) for (const href of attributeValues(html, attribute)) expect(href).toMatch(/^#[A-Za-z0-9_-]+$/);
      for (const attribute of ['src', 'action', 'formaction', 'srcdoc', 'background', 'poster']) expect(attributeValues(html, attribute)).toEqual([]);
      expect(attributeValues(html, 'style').filter((s) => !/^(max-width:\d+px|background:#[0-9a-f]{6};border-color:#[0-9a-f]{6})$/.test(s))).toEqual([]);
    });

    it('renders as text in Markdown and in the diagram', async () => {
      const files = await docsFor(fixture(name), 'md');
      for (const [file, text] of files) {
        const allowed = file.endsWith('.svg') ? SVG_TAGS : MARKDOWN_TAGS;
        expect([...tagNames(text)].filter((t) => !allowed.has(t)), file).toEqual([]);
        expect([...attributeNames(text)].filter((a) => a.startsWith('on')), file).toEqual([]);
        const links = file.endsWith('.svg') ? attributeValues(text, 'xlink:href') : [...markdownLinks(text), ...attributeValues(text, 'href')];
        for (const link of links) expect(link, file).toMatch(/^([a-z0-9-]+\.(md|svg))?(#[A-Za-z0-9_-]+)?$/);
        // Nothing that a Markdown renderer would turn into a link, image or autolink.
        expect(text, file).not.toMatch(/\]\((?![a-z0-9-]+\.(md|svg)|#)/);
        expect(text, file).not.toMatch(/<(javascript|https?):/i);
      }
    });
  });
}

describe('hostile text survives, escaped, where a reader looks for it', () => {
  it('HTML', async () => {
    const html = (await docsFor(fixture('hostile-docs'), 'html')).get('index.html')!;
    expect(html).toContain('<code>evil.&lt;script&gt;alert(&#39;type&#39;)&lt;/script&gt;</code>');
    expect(html).toContain('&lt;img src=x onerror=alert(&#39;description&#39;)&gt; &amp; &amp;lt;script&amp;gt; javascript:alert(&#39;text&#39;)<br>- a list item');
    expect(html).toContain('<code>&quot;&amp;quot;&gt;&lt;img src=x onerror=alert(&#39;enum-attr&#39;)&gt;&quot;</code>'.replace('&amp;quot;', '\\&quot;'));
    expect(html).toContain('<a class="svc" href="#service-img-src-x-onerror-alert-service">&lt;img src=x onerror=alert(&#39;service&#39;)&gt;</a>');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(&#39;break-out&#39;)&lt;/script&gt;');
    // Graphviz escapes labels itself: the exchange's name is text in the SVG too.
    expect(html).toContain('>ex&quot;&gt;&lt;script&gt;alert(&#39;exchange&#39;)&lt;/script&gt;</text>');
  });

  it('Markdown', async () => {
    const evil = (await docsFor(fixture('hostile-docs'), 'md')).get('evil.md')!;
    expect(evil).toContain('## <code>evil.&lt;script&gt;alert\\(\'type\'\\)&lt;/script&gt;</code>');
    expect(evil).toContain('Second version; &lt;style&gt;body\\{display:none\\}&lt;/style&gt;');
    expect(evil).toContain('&quot;&lt;script&gt;alert(&#39;field&#39;)&lt;/script&gt;&quot;');
  });
});
