/**
 * Maximum bipartite matching (Kuhn's augmenting paths), used to pair oneOf / anyOf / allOf branches
 * by content rather than by position. Each left node tries its cheapest edges first, so a branch
 * that is unchanged pairs with itself and a schema compared with itself reports nothing.
 */

export interface Edge<T> {
  left: number;
  right: number;
  cost: number;
  value: T;
}

/** The edges of one maximum matching. */
export function maximumMatching<T>(leftCount: number, edges: readonly Edge<T>[]): Edge<T>[] {
  const byLeft: Edge<T>[][] = Array.from({ length: leftCount }, () => []);
  for (const edge of edges) byLeft[edge.left]!.push(edge);
  for (const list of byLeft) list.sort((a, b) => a.cost - b.cost || Math.abs(a.right - a.left) - Math.abs(b.right - b.left) || a.right - b.right);
  const owner = new Map<number, Edge<T>>();
  const augment = (left: number, seen: Set<number>): boolean => {
    for (const edge of byLeft[left]!) {
      if (seen.has(edge.right)) continue;
      seen.add(edge.right);
      const current = owner.get(edge.right);
      if (current === undefined || augment(current.left, seen)) {
        owner.set(edge.right, edge);
        return true;
      }
    }
    return false;
  };
  for (let left = 0; left < leftCount; left++) augment(left, new Set());
  return [...owner.values()].sort((a, b) => a.left - b.left);
}
