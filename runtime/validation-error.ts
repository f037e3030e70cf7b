/**
 * What a failed payload validation reports: the event (type and version), each field by its path
 * and what was expected there. A bare validator error (a ZodError lists issues but names no event)
 * leaves the reader to guess which of a service's events was wrong; this one is kept as the cause.
 */
import { EventsmithError } from './errors.js';

export interface ValidationIssue {
  /** The field as written in code (`lines[0].sku`); empty for the payload itself. */
  field: string;
  path: readonly PropertyKey[];
  /** The validator's words, e.g. `Invalid input: expected number, received string`. */
  message: string;
  /** The expected type, where the validator names one (`number`, `string`, `object`). */
  expected?: string;
}

export class EventValidationError extends EventsmithError {
  constructor(
    readonly type: string,
    readonly version: number,
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super('VALIDATION_FAILED', `invalid payload for '${type}' version ${version}: ${issues.map(describeIssue).join('; ')}`, options);
  }
}

/** Wraps a validator's error; zod-like errors (an `issues` array) keep one issue per field. */
export function eventValidationError(type: string, version: number, error: unknown): EventValidationError {
  if (error instanceof EventValidationError) return error;
  return new EventValidationError(type, version, issuesOf(error), { cause: error });
}

function issuesOf(error: unknown): ValidationIssue[] {
  const issues = (error as { issues?: unknown } | null | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return [{ field: '', path: [], message: error instanceof Error ? error.message : String(error) }];
  return issues.map((raw: unknown) => {
    const issue = (typeof raw === 'object' && raw !== null ? raw : {}) as { path?: unknown; message?: unknown; expected?: unknown };
    const path = Array.isArray(issue.path) ? (issue.path.filter((key) => ['string', 'number', 'symbol'].includes(typeof key)) as PropertyKey[]) : [];
    const described: ValidationIssue = { field: fieldName(path), path, message: typeof issue.message === 'string' ? issue.message : 'invalid' };
    if (typeof issue.expected === 'string') described.expected = issue.expected;
    return described;
  });
}

/** `['lines', 0, 'sku']` → `lines[0].sku`: the field as a reader finds it in the payload. */
function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const key of path) {
    if (typeof key === 'number') name += `[${key}]`;
    else name += name === '' ? String(key) : `.${String(key)}`;
  }
  return name;
}

function describeIssue(issue: ValidationIssue): string {
  return `${issue.field === '' ? 'the payload' : `field '${issue.field}'`}: ${issue.message}`;
}
