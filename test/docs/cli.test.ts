/** `eventsmith docs` on the command line: defaults, formats, config, usage errors, the output folder. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../../generator/emit/write.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';
import { fixture } from './helpers.js';

const FIXTURE = fixture('asyncapi-2.6');

describe('eventsmith docs', () => {
  it('writes one self-contained index.html to build/docs by default and prints one line', async () => {
    const dir = tempDir();
    const result = await runCli(['docs', '--catalog', FIXTURE], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^eventsmith: docs for 2 events \(2 versions\) → build\/docs\/index\.html \(1 file\) in \d+\.\d+s$/);
    expect(listFiles(path.join(dir, 'build/docs'))).toEqual(['index.html']);
  });

  it('--format md writes an index, one file per domain and the diagram', async () => {
    const dir = tempDir();
    const result = await runCli(['docs', '--catalog', FIXTURE, '--out', 'site', '--format', 'md', '--title', 'Street lights'], dir);
    expect(result.code).toBe(0);
    expect(listFiles(path.join(dir, 'site'))).toEqual(['diagram.svg', 'index.md', 'streetlights-api.md']);
    expect(readFileSync(path.join(dir, 'site/index.md'), 'utf8')).toContain('# Street lights');
  });

  it('replaces its own output whole when the format changes', async () => {
    const dir = tempDir();
    await runCli(['docs', '--catalog', FIXTURE, '--out', 'site', '--format', 'md'], dir);
    const result = await runCli(['docs', '--catalog', FIXTURE, '--out', 'site'], dir);
    expect(result.code).toBe(0);
    expect(listFiles(path.join(dir, 'site'))).toEqual(['index.html']);
  });

  it('refuses to delete files it did not write', async () => {
    const dir = tempDir();
    writeTree(dir, { 'site/notes.txt': 'mine' });
    const result = await runCli(['docs', '--catalog', FIXTURE, '--out', 'site'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/site holds files that eventsmith did not generate: notes\.txt/);
    expect(listFiles(path.join(dir, 'site'))).toEqual(['notes.txt']);
  });

  it('finds the catalogue through the config file', async () => {
    const dir = tempDir();
    writeTree(dir, { 'eventsmith.config.yaml': `catalog: ${FIXTURE}\nout: generated\n` });
    const result = await runCli(['docs'], dir);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(dir, 'build/docs/index.html'))).toBe(true);
  });

  it('rejects an unknown format with exit code 2 and writes nothing', async () => {
    const dir = tempDir();
    const result = await runCli(['docs', '--catalog', FIXTURE, '--format', 'pdf'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown --format 'pdf'; expected html or md/);
    expect(existsSync(path.join(dir, 'build'))).toBe(false);
  });

  it('reports a broken catalogue like generate does, and keeps the previous site', async () => {
    const dir = tempDir();
    await runCli(['docs', '--catalog', FIXTURE, '--out', 'site'], dir);
    const before = readFileSync(path.join(dir, 'site/index.html'), 'utf8');
    writeTree(dir, { 'broken/a.yaml': 'asyncapi: 3.0.0\ninfo: [\n' });
    const result = await runCli(['docs', '--catalog', 'broken', '--out', 'site'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/a\.yaml:\d+:\d+: /);
    expect(readFileSync(path.join(dir, 'site/index.html'), 'utf8')).toBe(before);
  });

  it('is listed in the main help and has its own', async () => {
    expect((await runCli(['--help'], tempDir())).stdout).toMatch(/\n {2}docs +Write a browsable site/);
    const help = await runCli(['docs', '--help'], tempDir());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--format FORMAT     html or md');
  });
});

