/**
 * An Avro payload turned into the model's JSON Schema, so that validators, types, JSON Schema
 * output and docs follow from the one pipeline. The schema is first read by our own reader (which
 * points at the line of a problem) and then by avsc, the Avro implementation, which checks the rest
 * (defaults against their types, among others).
 *
 * The JSON Schema describes the event as JSON carries it: a record is an object (a field with a
 * default may be left out), a union is `anyOf` (`["null", T]` is a nullable T), a map an object
 * of values, bytes and fixed are strings, logical types are their underlying type with the
 * meaning in the description (`uuid` gets `format: uuid`). Records stay open to unknown fields:
 * Avro readers skip fields they do not know, so consumers of an older version must too.
 */
import avsc from 'avsc';
import type { JsonSchema, JsonSchemaObject, JsonValue } from '../model/catalog.js';
import { describeAvro, readAvroSchema, type AvroGraph, type AvroNamed, type AvroNode } from '../model/avro.js';

export interface AvroTarget {
  /** Reports a problem at `pointer`, relative to the Avro schema's root. */
  report(pointer: readonly string[], code: string, message: string, hint: string): void;
  /** The `$ref` of the definition of a named type, made on first use by `build` (and found again afterwards). */
  define(node: AvroNamed, build: () => JsonSchema): string;
}

/** The JSON Schema of `schema`, or undefined when it is not a valid Avro schema (reported). */
export function avroToJsonSchema(schema: unknown, target: AvroTarget): JsonSchema | undefined {
  const read = readAvroSchema(schema);
  if ('problem' in read) {
    target.report(read.problem.pointer, 'invalid-avro-schema', read.problem.message, read.problem.hint);
    return undefined;
  }
  try {
    avsc.Type.forSchema(structuredClone(schema) as avsc.Schema, { wrapUnions: true });
  } catch (error) {
    const at = badDefault(schema, read.graph);
    if (at) target.report([...at.pointer, 'default'], 'invalid-avro-schema', `the default of field '${at.name}' is not a value of its type ${at.type}`, 'A default must be a value of the field\'s type; for a union, of its first type (put "null" first for `default: null`).');
    else target.report([], 'invalid-avro-schema', `invalid Avro schema: ${firstLine(error)}`, 'Fix the schema so that it follows the Apache Avro specification.');
    return undefined;
  }
  return new Converter(read.graph, target).root();
}

/**
 * The field whose default avsc refused, found again field by field (avsc names the value, not the
 * field): named types come from a read of the schema without defaults.
 */
function badDefault(schema: unknown, graph: AvroGraph): { pointer: string[]; name: string; type: string } | undefined {
  const registry: Record<string, avsc.Type> = {};
  try {
    avsc.Type.forSchema(withoutDefaults(structuredClone(schema)) as avsc.Schema, { wrapUnions: true, registry });
  } catch {
    return undefined;
  }
  for (const node of [graph.root, ...graph.named.values()]) {
    if (node.kind !== 'record') continue;
    const namespace = node.fullname.includes('.') ? node.fullname.slice(0, node.fullname.lastIndexOf('.')) : '';
    for (const [i, field] of node.fields.entries()) {
      if (!field.hasDefault) continue;
      const raw = valueAt(schema, [...node.pointer, 'fields', String(i), 'type']);
      try {
        const type = avsc.Type.forSchema(structuredClone(raw) as avsc.Schema, { wrapUnions: true, registry, namespace });
        const first = avsc.Type.isType(type, 'union') ? (type as unknown as { types: avsc.Type[] }).types[0]! : type;
        if (!first.isValid(field.default)) return { pointer: field.pointer, name: field.name, type: describeAvro(field.type.kind === 'union' ? field.type.branches[0]! : field.type) };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (!(key === 'default' && 'name' in value && !('symbols' in value))) out[key] = withoutDefaults(child);
  return out;
}

function valueAt(value: unknown, pointer: readonly string[]): unknown {
  let current = value;
  for (const segment of pointer) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
  return current;
}

class Converter {
  constructor(
    private readonly graph: AvroGraph,
    private readonly target: AvroTarget,
  ) {}

  root(): JsonSchema {
    const root = this.graph.root;
    // The payload's own record is written out, not referenced: an event's payload is its own schema.
    return root.kind === 'record' ? this.record(root) : this.type(root);
  }

  private type(node: AvroNode): JsonSchema {
    switch (node.kind) {
      case 'record':
      case 'enum':
      case 'fixed':
        return { $ref: this.target.define(node, () => (node.kind === 'record' ? this.record(node) : node.kind === 'enum' ? this.enumeration(node) : this.fixed(node))) };
      case 'array':
        return withDoc({ type: 'array', items: this.type(node.items) }, node.doc);
      case 'map':
        return withDoc({ type: 'object', additionalProperties: this.type(node.values) }, node.doc);
      case 'union':
        return { anyOf: node.branches.map((b) => this.type(b)) };
      case 'primitive':
        return primitive(node);
    }
  }

  private record(node: AvroNode & { kind: 'record' }): JsonSchemaObject {
    const properties: Record<string, JsonValue> = {};
    const required: string[] = [];
    for (const field of node.fields) {
      const schema = this.type(field.type);
      const property: JsonSchemaObject = typeof schema === 'object' ? { ...schema } : {};
      if (field.doc !== undefined) property.description = field.doc;
      if (field.hasDefault) property.default = field.default ?? null;
      else required.push(field.name);
      properties[field.name] = property;
    }
    return withDoc({ type: 'object', properties, ...(required.length > 0 ? { required } : {}) }, node.doc);
  }

  private enumeration(node: AvroNode & { kind: 'enum' }): JsonSchemaObject {
    return withDoc({ type: 'string', enum: [...node.symbols] }, node.doc);
  }

  private fixed(node: AvroNode & { kind: 'fixed' }): JsonSchemaObject {
    const meaning = node.logicalType === 'decimal' ? decimalText(node) : node.logicalType === 'duration' ? 'Avro duration: 12 bytes (months, days, milliseconds).' : undefined;
    return withDoc({ type: 'string', minLength: node.size, maxLength: node.size }, node.doc ?? meaning ?? `Avro fixed of ${node.size} bytes, one character per byte.`);
  }
}

const INT_RANGE = { minimum: -2147483648, maximum: 2147483647 };

function primitive(node: AvroNode & { kind: 'primitive' }): JsonSchemaObject {
  const logical = node.logicalType;
  const base = ((): JsonSchemaObject => {
    switch (node.type) {
      case 'null':
        return { type: 'null' };
      case 'boolean':
        return { type: 'boolean' };
      case 'int':
        return { type: 'integer', ...INT_RANGE };
      case 'long':
        return { type: 'integer' };
      case 'float':
      case 'double':
        return { type: 'number' };
      case 'bytes':
      case 'string':
        return { type: 'string' };
    }
  })();
  // A logical type on the wrong underlying type is ignored, as the Avro specification says.
  const meaning = ((): { extra?: JsonSchemaObject; text: string } | undefined => {
    if (logical === 'uuid' && node.type === 'string') return { extra: { format: 'uuid' }, text: 'Avro uuid.' };
    if (logical === 'date' && node.type === 'int') return { text: 'Avro date: days since 1970-01-01.' };
    if (logical === 'time-millis' && node.type === 'int') return { extra: { minimum: 0, maximum: 86_399_999 }, text: 'Avro time-millis: milliseconds after midnight.' };
    if (logical === 'time-micros' && node.type === 'long') return { extra: { minimum: 0, maximum: 86_399_999_999 }, text: 'Avro time-micros: microseconds after midnight.' };
    if ((logical === 'timestamp-millis' || logical === 'local-timestamp-millis') && node.type === 'long') return { text: `Avro ${logical}: milliseconds since 1970-01-01T00:00:00${logical.startsWith('local') ? ' (local time)' : 'Z'}.` };
    if ((logical === 'timestamp-micros' || logical === 'local-timestamp-micros') && node.type === 'long') return { text: `Avro ${logical}: microseconds since 1970-01-01T00:00:00${logical.startsWith('local') ? ' (local time)' : 'Z'}.` };
    if (logical === 'decimal' && node.type === 'bytes') return { text: decimalText(node) };
    return undefined;
  })();
  return withDoc({ ...base, ...(meaning?.extra ?? {}) }, node.doc ?? meaning?.text);
}

function decimalText(node: AvroNode): string {
  const precision = node.attributes.precision;
  const scale = node.attributes.scale ?? 0;
  return `Avro decimal (precision ${String(precision)}, scale ${String(scale)}): the two's-complement unscaled value, one character per byte.`;
}

function withDoc(schema: JsonSchemaObject, doc: string | undefined): JsonSchemaObject {
  return doc === undefined ? schema : { ...schema, description: doc };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!.trim();
}
