/**
 * The checker as a library: BASE catalogues and a HEAD catalogue in, every change judged under a
 * mode and policy out. Reading inputs and printing are the CLI's and the reporters' business.
 */
import { compareCatalogs } from './diff/catalog.js';
import { exceptionMatcher, type CheckException } from './exceptions.js';
import type { Side } from './inputs/side.js';
import { changeMessage } from './message.js';
import { directionsOf, isTransitive } from './modes.js';
import { isCompatible } from './policy.js';
import { ruleById } from './rules/registry.js';
import type { Change, Mode, Policy, RawChange, Severity } from './types.js';

export interface CheckOptions {
  mode: Mode;
  policy: Policy;
  exceptions?: readonly CheckException[];
  /** Today as YYYY-MM-DD (sunset and expiry dates); defaults to the current UTC date. */
  today?: string;
}

export interface CheckResult {
  /** False when a breaking change is not accepted by an exception. */
  compatible: boolean;
  mode: Mode;
  policy: Policy;
  head: string;
  /** The BASEs compared against (all of them for transitive modes, else the first). */
  bases: string[];
  changes: Change[];
  /** Every event version of BASE and HEAD, `type@version`, sorted: the contracts checked. */
  contracts: { event: string; version: number }[];
  /** Things the user should know that are not changes (expired or unused exceptions). */
  notes: string[];
}

const SEVERITY_ORDER: Record<Severity, number> = { breaking: 0, 'non-breaking': 1, info: 2 };

export function checkCompatibility(bases: readonly Side[], head: Side, options: CheckOptions): CheckResult {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const directions = directionsOf(options.mode);
  const matcher = exceptionMatcher(options.exceptions ?? [], today);
  const scope = isTransitive(options.mode) ? bases : bases.slice(0, 1);
  const seen = new Set<string>();
  const changes: Change[] = [];
  for (const base of scope) {
    for (const raw of compareCatalogs(base, head, { policy: options.policy, today })) {
      const change = judge(raw, base.label, directions, options.policy);
      const key = [change.rule, change.event, change.version, change.pointer, change.severity].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      if (change.severity === 'breaking') {
        const exception = matcher.find(change.rule, change.event);
        if (exception) change.accepted = { reason: exception.reason, ...(exception.expires ? { expires: exception.expires } : {}) };
      }
      changes.push(change);
    }
  }
  changes.sort(
    (a, b) =>
      a.event.localeCompare(b.event) || a.version - b.version || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.pointer.localeCompare(b.pointer) || a.rule.localeCompare(b.rule),
  );
  const notes = [
    ...matcher.expired().map((e) => `the exception for ${e.rule} on ${e.event} expired on ${e.expires}, so its change counts again`),
    ...matcher.unused().map((e) => `the exception for ${e.rule} on ${e.event} matched no breaking change; remove it from the config`),
  ];
  return {
    compatible: changes.every((c) => c.severity !== 'breaking' || c.accepted !== undefined),
    mode: options.mode,
    policy: options.policy,
    head: head.label,
    bases: scope.map((b) => b.label),
    changes,
    contracts: contractsOf([head, ...scope]),
    notes,
  };
}

function judge(raw: RawChange, base: string, directions: readonly ('backward' | 'forward')[], policy: Policy): Change {
  const rule = ruleById(raw.rule);
  const breaks = directions.filter((d) => {
    const type = raw.seen[d];
    return type !== undefined && !isCompatible(type, policy);
  });
  return {
    rule: raw.rule,
    severity: breaks.length > 0 ? 'breaking' : rule.info ? 'info' : 'non-breaking',
    event: raw.event,
    version: raw.version,
    pointer: raw.pointer,
    file: raw.file,
    line: raw.line,
    message: changeMessage(rule, raw, breaks),
    hint: rule.hint,
    breaks,
    base,
    side: raw.side,
    ...(raw.beforeAt ? { beforeAt: raw.beforeAt } : {}),
  };
}

function contractsOf(sides: readonly Side[]): { event: string; version: number }[] {
  const all = new Map<string, { event: string; version: number }>();
  for (const side of sides) for (const e of side.catalog.events) all.set(`${e.type}@${e.version}`, { event: e.type, version: e.version });
  return [...all.values()].sort((a, b) => a.event.localeCompare(b.event) || a.version - b.version);
}
