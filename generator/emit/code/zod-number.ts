/**
 * `type: number` / `integer`. Two deliberate differences from ajv (see the tests' table of known
 * differences): `.int()` also requires a safe integer (|n| ≤ 2^53 − 1, beyond which JSON numbers
 * lose precision in JavaScript), and `.multipleOf()` tolerates binary rounding, so 19.99 is a
 * multiple of 0.01 (ajv divides and rejects 1998.9999999999998).
 */
import type { JsonSchemaObject } from '../../model/catalog.js';
import { numberCode, numberKeyword } from './zod-common.js';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Lower/upper bounds, accepting draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` too. */
function bound(schema: JsonSchemaObject, side: 'Minimum' | 'Maximum', path: string): string {
  const inclusiveKeyword = side === 'Minimum' ? 'minimum' : 'maximum';
  const exclusiveKeyword = `exclusive${side}`;
  const [inclusiveMethod, exclusiveMethod] = side === 'Minimum' ? ['min', 'gt'] : ['max', 'lt'];
  const inclusive = numberKeyword(schema, inclusiveKeyword, path);
  const exclusive = schema[exclusiveKeyword];
  let code = '';
  if (typeof exclusive === 'boolean') {
    // Draft-04: a flag that turns `minimum`/`maximum` exclusive.
    if (inclusive !== undefined) code += `.${exclusive ? exclusiveMethod : inclusiveMethod}(${numberCode(inclusive)})`;
    return code;
  }
  if (inclusive !== undefined) code += `.${inclusiveMethod}(${numberCode(inclusive)})`;
  const exclusiveValue = numberKeyword(schema, exclusiveKeyword, path);
  if (exclusiveValue !== undefined) code += `.${exclusiveMethod}(${numberCode(exclusiveValue)})`;
  return code;
}

export function numberExpr(schema: JsonSchemaObject, integer: boolean, path: string): string {
  const format = schema.format;
  let code = integer || format === 'int32' || format === 'int64' ? 'z.number().int()' : 'z.number()';
  if (format === 'int32') code += `.min(${INT32.min}).max(${INT32.max})`;
  code += bound(schema, 'Minimum', path) + bound(schema, 'Maximum', path);
  const multipleOf = numberKeyword(schema, 'multipleOf', path);
  if (multipleOf !== undefined) {
    if (!(multipleOf > 0)) throw new Error(`Invalid schema at ${path}: "multipleOf" must be greater than 0`);
    code += `.multipleOf(${numberCode(multipleOf)})`;
  }
  return code;
}
