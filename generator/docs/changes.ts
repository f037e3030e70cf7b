/**
 * The seam to the compatibility checker: the docs list, for each pair of consecutive versions of an
 * event, the changes a `diffVersions` provider reports. The docs do not judge compatibility
 * themselves; without a provider the section says that no comparison was made.
 */
import type { Catalog, CatalogEvent } from '../model/catalog.js';

export interface VersionChange {
  /** Stable rule id, e.g. `PROPERTY_REMOVED`. */
  rule: string;
  /** e.g. `breaking`, `warning`, `info`; shown as given. */
  severity: string;
  /** JSON pointer into the payload schema, e.g. `/properties/unit`. */
  pointer: string;
  message: string;
}

export type DiffVersions = (previous: CatalogEvent, next: CatalogEvent, catalog: Catalog) => readonly VersionChange[];

export interface VersionStep {
  from: number;
  to: number;
  changes: readonly VersionChange[];
}

/** The steps between consecutive versions (sorted ascending); undefined when no provider is wired. */
export function versionSteps(versions: readonly CatalogEvent[], catalog: Catalog, diff: DiffVersions | undefined): VersionStep[] | undefined {
  if (diff === undefined) return undefined;
  const steps: VersionStep[] = [];
  for (let i = 1; i < versions.length; i++) {
    const previous = versions[i - 1]!;
    const next = versions[i]!;
    steps.push({ from: previous.version, to: next.version, changes: diff(previous, next, catalog) });
  }
  return steps;
}
