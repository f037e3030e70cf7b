/** Compatibility modes, as in Confluent Schema Registry: which directions are read, against which BASEs. */
import type { Direction, Mode } from './types.js';

export function directionsOf(mode: Mode): Direction[] {
  if (mode === 'none') return [];
  if (mode.startsWith('backward')) return ['backward'];
  if (mode.startsWith('forward')) return ['forward'];
  return ['backward', 'forward'];
}

/** Transitive modes check HEAD against every BASE given; the others against the first only. */
export function isTransitive(mode: Mode): boolean {
  return mode.endsWith('-transitive');
}
