/**
 * State of one directional comparison (original → update), after Confluent's diff Context: the
 * JSON path being compared, the differences found, and a memo of schema pairs shared by every
 * sub-comparison, so that combinator cross-products and recursive `$ref`s are compared once and a
 * pair met again while it is still being compared (a cycle) counts as compatible.
 */
import type { JsonSchema, JsonValue } from '../../model/catalog.js';
import type { Difference } from '../types.js';

export type Definitions = Readonly<Record<string, JsonSchema>>;

interface Shared {
  original: Definitions;
  update: Definitions;
  compatible: ReadonlySet<string>;
  memo: Map<object, Map<object, readonly Difference[]>>;
  inProgress: Map<object, Set<object>>;
}

export interface Values {
  before?: JsonValue | undefined;
  after?: JsonValue | undefined;
}

export class DiffContext {
  readonly differences: Difference[] = [];
  private readonly path: string[];

  private constructor(
    private readonly shared: Shared,
    path: readonly string[],
  ) {
    this.path = [...path];
  }

  static start(original: Definitions, update: Definitions, compatible: ReadonlySet<string>): DiffContext {
    return new DiffContext({ original, update, compatible, memo: new Map(), inProgress: new Map() }, []);
  }

  get originalDefinitions(): Definitions {
    return this.shared.original;
  }

  get updateDefinitions(): Definitions {
    return this.shared.update;
  }

  /** A context at the same path whose differences are judged before being kept (or not). */
  sub(...segments: string[]): DiffContext {
    return new DiffContext(this.shared, [...this.path, ...segments]);
  }

  /** Original and update swapped, for `not`, whose subschema must be compared the other way round. */
  swapped(): DiffContext {
    const { original, update, compatible } = this.shared;
    return new DiffContext({ original: update, update: original, compatible, memo: new Map(), inProgress: new Map() }, this.path);
  }

  within(segments: readonly string[], run: () => void): void {
    this.path.push(...segments);
    try {
      run();
    } finally {
      this.path.length -= segments.length;
    }
  }

  add(type: string, values: Values = {}): void {
    const difference: Difference = { type, path: [...this.path] };
    if (values.before !== undefined) difference.before = values.before;
    if (values.after !== undefined) difference.after = values.after;
    this.differences.push(difference);
  }

  addAt(segment: string, type: string, values: Values = {}): void {
    this.within([segment], () => this.add(type, values));
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  isCompatible(): boolean {
    return this.differences.every((d) => this.shared.compatible.has(d.type));
  }

  /**
   * Compares a pair once: the result is kept relative to the pair and rebased onto each path that
   * reaches it. A pair already on the stack is a recursive cycle: compatible, and not cached.
   */
  memoized(original: object, update: object, compare: (inner: DiffContext) => void): void {
    const { memo, inProgress } = this.shared;
    let found = memo.get(original)?.get(update);
    if (found === undefined) {
      const active = inProgress.get(original) ?? new Set<object>();
      if (active.has(update)) return;
      inProgress.set(original, active.add(update));
      try {
        const inner = new DiffContext(this.shared, []);
        compare(inner);
        found = inner.differences;
        const row = memo.get(original) ?? new Map<object, readonly Difference[]>();
        memo.set(original, row.set(update, found));
      } finally {
        active.delete(update);
      }
    }
    for (const d of found) this.differences.push({ ...d, path: [...this.path, ...d.path] });
  }
}
