/**
 * Keyword values inside a schema that the AsyncAPI parser lets through but no validator can use:
 * a `pattern` (or a `patternProperties` key) that is not a regular expression, and a `format` no
 * validator knows. Checked where each schema is read, so the problem is reported at the keyword,
 * in the file that holds it (a shared component in another file included). Shapes the parser
 * already checks (a negative `minLength`, a `multipleOf` that is not a positive number) are left
 * to it.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { closestWords } from '../model/similar.js';

/** Formats the JSON Schema specification defines (2020-12 §7.3) plus those ajv-formats adds (OpenAPI's among them). */
export const KNOWN_FORMATS: ReadonlySet<string> = new Set([
  ...Object.keys(fullFormats),
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex',
]);

export interface KeywordProblem {
  /** Path from the schema to the offending value. */
  at: string[];
  code: string;
  message: string;
  hint: string;
  /** Only a warning outside strict mode. */
  warning: boolean;
}

/** Problems with the keyword values of one schema object (not the schemas inside it). */
export function keywordProblems(schema: Readonly<Record<string, unknown>>, strict: boolean): KeywordProblem[] {
  const problems: KeywordProblem[] = [];
  if (typeof schema.pattern === 'string') {
    const error = regexError(schema.pattern);
    if (error !== undefined) {
      problems.push({ at: ['pattern'], code: 'invalid-pattern', message: `pattern ${JSON.stringify(schema.pattern)} is not a valid regular expression: ${error}`, hint: 'Write an ECMAScript regular expression (the `u` flag applies, as in JSON Schema); escape a literal bracket or parenthesis with a backslash.', warning: false });
    }
  }
  const patternProperties = schema.patternProperties;
  if (typeof patternProperties === 'object' && patternProperties !== null && !Array.isArray(patternProperties)) {
    for (const key of Object.keys(patternProperties)) {
      const error = regexError(key);
      if (error !== undefined) {
        problems.push({ at: ['patternProperties', key], code: 'invalid-pattern', message: `patternProperties key ${JSON.stringify(key)} is not a valid regular expression: ${error}`, hint: 'Each key of patternProperties is an ECMAScript regular expression (the `u` flag applies); escape a literal bracket or parenthesis with a backslash.', warning: false });
      }
    }
  }
  if (typeof schema.format === 'string' && !KNOWN_FORMATS.has(schema.format)) {
    const close = closestWords(schema.format, KNOWN_FORMATS, 2);
    problems.push({
      at: ['format'],
      code: 'unknown-format',
      message: `format ${JSON.stringify(schema.format)} is not a known format, so values are not checked against it`,
      hint: `${close.length > 0 ? `Did you mean ${close.map((f) => `'${f}'`).join(' or ')}? ` : ''}Known formats: the JSON Schema ones (date-time, date, email, uuid, uri…) and int32, int64, float, double, byte, binary, password. Use \`pattern\` for a format of your own.${strict ? '' : ' (With --strict this is an error.)'}`,
      warning: !strict,
    });
  }
  return problems;
}

function regexError(source: string): string | undefined {
  try {
    new RegExp(source, 'u');
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/u?: /s, '');
  }
}
