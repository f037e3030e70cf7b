/**
 * Accepted breaking changes, from the config's `check.exceptions`: a named rule for a named event,
 * with the reason it is acceptable and optionally the date it stops being accepted.
 */

export interface CheckException {
  rule: string;
  event: string;
  reason: string;
  /** YYYY-MM-DD: accepted up to and including this day. */
  expires?: string;
}

export interface ExceptionMatcher {
  /** The exception accepting a breaking change of `rule` in `event`, if one is in force. */
  find(rule: string, event: string): CheckException | undefined;
  /** Exceptions past their expiry date that would have matched something: their change fails again. */
  expired(): CheckException[];
  /** Exceptions in force that matched nothing, so they can be removed from the config. */
  unused(): CheckException[];
}

export function exceptionMatcher(exceptions: readonly CheckException[], today: string): ExceptionMatcher {
  const used = new Set<CheckException>();
  const expiredHits = new Set<CheckException>();
  const live = (e: CheckException): boolean => e.expires === undefined || today <= e.expires;
  return {
    find(rule, event) {
      const matching = exceptions.filter((e) => e.rule === rule && e.event === event);
      for (const e of matching.filter((x) => !live(x))) expiredHits.add(e);
      const hit = matching.find(live);
      if (hit) used.add(hit);
      return hit;
    },
    expired: () => [...expiredHits],
    unused: () => exceptions.filter((e) => live(e) && !used.has(e)),
  };
}
