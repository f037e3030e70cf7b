/**
 * Generated code compiles under `strict` (TypeScript's own checker through ts-morph), and its types
 * bite: a misspelled event type or a wrong payload field is a compile error.
 */
import path from 'node:path';
import { Project, ts, type Diagnostic } from 'ts-morph';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { GOLDEN_CASES } from './cases.js';

let project: Project;

function format(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.getSourceFile()?.getFilePath() ?? ''}:${d.getLineNumber() ?? 0}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, '\n')}`).join('\n');
}

beforeAll(() => {
  project = new Project({
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
  for (const { golden } of GOLDEN_CASES) project.addSourceFilesAtPaths(path.join(golden, '**/*.ts'));
  project.addSourceFileAtPath(path.join(REPO_ROOT, 'test/types/catalog.types.ts'));
  project.addSourceFileAtPath(path.join(REPO_ROOT, 'test/types/producer-input.types.ts'));
  project.addSourceFileAtPath(path.join(REPO_ROOT, 'test/types/upcasters.types.ts'));
  project.addSourceFileAtPath(path.join(REPO_ROOT, 'test/types/channel-parameters.types.ts'));
  project.addSourceFileAtPath(path.join(REPO_ROOT, 'test/types/replies.types.ts'));
  project.addSourceFileAtPath(path.join(REPO_ROOT, 'test/types/sunset.types.ts'));
  project.resolveSourceFileDependencies();
}, 120_000);

describe('generated code compiles under strict', () => {
  it.each(GOLDEN_CASES)('$name', ({ golden }) => {
    const files = project.getSourceFiles().filter((f) => f.getFilePath().startsWith(golden + path.sep));
    expect(files.length).toBeGreaterThan(3);
    const diagnostics = files.flatMap((f) => f.getPreEmitDiagnostics());
    expect(format(diagnostics)).toBe('');
  });

  it.each(['catalog.types.ts', 'producer-input.types.ts', 'upcasters.types.ts', 'channel-parameters.types.ts', 'replies.types.ts', 'sunset.types.ts'])('type tests (with @ts-expect-error) hold: %s', (name) => {
    const file = project.getSourceFileOrThrow(path.join(REPO_ROOT, 'test/types', name));
    expect(format(file.getPreEmitDiagnostics())).toBe('');
  });
});

describe('types catch mistakes', () => {
  const check = (code: string): string => {
    const file = project.createSourceFile(path.join(REPO_ROOT, 'test/types', `probe-${Math.random().toString(36).slice(2)}.ts`), code);
    try {
      return format(file.getPreEmitDiagnostics());
    } finally {
      project.removeSourceFile(file);
    }
  };
  const imports = "import { EVENT_TYPES, parseEvent, type EventPayload, type EventType } from '../../generated/index.js';\n";

  it('accepts a correct use', () => {
    expect(check(`${imports}const t: EventType = EVENT_TYPES.INVENTORY.STOCK_ADDED;\nconst p = parseEvent(t, {});\nexport const id: string = p.tenant_id;\n`)).toBe('');
  });

  it('rejects a misspelled event type', () => {
    expect(check(`${imports}export const t: EventType = 'inventory.stok_added';\n`)).toMatch(/not assignable to type 'EventType'/);
  });

  it('rejects a misspelled constant', () => {
    expect(check(`${imports}export const t = EVENT_TYPES.INVENTORY.STOK_ADDED;\n`)).toMatch(/STOK_ADDED/);
  });

  it('rejects a payload with a wrong field type', () => {
    expect(check(`${imports}export const p: EventPayload<'product.deleted'> = { ...({} as EventPayload<'product.deleted'>), tenant_id: 42 };\n`)).toMatch(/number.*not assignable to type 'string'/s);
  });
});
