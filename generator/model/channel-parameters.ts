/**
 * Channel parameters: the `{name}` placeholders of a channel address and what the channel's
 * `parameters` map says of each. AsyncAPI 2.6 describes a parameter with a `schema`
 * (`{ schema: { type: string, enum: [...], pattern: ... } }`); 3.x writes `enum`, `default` and
 * `description` on the parameter itself. Both become one {@link ChannelParameter}; the publisher
 * takes a value for each, and the runtime checks it (runtime/destinations.ts).
 */
import type { ChannelParameter } from './catalog.js';

type Report = (pointer: readonly string[], code: string, message: string, hint: string) => void;

/** Characters a parameter value may not hold: they would make it more than one word of the destination. */
const SEPARATORS = /[./#*]/;

/** The placeholders of `address`, in order, each once. */
export function addressParameters(address: string): string[] {
  return [...new Set([...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!))];
}

/**
 * What the catalogue says about each placeholder of `address`; undefined when it has none. A
 * placeholder the channel does not describe takes any one word. Values the runtime would refuse
 * (an enum value with a `.`, a pattern that does not compile) are reported at their place.
 */
export function readChannelParameters(address: string | null, declared: unknown, report: Report): Record<string, ChannelParameter> | undefined {
  if (address === null) return undefined;
  const names = addressParameters(address);
  if (names.length === 0) return undefined;
  const map = isObject(declared) ? declared : {};
  const parameters: Record<string, ChannelParameter> = {};
  for (const name of names) {
    const raw = map[name];
    parameters[name] = isObject(raw) ? readParameter(name, raw, (field, code, message, hint) => report([name, ...field], code, message, hint)) : {};
  }
  return parameters;
}

function readParameter(name: string, raw: Record<string, unknown>, report: Report): ChannelParameter {
  // 2.6: the constraints are in `schema`; 3.x: on the parameter itself.
  const schema = isObject(raw.schema) ? raw.schema : raw;
  const at = schema === raw ? [] : ['schema'];
  const parameter: ChannelParameter = {};
  const description = raw.description ?? schema.description;
  if (typeof description === 'string' && description.length > 0) parameter.description = description;
  const word = (value: unknown, field: string[]): value is string => {
    if (typeof value === 'string' && value.length > 0 && !SEPARATORS.test(value)) return true;
    report(field, 'invalid-channel-parameter', `parameter '${name}' allows ${JSON.stringify(value)}, which is not one word of the address`, 'A parameter value fills one word of the channel address: a non-empty string without `.`, `/`, `*` or `#` (those would route the event elsewhere).');
    return false;
  };
  if (schema.enum !== undefined) {
    if (Array.isArray(schema.enum)) {
      const values = schema.enum.filter((value, i) => word(value, [...at, 'enum', String(i)]));
      if (values.length === schema.enum.length) parameter.enum = values;
    } else {
      report([...at, 'enum'], 'invalid-channel-parameter', `parameter '${name}': enum must be a list of values`, 'Write e.g. `enum: [eu, us]`.');
    }
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern === 'string' && compiles(schema.pattern)) parameter.pattern = schema.pattern;
    else report([...at, 'pattern'], 'invalid-channel-parameter', `parameter '${name}': pattern ${JSON.stringify(schema.pattern)} is not a valid regular expression`, "Write an ECMAScript regular expression, e.g. `pattern: '^[a-z0-9-]+$'`.");
  }
  const fallback = raw.default ?? schema.default;
  const fallbackAt = raw.default === undefined ? [...at, 'default'] : ['default'];
  if (fallback !== undefined && word(fallback, fallbackAt)) {
    if (parameter.enum !== undefined && !parameter.enum.includes(fallback)) {
      report(fallbackAt, 'invalid-channel-parameter', `parameter '${name}': default '${fallback}' is not one of its enum values`, 'Make the default one of the values in `enum`.');
    } else if (parameter.pattern !== undefined && !new RegExp(parameter.pattern, 'u').test(fallback)) {
      report(fallbackAt, 'invalid-channel-parameter', `parameter '${name}': default '${fallback}' does not match its pattern`, 'Make the default match `pattern`.');
    } else {
      parameter.default = fallback;
    }
  }
  return parameter;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
