// A small valid catalogue for the loader fuzzer: one document, one fragment reached through $ref
// (a shared schema and a message trait), two events, examples, tenant scoping.
export const DOCUMENT = `asyncapi: 3.0.0
info:
  title: Fuzz events
  version: 1.0.0
  description: A small catalogue the fuzzer mutates.
channels:
  thingCreated:
    address: business.fuzz.thing_created
    messages:
      ThingCreated:
        $ref: '#/components/messages/ThingCreated'
  thingAlert:
    address: alert.fuzz.high
    messages:
      ThingAlert:
        $ref: '#/components/messages/ThingAlert'
operations:
  publishThingCreated:
    action: send
    channel:
      $ref: '#/channels/thingCreated'
  publishThingAlert:
    action: send
    channel:
      $ref: '#/channels/thingAlert'
components:
  schemas:
    ThingCreatedPayload:
      type: object
      required: [tenant_id, thing_id]
      properties:
        tenant_id: {type: string, minLength: 1}
        thing_id: {type: string, format: uuid}
        count: {type: integer, minimum: 0}
        price:
          $ref: './shared/types.yaml#/components/schemas/Money'
        tags:
          type: array
          items: {type: string, enum: [red, green]}
  messages:
    ThingCreated:
      name: fuzz.thing_created
      title: Thing created
      summary: A thing was created.
      description: Emitted when a thing is created.
      traits:
        - $ref: './shared/types.yaml#/components/messageTraits/TenantScoped'
      x-version: 1
      x-kind: business
      x-urgency: medium
      x-producers: [thing-service]
      x-consumers: [other-service]
      payload:
        $ref: '#/components/schemas/ThingCreatedPayload'
      examples:
        - name: one
          payload: {tenant_id: acme, thing_id: 3b241101-e2bb-4255-8caf-4136c566a962, count: 1, price: {amount: 1.5, currency: EUR}}
    ThingAlert:
      name: fuzz.thing_alert
      title: Thing alert
      summary: A thing needs attention.
      description: Raised when a thing breaks.
      x-version: 2
      x-kind: alert
      x-severity: high
      x-urgency: high
      x-producers: [thing-service]
      x-consumers: [other-service, third-service]
      x-tenant-scoped: false
      payload:
        type: object
        additionalProperties: false
        required: [thing_id, reason]
        properties:
          thing_id: {type: string}
          reason: {type: string, maxLength: 200}
          level: {oneOf: [{type: integer}, {type: string, pattern: '^[a-z]+$'}]}
      examples:
        - name: broken
          payload: {thing_id: t-1, reason: broke}
`;

export const FRAGMENT = `components:
  schemas:
    Money:
      type: object
      required: [amount, currency]
      properties:
        amount: {type: number, minimum: 0}
        currency: {type: string, pattern: '^[A-Z]{3}$'}
  messageTraits:
    TenantScoped:
      x-tenant-scoped: true
`;

export const DOCUMENT_FILE = 'fuzz.yaml';
export const FRAGMENT_FILE = 'shared/types.yaml';
