/**
 * End to end: a temporary git repository with a catalogue and a few commits, checked with
 * `eventsmith check --base HEAD~1` in-process, asserting exit codes, JSON and positions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir, writeTree } from '../helpers/cli.js';

interface JsonChange {
  rule: string;
  severity: string;
  event: string;
  version: number;
  pointer: string;
  file: string;
  line: number;
  message: string;
  hint: string;
  accepted: boolean;
  reason?: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=eventsmith-test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/** A repository with one commit per tree; each tree is written over the previous one. */
function repository(...commits: Record<string, string | null>[]): string {
  const dir = tempDir('eventsmith-check-e2e-');
  git(dir, 'init', '-q', '-b', 'main');
  commits.forEach((files, i) => {
    for (const [rel, content] of Object.entries(files)) {
      if (content === null) rmSync(path.join(dir, rel));
      else writeTree(dir, { [rel]: content });
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `commit ${i + 1}`);
  });
  return dir;
}

interface Message {
  key: string;
  version: number;
  note?: string;
  extra?: string;
}

function shop(messages: Message[]): string {
  const channels = messages.map((m) => `      ${m.key}: { $ref: '#/components/messages/${m.key}' }`).join('\n');
  const defs = messages
    .map(
      (m) => `    ${m.key}:
      name: shop.order_placed
      x-version: ${m.version}
      x-kind: business
      x-urgency: medium
      payload:
        type: object
        additionalProperties: false
        required: [order_id, total]
        properties:
          order_id: { type: string }
          total: { type: number, minimum: 0 }
${m.note === undefined ? '' : `          note: ${m.note}\n`}${m.extra ?? ''}`,
    )
    .join('\n');
  return `asyncapi: 3.0.0
info:
  title: Shop events
  version: 1.0.0
  x-service: shop-service
channels:
  orderPlaced:
    address: business.shop.order_placed
    messages:
${channels}
operations:
  publishOrderPlaced:
    action: send
    channel: { $ref: '#/channels/orderPlaced' }
components:
  messages:
${defs}`;
}

const V1 = shop([{ key: 'OrderPlaced', version: 1, note: '{ type: string, maxLength: 200 }' }]);
const NARROWED = shop([{ key: 'OrderPlaced', version: 1, note: '{ type: string, maxLength: 50 }' }]);

async function checkJson(cwd: string, ...args: string[]): Promise<{ code: number; json: { compatible: boolean; changes: JsonChange[] }; stderr: string }> {
  const result = await runCli(['check', '--format', 'json', ...args], cwd);
  return { code: result.code, json: JSON.parse(result.stdout) as { compatible: boolean; changes: JsonChange[] }, stderr: result.stderr };
}

function lineOf(file: string, needle: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('eventsmith check against a git history', () => {
  it('fails on a breaking edit inside one version, with rule, position, reason and fix', async () => {
    const dir = repository({ 'catalog/shop.yaml': V1 }, { 'catalog/shop.yaml': NARROWED });
    const { code, json } = await checkJson(dir, '--base', 'HEAD~1');
    expect(code).toBe(1);
    expect(json.compatible).toBe(false);
    expect(json.changes).toEqual([
      {
        rule: 'MAX_LENGTH_DECREASED',
        severity: 'breaking',
        event: 'shop.order_placed',
        version: 1,
        pointer: '/payload/properties/note/maxLength',
        file: 'catalog/shop.yaml',
        line: lineOf(path.join(dir, 'catalog/shop.yaml'), 'note:'),
        message: expect.stringContaining('payload.note: maxLength lowered (200 → 50)'),
        hint: expect.stringContaining('new event version'),
        accepted: false,
        base: 'HEAD~1',
      },
    ]);
  });

  it('passes when the same change is made as a new version and the old one is kept', async () => {
    const both = shop([
      { key: 'OrderPlaced', version: 1, note: '{ type: string, maxLength: 200 }' },
      { key: 'OrderPlacedV2', version: 2, note: '{ type: string, maxLength: 50 }' },
    ]);
    const dir = repository({ 'catalog/shop.yaml': V1 }, { 'catalog/shop.yaml': both });
    const { code, json } = await checkJson(dir, '--base', 'HEAD~1');
    expect(code).toBe(0);
    expect(json.compatible).toBe(true);
    expect(json.changes.map((c) => [c.rule, c.version, c.severity])).toEqual([['EVENT_VERSION_ADDED', 2, 'non-breaking']]);
  });

  it('passes with an exception in the config, and still prints the change as accepted', async () => {
    const config = `check:\n  exceptions:\n    - rule: MAX_LENGTH_DECREASED\n      event: shop.order_placed\n      reason: no producer ever sent a longer note\n      expires: 2999-12-31\n`;
    const dir = repository({ 'catalog/shop.yaml': V1 }, { 'catalog/shop.yaml': NARROWED, 'eventsmith.config.yaml': config });
    const { code, json } = await checkJson(dir, '--base', 'HEAD~1');
    expect(code).toBe(0);
    expect(json.compatible).toBe(true);
    expect(json.changes).toMatchObject([{ rule: 'MAX_LENGTH_DECREASED', severity: 'breaking', accepted: true, reason: 'no producer ever sent a longer note' }]);
    const text = await runCli(['check', '--base', 'HEAD~1'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('✔ accepted');
    expect(text.stdout).toContain('accepted: no producer ever sent a longer note (until 2999-12-31)');
  });

  it('no longer accepts a change once its exception has expired', async () => {
    const config = `check:\n  exceptions:\n    - { rule: MAX_LENGTH_DECREASED, event: shop.order_placed, reason: temporary, expires: 2000-01-01 }\n`;
    const dir = repository({ 'catalog/shop.yaml': V1 }, { 'catalog/shop.yaml': NARROWED, 'eventsmith.config.yaml': config });
    const { code, stderr } = await checkJson(dir, '--base', 'HEAD~1');
    expect(code).toBe(1);
    expect(stderr).toContain('expired on 2000-01-01');
  });

  it('checks uncommitted edits of the working tree, and points a removal at the object that held it in HEAD, and at where it was in BASE', async () => {
    const dir = repository({ 'catalog/shop.yaml': V1 });
    const after = shop([{ key: 'OrderPlaced', version: 1 }]);
    writeTree(dir, { 'catalog/shop.yaml': after });
    const lenient = await checkJson(dir, '--base', 'HEAD');
    expect(lenient.code).toBe(0);
    const strict = await checkJson(dir, '--base', 'HEAD', '--policy', 'strict');
    expect(strict.code).toBe(1);
    const baseLine = V1.split('\n').findIndex((l) => l.includes('note:')) + 1;
    const headLine = after.split('\n').findIndex((l) => l.includes('properties:')) + 1;
    expect(strict.json.changes).toMatchObject([
      { rule: 'OPTIONAL_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', pointer: '/payload/properties/note', file: 'catalog/shop.yaml', line: headLine, beforeFile: 'catalog/shop.yaml', beforeLine: baseLine },
    ]);
    const github = await runCli(['check', '--base', 'HEAD', '--policy', 'strict', '--format', 'github'], dir);
    expect(github.stdout).toMatch(new RegExp(`^::error file=catalog/shop\\.yaml,line=${headLine},title=OPTIONAL_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL::.*\\(before: catalog/shop\\.yaml:${baseLine} in HEAD\\)`, 'm'));
    const text = await runCli(['check', '--base', 'HEAD', '--policy', 'strict'], dir);
    expect(text.stdout).toContain(`after: catalog/shop.yaml:${headLine}; before: catalog/shop.yaml:${baseLine} (in HEAD)`);
  });

  it('points a removed event version at the versions of its type that HEAD keeps', async () => {
    const both = shop([
      { key: 'OrderPlaced', version: 1, note: '{ type: string, maxLength: 200 }' },
      { key: 'OrderPlacedV2', version: 2 },
    ]);
    const onlyV2 = shop([{ key: 'OrderPlacedV2', version: 2 }]);
    const dir = repository({ 'catalog/shop.yaml': both }, { 'catalog/shop.yaml': onlyV2 });
    const { json } = await checkJson(dir, '--base', 'HEAD~1');
    const v2Line = onlyV2.split('\n').findIndex((l) => l.includes('OrderPlacedV2:') && !l.includes('$ref')) + 1;
    const v1Line = both.split('\n').findIndex((l) => /^ {4}OrderPlaced:/.test(l)) + 1;
    expect(json.changes).toMatchObject([{ rule: 'EVENT_VERSION_REMOVED', event: 'shop.order_placed', version: 1, file: 'catalog/shop.yaml', line: v2Line, beforeFile: 'catalog/shop.yaml', beforeLine: v1Line }]);
  });

  it('reads --base ref:path as git does, without touching the working tree or the index', async () => {
    // The catalogue lived in another folder at the first commit: ref:path names it there.
    const dir = repository({ 'events/shop.yaml': V1 }, { 'events/shop.yaml': null, 'catalog/shop.yaml': NARROWED });
    writeTree(dir, { 'catalog/shop.yaml': `${NARROWED}\n` });
    git(dir, 'add', 'catalog/shop.yaml');
    writeTree(dir, { 'catalog/shop.yaml': `${NARROWED}\n\n` });
    const status = git(dir, 'status', '--porcelain');
    const folder = await checkJson(dir, '--base', 'HEAD~1:events');
    expect(folder.code).toBe(1);
    expect(folder.json.changes).toMatchObject([{ rule: 'MAX_LENGTH_DECREASED', file: 'catalog/shop.yaml', base: 'HEAD~1:events' }]);
    const file = await checkJson(dir, '--base', 'HEAD~1:events/shop.yaml');
    expect(file.json.changes).toMatchObject([{ rule: 'MAX_LENGTH_DECREASED', base: 'HEAD~1:events/shop.yaml' }]);
    // A path starting with ./ is relative to the working directory, as in git.
    const relative = await checkJson(dir, '--base', 'HEAD~1:./events');
    expect(relative.json.changes).toMatchObject([{ rule: 'MAX_LENGTH_DECREASED' }]);
    // The same commit and path as HEAD: no change.
    expect((await checkJson(dir, '--base', 'HEAD:catalog', '--head', 'HEAD:catalog')).json.changes).toEqual([]);
    expect(git(dir, 'status', '--porcelain')).toBe(status);
    const missing = await runCli(['check', '--base', 'HEAD~1:nowhere'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("the catalogue 'nowhere' does not exist at HEAD~1");
  });

  it('says before and after in the text report, never BASE or HEAD', async () => {
    const dir = repository({ 'catalog/shop.yaml': V1 }, { 'catalog/shop.yaml': NARROWED });
    const text = await runCli(['check', '--base', 'HEAD~1', '--mode', 'full', '--policy', 'strict'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^eventsmith check: before HEAD~1 → after working tree \(mode full, policy strict\)$/m);
    expect(text.stdout).toMatch(/consumers built (before|after) the change can reject events valid (after|before) it/);
    expect(text.stdout).toMatch(/after: catalog\/shop\.yaml:\d+\n/);
    expect(text.stdout.replace(/HEAD~1/g, '')).not.toMatch(/\bBASE\b|\bHEAD\b/);
  });

  it('transitive modes check every BASE given, the others only the first', async () => {
    const open = (note?: string): string => shop([{ key: 'OrderPlaced', version: 1, ...(note ? { note } : {}) }]).replace('additionalProperties: false', 'additionalProperties: true');
    const dir = repository({ 'catalog/shop.yaml': open('{ type: string }') }, { 'catalog/shop.yaml': open() }, { 'catalog/shop.yaml': open('{ type: integer }') });
    expect((await checkJson(dir, '--base', 'HEAD~1', '--base', 'HEAD~2', '--mode', 'backward')).code).toBe(0);
    const transitive = await checkJson(dir, '--base', 'HEAD~1', '--base', 'HEAD~2', '--mode', 'backward-transitive');
    expect(transitive.code).toBe(1);
    expect(transitive.json.changes.filter((c) => c.severity === 'breaking')).toMatchObject([{ rule: 'TYPE_CHANGED', base: 'HEAD~2' }]);
  });

  it('writes GitHub annotations and JUnit XML', async () => {
    const dir = repository({ 'catalog/shop.yaml': V1 }, { 'catalog/shop.yaml': NARROWED });
    const github = await runCli(['check', '--base', 'HEAD~1', '--format', 'github'], dir);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=catalog\/shop\.yaml,line=\d+,title=MAX_LENGTH_DECREASED::shop\.order_placed v1: payload\.note: maxLength lowered/m);
    const junit = await runCli(['check', '--base', 'HEAD~1', '--format', 'junit'], dir);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('<testcase classname="shop.order_placed" name="v1" file="catalog/shop.yaml">');
    expect(junit.stdout).toContain('<failure type="MAX_LENGTH_DECREASED"');
  });

  it('exits 2 on a ref that does not exist and on a broken catalogue, with file:line:column', async () => {
    const dir = repository({ 'catalog/shop.yaml': V1 });
    const missing = await runCli(['check', '--base', 'no-such-branch'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("'no-such-branch' is neither a folder, a file nor a git commit");
    writeTree(dir, { 'catalog/shop.yaml': `${V1}\n  broken: [\n` });
    const broken = await runCli(['check', '--base', 'HEAD'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^catalog\/shop\.yaml:\d+:\d+: /m);
    expect((await runCli(['check'], dir)).code).toBe(2);
    expect((await runCli(['check', '--base', 'HEAD', '--mode', 'sideways'], dir)).code).toBe(2);
  });

  it("fails when a command loses a reply its repliers may still send, and names the reply and the command's place", async () => {
    const courier = readFileSync(path.join(REPO_ROOT, 'test/fixtures/catalogs/sunset-and-replies/courier.yaml'), 'utf8');
    const withoutRefusal = courier.replace(/^ {8}- \$ref: '#\/components\/messages\/PickupRefused'\n/m, '');
    expect(withoutRefusal).not.toBe(courier);
    const dir = repository({ 'catalog/courier.yaml': courier }, { 'catalog/courier.yaml': withoutRefusal });
    const removed = await checkJson(dir, '--base', 'HEAD~1');
    expect(removed.code).toBe(1);
    expect(removed.json.changes.filter((c) => c.severity === 'breaking')).toMatchObject([
      { rule: 'REPLY_REMOVED', event: 'courier.book_pickup', version: 1, pointer: '/replies', file: 'catalog/courier.yaml', line: lineOf(path.join(dir, 'catalog/courier.yaml'), '    BookPickup:') },
    ]);
    const text = await runCli(['check', '--base', 'HEAD~1'], dir);
    expect(text.stdout).toContain('courier.pickup_refused v1');
    expect(text.stdout).toContain('UndeclaredReplyError');
  });
});
