/**
 * Deep equality of plain JSON-like data (parsed YAML, the Catalog model), key order included: the
 * order of keys decides the order of channels, events and fields in what is generated, so two
 * values that differ only in it are not the same.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameData(item, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  return sameKeys(a, b) && Object.keys(a).every((key) => sameData(a[key], b[key]));
}

/** Whether two objects have the same keys in the same order. */
export function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return ka.length === kb.length && ka.every((key, i) => key === kb[i]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
