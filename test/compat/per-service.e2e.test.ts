/**
 * `check` compares events, not documents: in a catalogue of one document per service
 * (test/fixtures/catalogs/social-media-3.0), moving a `$ref` from one service's document to
 * another's changes who sends or receives the event, never its contract. Checked end to end on a
 * git history: the fixture, then a commit that moves the receive of `commentLiked` from public-api
 * to notification-service.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/catalogs/social-media-3.0');

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=eventsmith-test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

const CHANNEL = `  commentLiked:
    address: comment/liked
    messages:
      commentLiked:
        $ref: '../common/messages.yaml#/components/messages/commentLiked'
`;
const OPERATION = `  receiveCommentLiked:
    action: receive
    channel:
      $ref: '#/channels/commentLiked'
`;

/** Rewrites `file` with `edit`, failing when the edit changed nothing (the fixture moved on). */
function rewrite(file: string, edit: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after, file).not.toBe(before);
  writeFileSync(file, after);
}

it('a $ref moved from one service document to another is compatible, and the move is listed', async () => {
  const dir = tempDir('eventsmith-per-service-');
  cpSync(FIXTURE, path.join(dir, 'catalog'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one document per service');
  rewrite(path.join(dir, 'catalog/public-api/asyncapi.yaml'), (text) => text.replace(CHANNEL, '').replace(OPERATION, ''));
  rewrite(path.join(dir, 'catalog/notification-service/asyncapi.yaml'), (text) => text.replace('channels:\n', `channels:\n${CHANNEL}`).replace('operations:\n', `operations:\n${OPERATION}`));
  git(dir, 'commit', '-q', '-am', 'notification-service takes over commentLiked from public-api');

  const json = await runCli(['check', '--base', 'HEAD~1', '--format', 'json'], dir);
  expect(json.code).toBe(0);
  const result = JSON.parse(json.stdout) as { compatible: boolean; changes: { rule: string; severity: string; event: string; message: string; file: string }[] };
  expect(result.compatible).toBe(true);
  expect(result.changes.map((c) => [c.rule, c.severity, c.event, c.message, c.file])).toEqual([
    ['CONSUMER_ADDED', 'info', 'commentLiked', 'a service starts consuming the event (notification-service)', 'catalog/common/messages.yaml'],
    ['CONSUMER_REMOVED', 'info', 'commentLiked', 'a service stops consuming the event (public-api)', 'catalog/common/messages.yaml'],
  ]);

  const text = await runCli(['check', '--base', 'HEAD~1'], dir);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('a service starts consuming the event (notification-service)');
  expect(text.stdout).toContain('a service stops consuming the event (public-api)');
  expect(text.stdout).toMatch(/2 changes: 0 breaking, 0 non-breaking, 2 info\. Compatible\./);
});
