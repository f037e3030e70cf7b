/**
 * The compatibility checker (`generator/compat/`) as the docs' `diffVersions` provider: two
 * consecutive versions of one event are compared as if the older were the BASE and the newer the
 * HEAD of the same contract, under FULL compatibility with the strict policy, so the docs list every
 * difference a consumer could trip over, each with the checker's own rule id and verdict.
 */
import { checkCompatibility } from '../compat/check.js';
import type { Side } from '../compat/inputs/side.js';
import type { Catalog, CatalogEvent } from '../model/catalog.js';
import type { DiffVersions, VersionChange } from './changes.js';

export const compatDiffVersions: DiffVersions = (previous, next, catalog) => {
  // The checker pairs events by type and version, so the older version stands in under the newer's number.
  const base = side('BASE', catalog, { ...previous, version: next.version });
  const head = side('HEAD', catalog, next);
  const result = checkCompatibility([base], head, { mode: 'full', policy: 'strict' });
  const older = `v${previous.version}`;
  const newer = `v${next.version}`;
  return result.changes.map(
    (c): VersionChange => ({
      rule: c.rule,
      severity: c.severity,
      pointer: c.pointer,
      // The checker speaks of before and after the change; here they are two versions of the event.
      message: c.message
        .replace(/consumers built (before|after) the change can reject events valid (before|after) it/g, (_, built: string, valid: string) => `consumers built from ${built === 'before' ? older : newer} can reject events valid under ${valid === 'before' ? older : newer}`)
        .replace(/\b(before|after) the change\b/g, (_, when: string) => `in ${when === 'before' ? older : newer}`),
    }),
  );
};

function side(label: string, catalog: Catalog, event: CatalogEvent): Side {
  return { label, catalog: { ...catalog, events: [event] }, display: (file) => file };
}
