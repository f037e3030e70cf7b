/** Machine output: `{ compatible, changes: [...] }`, one object per change, stable field order. */
import type { CheckResult } from '../check.js';

export function jsonReport(result: CheckResult): string {
  const changes = result.changes.map((c) => ({
    rule: c.rule,
    severity: c.severity,
    event: c.event,
    version: c.version,
    pointer: c.pointer,
    file: c.file,
    line: c.line,
    ...(c.beforeAt ? { beforeFile: c.beforeAt.file, beforeLine: c.beforeAt.line } : {}),
    message: c.message,
    hint: c.hint,
    accepted: c.accepted !== undefined,
    ...(c.accepted ? { reason: c.accepted.reason, ...(c.accepted.expires ? { expires: c.accepted.expires } : {}) } : {}),
    base: c.base,
  }));
  return JSON.stringify({ compatible: result.compatible, mode: result.mode, policy: result.policy, changes }, null, 2);
}
