/**
 * Order of shared definitions in the generated module. A definition must be declared before the
 * ones that use it; definitions that reach each other (recursion) cannot be, and are referenced
 * lazily inside their cycle.
 */
import type { JsonSchema, JsonValue } from '../model/catalog.js';

const MODEL_REF = /^#\/\$defs\/(.+)$/;

/** Names referenced directly by a schema (not through other definitions), sorted. */
export function directRefs(schema: JsonSchema): string[] {
  const found = new Set<string>();
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, child] of Object.entries(value)) {
        const match = k === '$ref' && typeof child === 'string' ? MODEL_REF.exec(child) : null;
        if (match) found.add(match[1]!);
        else visit(child);
      }
    }
  };
  visit(schema);
  return [...found].sort();
}

export interface DefinitionOrder {
  /** Declaration order: dependencies first, deterministic. */
  order: string[];
  /** For each definition, the definitions it must reference lazily (its own cycle). */
  lazy: Map<string, Set<string>>;
}

/** Tarjan's strongly connected components; components come out dependencies-first. */
export function orderDefinitions(definitions: Readonly<Record<string, JsonSchema>>): DefinitionOrder {
  const names = Object.keys(definitions).sort();
  const edges = new Map(names.map((n) => [n, directRefs(definitions[n]!).filter((r) => r in definitions)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const order: string[] = [];
  const lazy = new Map<string, Set<string>>();
  let counter = 0;

  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)!) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    component.sort();
    const cyclic = component.length > 1 || edges.get(node)!.includes(node);
    for (const m of component) {
      order.push(m);
      lazy.set(m, cyclic ? new Set(component) : new Set());
    }
  };
  for (const name of names) if (!index.has(name)) connect(name);
  return { order, lazy };
}
