/**
 * The example documents of the AsyncAPI specification (github.com/asyncapi/spec, examples/), as
 * the AsyncAPI CLI ships them: @asyncapi/cli@6.2.0, assets/examples/. The CLI's build downloads the
 * spec repository's examples and keeps the ones the AsyncAPI parser accepts, so these are the
 * spec's valid AsyncAPI 3.x documents (3.1.0, as they are); the CLI adds two of its own
 * (default-example.yaml, tutorial.yml), which are read too.
 *
 * The package is not a dependency (it would pull in the whole CLI): its tarball is fetched with
 * `npm pack @asyncapi/cli@6.2.0` into node_modules/.cache/eventsmith-spec-examples (ignored), and
 * kept there for the next run; the registry is reachable in CI. Nothing of it is copied into this
 * repository.
 *
 * Each document generates, without --strict (several carry examples that do not match their own
 * schemas: warnings), code that compiles under strict; the one that refers to remote Avro schemas
 * is refused with one line per remote reference.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Project, ts, type Diagnostic } from 'ts-morph';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

const PACKAGE = '@asyncapi/cli';
const VERSION = '6.2.0';
const CACHE = path.join(REPO_ROOT, 'node_modules/.cache/eventsmith-spec-examples', VERSION);
const EXAMPLES = path.join(CACHE, 'package/assets/examples');
/** Generated output lives inside the repository so that `eventsmith/runtime` resolves (test/**\/tmp/ is ignored). */
const OUT = path.join(REPO_ROOT, 'test/golden/tmp/spec-examples');

/** Documents refused, with what every problem line must say. */
const REFUSED: Record<string, RegExp> = {
  'adeo-kafka-request-reply-asyncapi.yml': /^catalog\/adeo-kafka-request-reply-asyncapi\.yml:\d+:\d+: \$ref 'https:\/\/www\.asyncapi\.com\/resources\/casestudies\/adeo\/\w+\.avsc' is a remote reference; eventsmith does not fetch schemas$/,
};

/** The documents of the package, so that a document left out (or a new one) is noticed. */
const EXPECTED = [
  'adeo-kafka-request-reply-asyncapi.yml', 'anyof-asyncapi.yml', 'application-headers-asyncapi.yml', 'correlation-id-asyncapi.yml', 'default-example.yaml',
  'gitter-streaming-asyncapi.yml', 'kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml', 'kraken-websocket-request-reply-multiple-channels-asyncapi.yml',
  'mercure-asyncapi.yml', 'not-asyncapi.yml', 'oneof-asyncapi.yml', 'operation-security-asyncapi.yml', 'rpc-client-asyncapi.yml', 'rpc-server-asyncapi.yml',
  'simple-asyncapi.yml', 'slack-rtm-asyncapi.yml', 'streetlights-kafka-asyncapi.yml', 'streetlights-mqtt-asyncapi.yml', 'streetlights-operation-security-asyncapi.yml',
  'tutorial.yml', 'websocket-gemini-asyncapi.yml',
];

function fetchExamples(): void {
  if (existsSync(EXAMPLES)) return;
  mkdirSync(CACHE, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', CACHE, '--silent'], { cwd: CACHE, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  execFileSync('tar', ['-xzf', path.join(CACHE, tarball), '-C', CACHE, 'package/assets/examples']);
}

function format(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.getSourceFile()?.getFilePath() ?? ''}:${d.getLineNumber() ?? 0}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, '\n')}`).join('\n');
}

interface Outcome {
  code: number;
  stderr: string;
  out: string;
}

const outcomes = new Map<string, Outcome>();
let documents: string[] = [];

beforeAll(async () => {
  fetchExamples();
  documents = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort();
  rmSync(OUT, { recursive: true, force: true });
  for (const name of documents) {
    const dir = path.join(OUT, name.replace(/\.ya?ml$/, ''));
    mkdirSync(path.join(dir, 'catalog'), { recursive: true });
    copyFileSync(path.join(EXAMPLES, name), path.join(dir, 'catalog', name));
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'generated'], dir);
    outcomes.set(name, { code: result.code, stderr: result.stderr, out: path.join(dir, 'generated') });
  }
}, 600_000);

describe(`the AsyncAPI specification's example documents (${PACKAGE}@${VERSION})`, () => {
  it('are all there', () => {
    expect(documents).toEqual(EXPECTED);
  });

  it('each generates, or is refused with one clear line per reason', () => {
    for (const name of documents) {
      const outcome = outcomes.get(name)!;
      const refused = REFUSED[name];
      if (refused === undefined) {
        expect(outcome.code, `${name}:\n${outcome.stderr}`).toBe(0);
        // Warnings only (examples that do not match their own schemas), never an error.
        expect(outcome.stderr.split('\n').filter((l) => /^catalog\//.test(l) && !/: warning: /.test(l)), name).toEqual([]);
      } else {
        expect(outcome.code, name).toBe(2);
        const problems = outcome.stderr.split('\n').filter((l) => /^catalog\//.test(l));
        expect(problems.length, outcome.stderr).toBeGreaterThan(0);
        for (const line of problems) expect(line).toMatch(refused);
      }
    }
  });

  it('generate code that compiles under strict', () => {
    const project = new Project({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
      },
    });
    const generated = documents.filter((name) => REFUSED[name] === undefined).map((name) => outcomes.get(name)!.out);
    expect(generated.length).toBe(EXPECTED.length - Object.keys(REFUSED).length);
    for (const out of generated) project.addSourceFilesAtPaths(path.join(out, '**/*.ts'));
    project.resolveSourceFileDependencies();
    for (const out of generated) {
      const files = project.getSourceFiles().filter((f) => f.getFilePath().startsWith(out + path.sep));
      expect(files.length, out).toBeGreaterThan(3);
      expect(format(files.flatMap((f) => f.getPreEmitDiagnostics())), out).toBe('');
    }
  }, 600_000);
});
