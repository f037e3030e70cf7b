/**
 * The HTML site as a person uses it, in Debian's headless Chromium driven by playwright-core: opened
 * from file:// with no server, search, open an event, read its payload, expand a nested object,
 * follow the diagram, filter by service. Screenshots go to test-artifacts/ (git-ignored).
 *
 * `.ci/run` installs chromium when it is absent; on a developer machine without it the test is
 * skipped, but never in CI.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { CATALOG, catalogAt, fixture } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium tries to reach Google, which a closed network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the HTML docs in a browser', () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  let typeCount: number;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    const result = await runCli(['docs', '--catalog', CATALOG, '--out', 'site'], dir);
    expect(result.stderr).toBe('');
    url = pathToFileURL(path.join(dir, 'site/index.html')).href;
    typeCount = new Set((await catalogAt(CATALOG)).events.map((e) => e.type)).size;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // A Content-Security-Policy violation is reported as a console error.
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens from file:// on the overview, with the diagram', async () => {
    await expect.poll(() => page.locator('#overview').isVisible()).toBe(true);
    const diagram = page.locator('#overview svg.diagram');
    expect(await diagram.isVisible()).toBe(true);
    expect((await diagram.boundingBox())!.width).toBeGreaterThan(400);
    expect(await page.locator('#result-count').textContent()).toBe(`${typeCount} events`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs-overview.png') });
  });

  it('finds an event by searching, and opens it with Enter', async () => {
    await page.locator('#search').fill('stock added');
    const visible = page.locator('.nav-event:not([hidden])');
    await expect.poll(() => visible.count()).toBe(1);
    expect(await visible.getAttribute('data-type')).toBe('inventory.stock_added');
    expect(await page.locator('#result-count').textContent()).toBe(`1 of ${typeCount} events`);
    await page.locator('#search').press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toBe('#ev-inventory-stock-added');
    // The page switches sections on hashchange; wait for it rather than reading once.
    const section = page.locator('#ev-inventory-stock-added');
    await expect.poll(() => section.isVisible()).toBe(true);
    await expect.poll(() => page.locator('#overview').isVisible()).toBe(false);
  });

  it('shows the versions side by side, the payload tables and the diagram of the event', async () => {
    const section = page.locator('#ev-inventory-stock-added');
    expect(await section.locator('table.versions th[scope="col"]').allTextContents()).toEqual(['v1', 'v2']);
    const payload = section.locator('.side-by-side').first();
    expect(await payload.locator('table.fields').first().isVisible()).toBe(true);
    const columns = payload.locator(':scope > .version-col');
    expect(await columns.count()).toBe(2);
    // Side by side: the two payload columns start at the same height.
    const [v1, v2] = await Promise.all([columns.nth(0).boundingBox(), columns.nth(1).boundingBox()]);
    expect(Math.abs(v1!.y - v2!.y)).toBeLessThan(2);
    expect(await section.locator('figure.flow svg').isVisible()).toBe(true);
    // The CLI wires in the compatibility checker.
    expect(await section.locator('table.changes').isVisible()).toBe(true);
    expect(await section.locator('td.name code', { hasText: /^ingredient_id$/ }).first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs.png') });
  });

  it('expands a nested object', async () => {
    const section = page.locator('#ev-inventory-stock-added');
    const nested = section.locator('tr.nested details').first();
    const inner = nested.locator('table.fields');
    expect(await inner.isVisible()).toBe(false);
    await nested.locator('summary').click();
    expect(await inner.isVisible()).toBe(true);
    await nested.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs-payload.png') });
  });

  it('follows a diagram node to its event', async () => {
    await page.locator('.brand').click();
    await expect.poll(() => page.locator('#overview').isVisible()).toBe(true);
    await page.locator('#search').fill('');
    const node = page.locator('#overview svg.diagram a[*|href="#ev-inventory-low-stock-alert"]');
    await node.scrollIntoViewIfNeeded();
    await node.click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#ev-inventory-low-stock-alert');
    expect(await page.locator('#ev-inventory-low-stock-alert h1').textContent()).toBe('inventory.low_stock_alert');
    expect(await page.locator('.nav-event a.current').textContent()).toContain('low_stock_alert');
  });

  it('filters by service and kind, and dims the rest of the diagram', async () => {
    await page.locator('#filter-service').selectOption('forecasting-service');
    const visible = page.locator('.nav-event:not([hidden])');
    const services = await visible.evaluateAll((items) => items.map((li) => JSON.parse(li.getAttribute('data-services') ?? '[]') as string[]));
    expect(services.length).toBeGreaterThan(1);
    expect(services.length).toBeLessThan(typeCount);
    for (const s of services) expect(s).toContain('forecasting-service');
    await page.locator('#filter-kind').selectOption('alert');
    expect(await visible.evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')))).toEqual(expect.arrayContaining(['alert']));
    const dimmed = await page.locator('#overview svg g.node.ev.dim').count();
    expect(dimmed).toBe(typeCount - (await visible.count()));
    await page.locator('#filter-service').selectOption('');
    await page.locator('#filter-kind').selectOption('');
    expect(await page.locator('#overview svg g.node.ev.dim').count()).toBe(0);
  });

  it('loaded nothing but the page itself, and raised no errors', () => {
    expect(requests.filter((r) => !r.startsWith('file://'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/**
 * A catalogue of one document per service sharing its messages (test/fixtures/catalogs/social-media-*):
 * the map shows every service, each shared message once, and every send and receive between them.
 */
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI).each(['social-media-3.0', 'social-media-2.6'])('the docs map of %s in a browser', (name) => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    const result = await runCli(['docs', '--catalog', fixture(name), '--out', 'site'], dir);
    expect(result.stderr).toBe('');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.goto(pathToFileURL(path.join(dir, 'site/index.html')).href);
    await page.locator('#overview svg.diagram').waitFor({ state: 'visible' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows every service, and each shared message once', async () => {
    const diagram = page.locator('#overview svg.diagram');
    const services = await diagram.locator('g.node.svc').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('id')));
    expect([...new Set(services.map((id) => id!.replace(/^dg-(pub|sub)-service-/, '')))].sort()).toEqual(['backend', 'comments-service', 'frontend', 'notification-service', 'public-api']);
    for (const id of services) expect(await diagram.locator(`g[id="${id!}"]`).isVisible(), id!).toBe(true);
    const events = await diagram.locator('g.node.ev title').allTextContents();
    expect(events).toHaveLength(5);
    await page.screenshot({ path: path.join(ARTIFACTS, `docs-${name}.png`) });
  });

  it('draws every send and every receive between the services', async () => {
    const edges = await page.locator('#overview svg.diagram g.edge.pub, #overview svg.diagram g.edge.sub').evaluateAll((items) => items.map((g) => g.getAttribute('class')!.replace(/^edge /, '')));
    expect(edges.sort()).toEqual(
      [
        'pub ev-commentliked service-backend',
        'pub ev-comments-comment-changed service-comments-service',
        'pub ev-likecomment service-frontend',
        'pub ev-notifications-push-sent service-notification-service',
        'pub ev-updatecommentlikes service-backend',
        'sub ev-commentliked service-comments-service',
        'sub ev-commentliked service-public-api',
        'sub ev-comments-comment-changed service-backend',
        'sub ev-comments-comment-changed service-notification-service',
        'sub ev-comments-comment-changed service-public-api',
        'sub ev-likecomment service-backend',
        'sub ev-updatecommentlikes service-frontend',
      ].sort(),
    );
  });

  it('follows a shared message from the map to its page, which names its producer and consumers', async () => {
    const node = page.locator('#overview svg.diagram a[*|href="#ev-commentliked"]');
    await node.click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#ev-commentliked');
    const section = page.locator('#ev-commentliked');
    await expect.poll(() => section.isVisible()).toBe(true);
    const text = await section.textContent();
    for (const service of ['backend', 'comments-service', 'public-api']) expect(text).toContain(service);
    expect(problems).toEqual([]);
  });
});
