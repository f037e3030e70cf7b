/**
 * A catalogue whose names, descriptions, enum values and patterns try to break out of the code
 * they land in (quotes, backslashes, `*\/`, backticks, `${}`, newlines, U+2028). The generated
 * module must load without side effects and validate exactly the literal values.
 */
import { describe, expect, it } from 'vitest';

declare global {
  // eslint-disable-next-line no-var
  var pwned: unknown;
}

describe('hostile catalogue', () => {
  it('generates a module that loads without side effects', async () => {
    globalThis.pwned = undefined;
    const module = await import('../golden/hostile/index.js');
    expect(globalThis.pwned).toBeUndefined();
    expect(Object.keys(module)).toContain('EVENT_TYPES');
  });

  it('keeps hostile strings as data', async () => {
    const { EVENT_TYPES, ALL_EVENT_TYPES, safeParseEvent, EvilXGlobalThisPwned1V1JsonSchema } = await import('../golden/hostile/index.js');
    const type = "evil.x'); globalThis.pwned = 1; ('";
    expect(EVENT_TYPES.EVIL.X_GLOBAL_THIS_PWNED_1).toBe(type);
    expect(ALL_EVENT_TYPES).toEqual([type]);
    const good = { "quote'd": '`${globalThis.pwned = 1}`', 'new\nline': "/'\"`", constructor: 'x' };
    expect(safeParseEvent(type, 1, good).success).toBe(true);
    expect(safeParseEvent(type, 1, { ...good, "quote'd": 'b\\' }).success).toBe(true);
    expect(safeParseEvent(type, 1, { ...good, "quote'd": 'b' }).success).toBe(false);
    expect(safeParseEvent(type, 1, { ...good, 'new\nline': 'abc' }).success).toBe(false);
    expect(EvilXGlobalThisPwned1V1JsonSchema.description).toBe('*/ globalThis.pwned = 1; /*');
    expect(globalThis.pwned).toBeUndefined();
  });
});
