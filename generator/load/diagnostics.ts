/**
 * Problems found in a catalogue, each pinned to a file, line and column, with a hint that says how
 * to fix it. Loaders collect every problem before failing, so a user sees them all at once.
 */

export interface Diagnostic {
  /** Stable code, e.g. `yaml-syntax`, `duplicate-event`. */
  code: string;
  /** Path as the user should read it (relative to the working directory when possible). */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number;
  /** 1-based; 0 when the problem concerns the whole file. */
  column: number;
  message: string;
  hint?: string;
  /** A warning does not stop a run; everything else is an error. */
  severity?: 'warning';
}

/** Thrown when a catalogue cannot be turned into a model; carries every problem found. */
export class CatalogError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  /** Warnings found by the same run, reported next to the errors. */
  readonly warnings: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[], warnings: readonly Diagnostic[] = []) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'CatalogError';
    this.diagnostics = sortDiagnostics(diagnostics);
    this.warnings = sortDiagnostics(warnings);
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const head = `${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return [...diagnostics]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message))
    .filter((d) => {
      const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Collects diagnostics while a stage runs, then throws them all together. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }

  get size(): number {
    return this.items.length;
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new CatalogError(this.items);
  }
}
