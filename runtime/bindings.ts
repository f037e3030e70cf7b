/**
 * Broker-specific facts the catalogue may give, by transport name (`amqp`, `redis`, `kafka`), as
 * AsyncAPI's channel and message bindings do. The core passes them through untouched; each
 * transport reads its own entry and ignores the others.
 */
export type TransportBindings = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

/** The entry of `transport`, or an empty object. */
export function bindingOf(bindings: TransportBindings | undefined, transport: string): Readonly<Record<string, unknown>> {
  return bindings?.[transport] ?? {};
}
