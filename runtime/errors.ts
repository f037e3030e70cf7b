/**
 * Errors the runtime raises. Each carries a stable `code` so callers can branch without matching
 * message text, which may change and is redacted.
 */

export class EventsmithError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A mandatory publish that no subscription takes (RabbitMQ: returned unroutable). */
export class UnroutableError extends EventsmithError {
  constructor(
    readonly destination: string,
    detail = 'NO_ROUTE',
  ) {
    super('UNROUTABLE', `message to '${destination}' reached no subscription (${detail})`);
  }
}

/** The broker refused responsibility for a message (RabbitMQ: a negative confirm). */
export class PublishNackedError extends EventsmithError {
  constructor(readonly destination: string) {
    super('NACKED', `the broker refused the message to '${destination}'`);
  }
}

/** A publish to a destination the broker does not know yet: declare the topology that names it first. */
export class DestinationNotFoundError extends EventsmithError {
  constructor(
    readonly destination: string,
    detail: string,
  ) {
    super('DESTINATION_NOT_FOUND', `cannot publish to '${destination}': ${detail}`);
  }
}

export class PublishBufferFullError extends EventsmithError {
  constructor(limit: number) {
    super('BUFFER_FULL', `publish buffer full: ${limit} messages already wait for the broker; retry later or raise maxBufferedPublishes`);
  }
}

/** A message larger than the transport's `maxMessageBytes`: consumers would dead-letter it unread. */
export class MessageTooLargeError extends EventsmithError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('MESSAGE_TOO_LARGE', `message of ${size} bytes exceeds maxMessageBytes (${limit})`);
  }
}

/** A tenant-scoped event published without a tenant (none in the payload's tenant field, no `tenantId` option, no consumed event's tenant). */
export class MissingTenantError extends EventsmithError {
  constructor(type: string, field = 'tenant_id') {
    super('MISSING_TENANT', `'${type}' is tenant-scoped: give the payload a ${field} or pass { tenantId }`);
  }
}

/** Two tenants for one event: the `tenantId` option (or the consumed event's) and the payload's tenant field. */
export class TenantMismatchError extends EventsmithError {
  constructor(type: string, envelopeTenant: string, payloadTenant: string, field = 'tenant_id') {
    super('TENANT_MISMATCH', `'${type}' names two tenants: '${envelopeTenant}' for the envelope and '${payloadTenant}' in the payload's ${field}`);
  }
}

export class TransportClosedError extends EventsmithError {
  constructor(what = 'transport') {
    super('CLOSED', `${what} is closed`);
  }
}

export class NotConnectedError extends EventsmithError {
  constructor(detail = 'not connected to the broker') {
    super('NOT_CONNECTED', detail);
  }
}

export class RequestTimeoutError extends EventsmithError {
  constructor(type: string, timeoutMs: number) {
    super('REQUEST_TIMEOUT', `no reply to '${type}' within ${timeoutMs}ms`);
  }
}

/**
 * A reply whose event is not one the catalogue declares for the command (its operation's `reply`
 * messages): refused before it is sent on the replier's side, and refused if it arrives on the
 * requester's, so the requester's result is always one of the replies its type names.
 */
export class UndeclaredReplyError extends EventsmithError {
  constructor(
    readonly command: EventRefLike,
    readonly reply: EventRefLike,
    readonly declared: readonly EventRefLike[],
  ) {
    const list = declared.length === 0 ? 'none' : declared.map((r) => `'${r.type}' v${r.version}`).join(', ');
    super(
      'UNDECLARED_REPLY',
      `'${reply.type}' v${reply.version} is not a reply the catalogue declares for command '${command.type}' v${command.version} (declared: ${list}): reply with one of those, or add it to the messages of the operation's reply in the catalogue`,
    );
  }
}

interface EventRefLike {
  readonly type: string;
  readonly version: number;
}

export class UnknownEventError extends EventsmithError {
  constructor(type: string, version?: number) {
    super('UNKNOWN_EVENT', version === undefined ? `unknown event type '${type}'` : `unknown event '${type}' version ${version}`);
  }
}

/**
 * Thrown by a handler for a message that can never succeed (a business rule, not an outage):
 * the message goes straight to the dead-letter queue instead of through the retry delays.
 */
export class NonRetryableError extends EventsmithError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NON_RETRYABLE', message, options);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}
