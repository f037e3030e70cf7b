/**
 * The one place that turns catalogue text into code text.
 *
 * Everything here treats its input as hostile: names, enum values, patterns and descriptions come
 * from catalogue files that anyone can edit, and generated code is executed by every service. So
 * each function guarantees that its output is exactly one token (or one comment) of the intended
 * kind, whatever the input, and that the value read back by JavaScript equals the input.
 */
import type { JsonValue } from '../../model/catalog.js';

/**
 * Characters written as escapes rather than verbatim: controls, format characters (bidi overrides
 * and zero-width characters that would make reviewed code read differently from what runs — see
 * "Trojan Source"), lone surrogates (which cannot be encoded in the UTF-8 output file), private-use
 * characters and separators other than the plain space (U+2028/U+2029 end lines in some parsers).
 */
const ESCAPED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Z}]/u;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).padStart(width, '0');
}

function escapeCodePoint(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  // `\0` is avoided on purpose: followed by a digit it becomes a (forbidden) legacy octal escape.
  if (codePoint <= 0xff) return `\\x${hex(codePoint, 2)}`;
  if (codePoint <= 0xffff) return `\\u${hex(codePoint, 4)}`;
  return `\\u{${hex(codePoint, 5)}}`;
}

const PLAIN_ASCII = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/** A single-quoted string literal that evaluates to exactly `value`, for any string. */
export function stringLiteral(value: string): string {
  // Printable ASCII other than the quote and the backslash is written as it is: the loop below
  // would copy each character unchanged, so this is the same output, without the per-character work.
  if (PLAIN_ASCII.test(value)) return `'${value}'`;
  let out = "'";
  // Iterating a string yields code points, and lone surrogates on their own, so each is escaped.
  for (const char of value) {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (char === ' ' || !ESCAPED.test(char)) out += char;
    else out += escapeCodePoint(char);
  }
  return `${out}'`;
}

/**
 * Code constructing a RegExp for `pattern`. Patterns are passed as a string literal to `new RegExp`
 * — never spliced into a `/…/` literal, where a `/` or a line break in the pattern would end it.
 * JSON Schema patterns are ECMA-262 with Unicode semantics (ajv compiles them with `u`), hence the
 * default flags. The caller is responsible for checking that the pattern compiles.
 */
export function regexLiteral(pattern: string, flags = 'u'): string {
  return `new RegExp(${stringLiteral(pattern)}, ${stringLiteral(flags)})`;
}

const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
// Controls other than tab, and lone surrogates; ZWJ and variation selectors are kept for emoji.
const COMMENT_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]|\p{Cs}/gu;
const DOC_LINE_WIDTH = 100;

/**
 * A JSDoc block for `text`, each line prefixed with `indent`, ending with a newline; '' when the
 * text is empty or blank. One short line becomes `/** text *\/`, anything else a ` * ` block.
 * `*\/` in the text is written `*\/` so the text can never close the comment early, and every
 * line terminator (CR, LF, CRLF, U+2028, U+2029) becomes a new ` * ` line.
 */
export function docComment(text: string | undefined, indent = ''): string {
  if (text === undefined) return '';
  const lines = text.split(/\r\n|[\r\n\u2028\u2029]/).map((line) =>
    line
      .replace(/\*\//g, '*\\/')
      .replace(/\t/g, '  ')
      .replace(BIDI_CONTROLS, escapeCodePoint)
      .replace(COMMENT_UNSAFE, escapeCodePoint)
      .trimEnd(),
  );
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const [first] = lines;
  if (first === undefined) return '';
  if (lines.length === 1 && indent.length + first.length + 7 <= DOC_LINE_WIDTH) {
    return `${indent}/** ${first} */\n`;
  }
  const body = lines.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`));
  return [`${indent}/**`, ...body, `${indent} */`].join('\n') + '\n';
}

/**
 * ASCII identifiers only: wider Unicode identifier tables differ between engines and TypeScript
 * versions, and quoting costs nothing. Reserved words are fine as property names.
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The key to write for property `name` in an object literal. `__proto__` is special: written as
 * a plain or quoted key it sets the literal's prototype instead of creating a property, so it is
 * written as a computed key, which does create an own property.
 */
export function propertyKey(name: string): string {
  if (name === '__proto__') return `[${stringLiteral(name)}]`;
  return IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/** Scalars and arrays of scalars up to this width stay on one line. */
const INLINE_WIDTH = 80;

function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * A deterministic, formatted TypeScript expression for a JSON value. Object keys keep their order
 * (the catalogue's order); arrays of scalars stay inline when short; everything else is one entry
 * per line with a trailing comma. Continuation lines start with `indent`. No `as const` is added.
 */
export function jsonLiteral(value: JsonValue, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'boolean') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => jsonLiteral(item, inner));
    const scalars = value.every((item) => item === null || typeof item !== 'object');
    const inline = `[${items.join(', ')}]`;
    if (scalars && inline.length <= INLINE_WIDTH) return inline;
    return `[\n${items.map((item) => `${inner}${item},\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => `${inner}${propertyKey(key)}: ${jsonLiteral(item, inner)},\n`);
  return `{\n${lines.join('')}${indent}}`;
}
