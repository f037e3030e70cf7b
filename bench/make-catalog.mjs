/**
 * Synthetic event catalogues for the benchmarks: N events over 10 domain documents (AsyncAPI 3.0)
 * plus one shared fragment (schemas and a message trait) that every document reaches through $ref.
 * Payloads look like real ones (~10 fields: uuid, date-time, enum, a nested object, a shared Money,
 * an array), every event carries full metadata (so `--strict` passes) and an example that validates.
 * Output is deterministic for a given N.
 *
 *   node bench/make-catalog.mjs 1000 /tmp/catalog-1000
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DOMAINS = ['billing', 'customer', 'fulfilment', 'inventory', 'logistics', 'marketing', 'ordering', 'payment', 'pricing', 'support'];
const ENTITIES = ['account', 'address', 'batch', 'basket', 'claim', 'contract', 'coupon', 'delivery', 'device', 'document', 'invoice', 'item', 'label', 'ledger', 'lot', 'parcel', 'plan', 'quote', 'route', 'ticket'];
const ACTIONS = ['created', 'updated', 'deleted', 'approved', 'rejected', 'cancelled', 'completed', 'started', 'paused', 'resumed', 'assigned', 'released', 'archived', 'restored', 'flagged', 'verified', 'expired', 'renewed', 'merged', 'split', 'opened', 'closed', 'locked', 'unlocked', 'scheduled'];
const STATUSES = ['draft', 'pending', 'active', 'on_hold', 'done', 'failed', 'void', 'expired'];
const SEVERITIES = ['low', 'medium', 'high', 'urgent'];

/** Kind of the i-th event: mostly business events, some alerts, notifications and recommendations. */
function kindOf(i) {
  const m = i % 20;
  if (m === 7 || m === 17) return 'alert';
  if (m === 11) return 'notification';
  if (m === 13) return 'recommendation';
  return 'business';
}

const pad = (n, w) => String(n).padStart(w, '0');
/** A deterministic RFC 4122 version-4 uuid for `n`. */
export const uuid = (n) => {
  const h = createHash('md5').update(String(n)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** `{ events: [...] }` per domain: type, names, metadata. Deterministic. */
/** Kinds of change the check benchmark's HEAD catalogue makes, in turn. */
export const CHANGE_KINDS = ['description', 'max-length-lowered', 'optional-property-added', 'property-removed', 'enum-value-added', 'enum-value-removed', 'property-required', 'maximum-lowered', 'urgency-changed', 'type-widened'];

function planEvents(total, changes = 0) {
  const perDomain = DOMAINS.map((_, d) => Math.floor(total / DOMAINS.length) + (d < total % DOMAINS.length ? 1 : 0));
  const services = DOMAINS.map((d) => `${d}-service`);
  const plans = DOMAINS.map((domain, d) => {
    const events = [];
    for (let k = 0; k < perDomain[d]; k++) {
      const entity = ENTITIES[k % ENTITIES.length];
      const action = ACTIONS[Math.floor(k / ENTITIES.length) % ACTIONS.length];
      const round = Math.floor(k / (ENTITIES.length * ACTIONS.length));
      const name = `${entity}_${action}${round > 0 ? `_${round + 1}` : ''}`;
      const i = d * 100_000 + k;
      const kind = kindOf(k);
      const consumers = [services[(d + 1) % 10], services[(d + 3 + (k % 5)) % 10]].filter((s, j, all) => all.indexOf(s) === j && s !== services[d]).sort();
      events.push({ domain, d, k, i, entity, action, name, type: `${domain}.${name}`, kind, severity: SEVERITIES[k % 4], producer: services[d], consumers });
    }
    return { domain, service: services[d], events };
  });
  // `changes` events spread evenly over the catalogue get one change each, the kinds in turn.
  const all = plans.flatMap((plan) => plan.events);
  const step = changes > 0 ? all.length / Math.min(changes, all.length) : 0;
  for (let j = 0; j < Math.min(changes, all.length); j++) all[Math.floor(j * step)].change = CHANGE_KINDS[j % CHANGE_KINDS.length];
  return plans;
}

const pascal = (s) => s.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = (s) => { const p = pascal(s); return p[0].toLowerCase() + p.slice(1); };
const title = (s) => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
const yamlList = (items) => `[${items.join(', ')}]`;

function statusesFor(e) {
  const n = 3 + (e.k % 4);
  return STATUSES.slice(e.k % 3, e.k % 3 + n).slice(0, n);
}

/** The status an event's example uses. */
const exampleStatus = (e) => statusesFor(e)[e.k % statusesFor(e).length];

function schemaStatuses(e) {
  const statuses = statusesFor(e);
  if (e.change === 'enum-value-added') return [...statuses, 'archived'];
  if (e.change === 'enum-value-removed') return statuses.filter((s) => s !== exampleStatus(e)).slice(1).concat(exampleStatus(e));
  return statuses;
}

function messageYaml(e) {
  const msg = pascal(e.name);
  const statuses = statusesFor(e);
  const shift = e.change === 'urgency-changed' ? 1 : 0;
  const urgencyLine = e.kind === 'alert' ? `      x-severity: ${SEVERITIES[(e.k + shift) % 4]}` : `      x-urgency: ${['low', 'medium', 'high'][(e.k + shift) % 3]}`;
  const changed = e.change === 'description' ? ' (Revised wording.)' : '';
  const exampleQuantity = 10 + (e.k % 90);
  return `    ${msg}:
      name: ${e.type}
      title: ${title(e.entity)} ${e.action.replace(/_/g, ' ')}
      summary: A ${e.entity.replace(/_/g, ' ')} was ${e.action.replace(/_/g, ' ')} in ${e.domain}.
      description: Emitted by the ${e.domain} service once the ${e.entity} is ${e.action}; consumers update their own views of it.${changed}
      traits:
        - $ref: './shared/common.yaml#/components/messageTraits/TenantScoped'
      x-version: 1
      x-kind: ${e.kind}
${urgencyLine}
      x-producers: [${e.producer}]
      x-consumers: ${yamlList(e.consumers)}
      payload:
        $ref: '#/components/schemas/${msg}Payload'
      examples:
        - name: typical
          summary: A typical ${e.entity}.
          payload:
            tenant_id: acme-${e.domain}
            ${e.entity}_id: ${uuid(e.i + 1)}
            status: ${exampleStatus(e)}
            occurred_at: '2025-0${1 + (e.k % 9)}-1${e.k % 10}T08:${pad(e.k % 60, 2)}:00Z'
            actor_id: ${uuid(e.i + 7)}
            amount: { amount: ${(e.k * 3.25).toFixed(2)}, currency: EUR }
            quantity: ${exampleQuantity}
            location: { site: SITE-${pad(e.k % 100, 3)}, zone: ${['north', 'south', 'east', 'west'][e.k % 4]}, position: { aisle: ${1 + (e.k % 40)}, shelf: ${1 + (e.k % 8)} } }
            reference: REF-${e.domain.slice(0, 3).toUpperCase()}-${pad(e.k, 6)}
            tags: [${e.entity}, ${e.action}]
`;
}

function payloadYaml(e) {
  const msg = pascal(e.name);
  const statuses = schemaStatuses(e);
  const required = ['tenant_id', `${e.entity}_id`, 'status', 'occurred_at', 'amount', 'quantity', 'location', ...(e.change === 'property-required' ? ['reference'] : [])];
  const tags = e.change === 'property-removed' ? '' : `        tags:
          type: array
          maxItems: 10
          items: { type: string, maxLength: 32 }
`;
  const added = e.change === 'optional-property-added' ? `        comment:
          type: string
          maxLength: 500
` : '';
  return `    ${msg}Payload:
      type: object
      description: Payload of ${e.type}.
      required: ${yamlList(required)}
      properties:
        tenant_id:
          $ref: './shared/common.yaml#/components/schemas/TenantId'
        ${e.entity}_id:
          $ref: './shared/common.yaml#/components/schemas/Uuid'
        status:
          type: string
          description: Status of the ${e.entity} after the change.
          enum: ${yamlList(statuses)}
        occurred_at:
          $ref: './shared/common.yaml#/components/schemas/Timestamp'
        actor_id:
          $ref: './shared/common.yaml#/components/schemas/Uuid'
        amount:
          $ref: './shared/common.yaml#/components/schemas/Money'
        quantity:
          type: ${e.change === 'type-widened' ? 'number' : 'integer'}
          minimum: 0
          maximum: ${(e.change === 'maximum-lowered' ? 500 : 1000) + e.k}
        location:
          type: object
          description: Where the ${e.entity} is.
          required: [site, zone]
          properties:
            site:
              type: string
              pattern: '^SITE-[0-9]{3}$'
            zone:
              type: string
              enum: [north, south, east, west]
            position:
              type: object
              properties:
                aisle: { type: integer, minimum: 1, maximum: 40 }
                shelf: { type: integer, minimum: 1, maximum: 8 }
        reference:
          type: string
          maxLength: ${(e.change === 'max-length-lowered' ? 20 : 40) + (e.k % 24)}
${tags}${added}`;
}

function channelYaml(e) {
  const msg = pascal(e.name);
  const exchange = `eventsmith.${e.kind}`;
  const address = e.kind === 'business' ? `\n    address: business.${e.type}` : '';
  return `  ${camel(e.type)}:${address}
    messages:
      ${msg}:
        $ref: '#/components/messages/${msg}'
    bindings:
      amqp:
        is: routingKey
        exchange: { name: ${exchange}, type: topic, durable: true }
        bindingVersion: 0.3.0
`;
}

function operationYaml(e) {
  return `  publish${pascal(e.type)}:
    action: send
    channel: { $ref: '#/channels/${camel(e.type)}' }
`;
}

export function domainDocument(plan) {
  const { domain, service, events } = plan;
  return `asyncapi: 3.0.0
info:
  title: ${title(domain)} events
  version: 1.0.0
  description: Synthetic ${domain} domain for the eventsmith benchmarks (${events.length} events).
  x-service: ${service}
defaultContentType: application/json

channels:
${events.map(channelYaml).join('')}
operations:
${events.map(operationYaml).join('')}
components:
  messages:
${events.map(messageYaml).join('\n')}
  schemas:
${events.map(payloadYaml).join('')}`;
}

export const SHARED = `# Shared types and traits reached through $ref from every domain document. Not a document.
components:
  schemas:
    Uuid:
      type: string
      format: uuid
      description: A lowercase RFC 4122 identifier.
    TenantId:
      type: string
      description: Slug of the tenant that owns the data.
      minLength: 2
      maxLength: 63
      pattern: '^[a-z0-9][a-z0-9-]*[a-z0-9]$'
    Timestamp:
      type: string
      format: date-time
      description: An RFC 3339 instant with a time-zone offset.
    CurrencyCode:
      type: string
      description: ISO 4217 alphabetic currency code.
      pattern: '^[A-Z]{3}$'
    Money:
      type: object
      description: An amount in a given currency.
      required: [amount, currency]
      properties:
        amount:
          type: number
          minimum: 0
        currency:
          $ref: '#/components/schemas/CurrencyCode'
  messageTraits:
    TenantScoped:
      x-tenant-scoped: true
      contentType: application/json
`;

/**
 * Writes the catalogue of `total` events into `dir` (replaced); returns the document paths. With
 * `changes`, that many events differ from the plain catalogue, one change of CHANGE_KINDS each.
 */
export function makeCatalog(total, dir, { changes = 0 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'shared'), { recursive: true });
  writeFileSync(path.join(dir, 'shared', 'common.yaml'), SHARED);
  const documents = [];
  for (const plan of planEvents(total, changes)) {
    if (plan.events.length === 0) continue;
    const file = path.join(dir, `${plan.domain}.yaml`);
    writeFileSync(file, domainDocument(plan));
    documents.push(file);
  }
  return { dir, documents, shared: path.join(dir, 'shared', 'common.yaml') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const total = Number(process.argv[2] ?? 100);
  const dir = path.resolve(process.argv[3] ?? `/tmp/eventsmith-catalog-${total}`);
  const made = makeCatalog(total, dir);
  process.stdout.write(`${made.documents.length} documents, ${total} events → ${dir}\n`);
}
