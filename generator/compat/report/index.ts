/** The output formats of `eventsmith check`. */
import type { CheckResult } from '../check.js';
import { githubReport } from './github.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { textReport } from './text.js';

export const FORMATS = ['text', 'json', 'github', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

/** Lines for standard output. */
export function report(result: CheckResult, format: Format, colour: boolean): string[] {
  switch (format) {
    case 'text':
      return textReport(result, colour);
    case 'json':
      return [jsonReport(result)];
    case 'github':
      return githubReport(result);
    case 'junit':
      return [junitReport(result)];
  }
}
