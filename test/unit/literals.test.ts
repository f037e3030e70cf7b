/**
 * literals: the only code that turns catalogue text into code text. Table tests pin the output;
 * seeded random tests check that arbitrary text round-trips and never escapes its token.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { docComment, jsonLiteral, propertyKey, regexLiteral, stringLiteral } from '../../generator/emit/code/literals.js';
import type { JsonValue } from '../../generator/model/catalog.js';

const globals = globalThis as Record<string, unknown>;

function run(code: string): unknown {
  return new Function(`return (${code});`)();
}

/** mulberry32: small, seeded, good enough to spread test inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters chosen to stress escaping: quotes, escapes, line terminators, bidi, surrogates… */
const TRICKY = [
  "'", '"', '`', '\\', '$', '{', '}', '/', '*', '\n', '\r', '\t', '\b', '\f', '\v', '\0', '\x1b', '\x7f',
  '\u0085', '\u00a0', '\u00ad', '\u061c', '\u200b', '\u200d', '\u200e', '\u2028', '\u2029', '\u202e', '\u2066',
  '\ufeff', '\ud800', '\udfff', '😀', '\u{f0000}', 'é', 'e\u0301', '中', '1', ' ', '</script>', '${', '*/', '/*',
];

function randomString(next: () => number): string {
  const length = Math.floor(next() * 24);
  let out = '';
  for (let i = 0; i < length; i++) {
    const roll = next();
    if (roll < 0.4) out += String.fromCharCode(32 + Math.floor(next() * 95));
    else if (roll < 0.85) out += TRICKY[Math.floor(next() * TRICKY.length)] ?? '';
    else out += String.fromCharCode(Math.floor(next() * 0x10000)); // Any UTF-16 unit, lone surrogates included.
  }
  return out;
}

function randomJson(next: () => number, depth: number): JsonValue {
  const roll = next();
  if (depth > 3 || roll < 0.35) {
    const scalars: JsonValue[] = [null, true, false, 0, -0, 1.5, -42, 1e21, 5e-7, randomString(next)];
    return scalars[Math.floor(next() * scalars.length)] ?? null;
  }
  const size = Math.floor(next() * 5);
  if (roll < 0.6) return Array.from({ length: size }, () => randomJson(next, depth + 1));
  const keys = ['__proto__', 'constructor', 'a', 'class', '1', '', ...Array.from({ length: size }, () => randomString(next))];
  const object: Record<string, JsonValue> = {};
  for (const key of keys.slice(0, size + 1)) {
    Object.defineProperty(object, key, { value: randomJson(next, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/**
 * Exact structural identity: own keys in order, prototypes, and Object.is on scalars (so -0 is not
 * 0). Used instead of toStrictEqual, which trips over own `__proto__` keys.
 */
function identical(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Reflect.ownKeys(a);
  if (keys.join('\0') !== Reflect.ownKeys(b).join('\0')) return false;
  return keys.every((key) => identical(Reflect.get(a, key), Reflect.get(b, key)));
}

beforeEach(() => {
  delete globals.pwned;
});

describe('stringLiteral', () => {
  it.each([
    ['', "''"],
    ['plain text', "'plain text'"],
    ["it's", "'it\\'s'"],
    ['say "hi"', `'say "hi"'`],
    ['back\\slash', "'back\\\\slash'"],
    ['line\nbreak\r\n', "'line\\nbreak\\r\\n'"],
    ['\u2028\u2029', "'\\u2028\\u2029'"],
    ['\0' + '1', "'\\x001'"],
    ['tab\t', "'tab\\t'"],
    ['`${x}`', "'`${x}`'"],
    ['bidi\u202eevil', "'bidi\\u202eevil'"],
    ['café 😀 中', "'café 😀 中'"],
    ['\ud800', "'\\ud800'"],
    ['\u{f0000}', "'\\u{f0000}'"],
    ['\u00a0', "'\\xa0'"],
  ])('%j → %s', (input, expected) => {
    expect(stringLiteral(input)).toBe(expected);
    expect(run(stringLiteral(input))).toBe(input);
  });

  it('round-trips random strings and never emits raw line terminators or lone surrogates', () => {
    const next = random(20240229);
    for (let i = 0; i < 3000; i++) {
      const value = randomString(next);
      const literal = stringLiteral(value);
      expect(run(literal)).toBe(value);
      expect(literal).not.toMatch(/[\n\r\u2028\u2029]|\p{Cs}/u);
      expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
    }
    expect(globals.pwned).toBeUndefined();
  });
});

describe('regexLiteral', () => {
  it('builds a unicode RegExp from a string literal, never a /…/ literal', () => {
    const pattern = String.raw`^a\/b'\); globalThis\.pwned = 1; \/\/\n\p{L}$`;
    const code = regexLiteral(pattern);
    expect(code).toBe(`new RegExp(${stringLiteral(pattern)}, 'u')`);
    const regex = run(code);
    expect(regex).toBeInstanceOf(RegExp);
    expect((regex as RegExp).source).toBe(new RegExp(pattern, 'u').source);
    expect((regex as RegExp).flags).toBe('u');
    expect((regex as RegExp).test("a/b'); globalThis.pwned = 1; //\né")).toBe(true);
    expect(globals.pwned).toBeUndefined();
  });

  it('keeps other flags when asked', () => {
    expect(regexLiteral('^a$', 'i')).toBe("new RegExp('^a$', 'i')");
  });
});

describe('docComment', () => {
  it.each<[string | undefined, string, string]>([
    [undefined, '', ''],
    ['', '', ''],
    ['  \n\t\n ', '', ''],
    ['Short.', '', '/** Short. */\n'],
    ['Short.', '    ', '    /** Short. */\n'],
    ['Line one.\r\nLine two.\rLine three.', '  ', '  /**\n   * Line one.\n   * Line two.\n   * Line three.\n   */\n'],
    ['Para one.\n\nPara two.', '', '/**\n * Para one.\n *\n * Para two.\n */\n'],
    ['Ends */ here', '', '/** Ends *\\/ here */\n'],
    ['a\u2028b', '', '/**\n * a\n * b\n */\n'],
    ['x'.repeat(100), '', `/**\n * ${'x'.repeat(100)}\n */\n`],
  ])('%j (indent %j)', (text, indent, expected) => {
    expect(docComment(text, indent)).toBe(expected);
  });

  it('keeps random text inside the comment', () => {
    const next = random(7);
    for (let i = 0; i < 2000; i++) {
      const text = `${randomString(next)}*/ globalThis.pwned = 1; /*${randomString(next)}`;
      const comment = docComment(text, '  ');
      expect(run(`${comment}  1`)).toBe(1);
      expect(comment.indexOf('*/')).toBe(comment.length - 3);
      expect(comment).not.toMatch(/[\r\u2028\u2029]|\p{Cs}/u);
    }
    expect(globals.pwned).toBeUndefined();
  });
});

describe('propertyKey', () => {
  it.each([
    ['name', 'name'],
    ['_private$', '_private$'],
    ['class', 'class'],
    ['constructor', 'constructor'],
    ['kebab-case', "'kebab-case'"],
    ['1st', "'1st'"],
    ['', "''"],
    ['café', "'café'"],
    ["o'clock", "'o\\'clock'"],
    ['__proto__', "['__proto__']"],
  ])('%j → %s', (name, expected) => {
    expect(propertyKey(name)).toBe(expected);
    const object = run(`{ ${propertyKey(name)}: 1 }`) as Record<string, unknown>;
    expect(Object.hasOwn(object, name)).toBe(true);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  });
});

describe('jsonLiteral', () => {
  it('formats deterministically', () => {
    const value: JsonValue = { id: 'a', 'kebab-key': [1, 2, 3], nested: { empty: {}, list: [], deep: [{ x: null }] }, neg: -0 };
    expect(jsonLiteral(value, '  ')).toBe(
      [
        '{',
        "    id: 'a',",
        "    'kebab-key': [1, 2, 3],",
        '    nested: {',
        '      empty: {},',
        '      list: [],',
        '      deep: [',
        '        {',
        '          x: null,',
        '        },',
        '      ],',
        '    },',
        '    neg: -0,',
        '  }',
      ].join('\n'),
    );
  });

  it('breaks long scalar arrays one item per line', () => {
    const items = Array.from({ length: 30 }, (_, i) => `item-${i}`);
    const code = jsonLiteral(items);
    expect(code.split('\n')).toHaveLength(32);
    expect(run(code)).toEqual(items);
  });

  it('rejects numbers JSON cannot carry', () => {
    expect(() => jsonLiteral(Number.NaN)).toThrow(/not a JSON number/);
    expect(() => jsonLiteral(Number.POSITIVE_INFINITY)).toThrow(/not a JSON number/);
  });

  it('round-trips random JSON, own __proto__ keys included', () => {
    expect(identical({ a: -0 }, { a: 0 })).toBe(false);
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const value = randomJson(next, 0);
      const code = jsonLiteral(value);
      const copy = run(code);
      expect(identical(copy, value), code).toBe(true);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      expect(jsonLiteral(value)).toBe(code);
    }
    expect(globals.pwned).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('pwned');
  });
});
