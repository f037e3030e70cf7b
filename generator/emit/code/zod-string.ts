/**
 * `type: string` and `format`. Formats follow ajv-formats in "full" mode (what services validating
 * the catalogue with ajv enforce), not zod's own format checks, which differ:
 * - `z.uuid()` accepts only RFC 9562 variants and `z.guid()` rejects the `urn:uuid:` prefix;
 * - `z.iso.datetime()` rejects lowercase `t`/`z`, a space separator and `+01`/`+0100` offsets;
 * - `z.url()` trims and rewrites its input (validators must not change payloads);
 * - `z.email()` uses a different address grammar.
 * So the regex-defined formats reuse ajv-formats' own regexes, `date` uses `z.iso.date()` (the same
 * language), and `date-time`/`time`/`uri` use the regexes below.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { JsonSchemaObject } from '../../model/catalog.js';
import { regexLiteral, stringLiteral } from './literals.js';
import { countKeyword, type SchemaEmitter } from './zod-common.js';
import { NUMBER_FORMATS } from './zod-keywords.js';

/** RFC 3339 full-date with real month lengths and leap years, as ajv-formats' `date` checks. */
const DATE = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))`;
const OFFSET = String.raw`(?:[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)`;
const ZERO_OFFSET = String.raw`(?:[Zz]|[+-]00(?::?00)?)`;

/**
 * ajv-formats' time: `hh:mm:ss[.frac]` with an offset that may omit minutes or the colon. Leap
 * seconds are accepted as `23:59:60` at a zero offset; ajv also accepts them at other offsets when
 * the UTC time is 23:59 (`00:59:60+01:00`), which this regex does not.
 */
function timeSource(offsetRequired: boolean): string {
  const optional = offsetRequired ? '' : '?';
  const regular = String.raw`(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?${OFFSET}${optional}`;
  const leap = String.raw`23:59:60(?:\.\d+)?${ZERO_OFFSET}${optional}`;
  return `(?:${regular}|${leap})`;
}

/** ajv-formats' `uri` (a private regex there): a scheme, then RFC 3986 hier-part, query, fragment. */
const URI = String.raw`^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$`;

interface FormatRegex {
  source: string;
  flags: string;
}

/** Our regexes for ajv-formats' function-defined formats. */
const FUNCTION_FORMATS: Readonly<Record<string, FormatRegex>> = {
  'date-time': { source: `^${DATE}[Tt\\s]${timeSource(true)}$`, flags: 'u' },
  'iso-date-time': { source: `^${DATE}[Tt\\s]${timeSource(false)}$`, flags: 'u' },
  time: { source: `^${timeSource(true)}$`, flags: 'u' },
  'iso-time': { source: `^${timeSource(false)}$`, flags: 'u' },
  uri: { source: URI, flags: 'i' },
};

/** Formats ajv-formats accepts any string for (annotations only). */
const ANNOTATION_FORMATS = new Set(['password', 'binary']);

/** The ajv-formats regex for `format`, without `g`/`y` (ajv resets `lastIndex`; zod does not). */
function formatRegex(format: string): FormatRegex | undefined {
  const own = FUNCTION_FORMATS[format];
  if (own !== undefined) return own;
  if (!Object.hasOwn(fullFormats, format)) return undefined;
  const definition = fullFormats[format as keyof typeof fullFormats];
  if (!(definition instanceof RegExp)) return undefined;
  return { source: definition.source, flags: definition.flags.replace(/[gy]/g, '') };
}

function formatBase(format: string, path: string, emitter: SchemaEmitter): string {
  if (format === 'date') return 'z.iso.date()';
  if (ANNOTATION_FORMATS.has(format) || NUMBER_FORMATS.has(format)) return 'z.string()';
  const regex = formatRegex(format);
  if (regex === undefined) {
    // `regex`, `byte` and formats ajv-formats does not know: any string passes, like ajv (which
    // ignores unknown formats) but unlike an ajv that validates them, hence the warning.
    emitter.warn(path, `format "${format}" is not validated`);
    return 'z.string()';
  }
  const code = regexLiteral(regex.source, regex.flags);
  if (format === 'email') return `z.email({ pattern: ${code} })`;
  return `z.string().regex(${code}, ${stringLiteral(`Invalid ${format}`)})`;
}

export function checkPattern(pattern: string, path: string): void {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Invalid schema at ${path}: "pattern" is not a valid ECMA-262 (unicode) regular expression: ${reason}`);
  }
}

/** The string branch of a schema. Lengths are in code points, as in JSON Schema (zod 4.6 agrees). */
export function stringExpr(schema: JsonSchemaObject, path: string, emitter: SchemaEmitter): string {
  const format = schema.format;
  if (format !== undefined && typeof format !== 'string') {
    throw new Error(`Invalid schema at ${path}: "format" must be a string`);
  }
  let code = format === undefined ? 'z.string()' : formatBase(format, path, emitter);
  const minLength = countKeyword(schema, 'minLength', path);
  const maxLength = countKeyword(schema, 'maxLength', path);
  if (minLength !== undefined) code += `.min(${minLength})`;
  if (maxLength !== undefined) code += `.max(${maxLength})`;
  const pattern = schema.pattern;
  if (pattern !== undefined) {
    if (typeof pattern !== 'string') throw new Error(`Invalid schema at ${path}: "pattern" must be a string`);
    checkPattern(pattern, path);
    code += `.regex(${regexLiteral(pattern)})`;
  }
  return code;
}
