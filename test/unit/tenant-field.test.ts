// A catalogue whose tenant lives in another payload property (`x-tenant-field: company_id`, as in the
// M-ERP domains): the envelope's tenant comes from it, a publish without it or with a second tenant
// is refused naming it, and a consumer dead-letters an event whose envelope disagrees with it.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_REGISTRY } from '../../generated/registry.js';
import { EventClient, MemoryTransport, MissingTenantError, TenantMismatchError, createEnvelope } from '../../runtime/index.js';
import { waitFor } from '../integration/support/fixtures.js';

const COMPANY = '2bb6fb99-6792-44fa-8c38-aff21c792b5f';
const OTHER = '0e9d8f55-0a57-4bb4-8e3c-1b4f1c0f2a9e';

function setup() {
  const transport = new MemoryTransport();
  const definition = { type: 'company.thing_done', version: 1, kind: 'business' as const, urgency: 'medium' as const, destination: 'business.company.thing_done', tenantScoped: true, tenantField: 'company_id', schema: z.object({ company_id: z.string().optional(), note: z.string() }) };
  const client = new EventClient<{ 'company.thing_done': { 1: { company_id?: string; note: string } } }>({ transport, registry: [definition], source: 'urn:test:tenant-field' });
  return { transport, client };
}

describe('a tenant named by another payload property (x-tenant-field)', () => {
  it('reaches the generated registry of the M-ERP events', () => {
    expect(EVENT_REGISTRY['user.created'][1]).toMatchObject({ tenantScoped: true, tenantField: 'company_id' });
    expect(EVENT_REGISTRY['order.created'][1]).not.toHaveProperty('tenantField');
  });

  it('gives the envelope its tenant from that property, and refuses none or two tenants naming it', async () => {
    const { transport, client } = setup();
    await transport.declareTopology({ subscriptions: [{ name: 'q', sources: [{ destination: '#' }] }] });
    await expect(client.publish('company.thing_done', 1, { company_id: COMPANY, note: 'a' })).resolves.toMatchObject({ tenantid: COMPANY });
    const missing = await client.publish('company.thing_done', 1, { note: 'b' }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(MissingTenantError);
    expect(String(missing)).toContain('company_id');
    const two = await client.publish('company.thing_done', 1, { company_id: COMPANY, note: 'c' }, { tenantId: OTHER }).catch((error: unknown) => error);
    expect(two).toBeInstanceOf(TenantMismatchError);
    expect(String(two)).toContain("payload's company_id");
  });

  it('dead-letters an event whose envelope tenant disagrees with the property', async () => {
    const { transport, client } = setup();
    await transport.declareTopology({ subscriptions: [{ name: 'q', sources: [{ destination: '#' }] }] });
    const handled: string[] = [];
    client.on('company.thing_done', 1, (data) => void handled.push(data.note));
    await client.consume('q');
    transport.injectRaw('q', JSON.stringify(createEnvelope({ type: 'company.thing_done', version: 1, source: 'urn:forger', tenantid: OTHER, data: { company_id: COMPANY, note: 'forged' } })));
    await client.publish('company.thing_done', 1, { company_id: COMPANY, note: 'honest' });
    await waitFor(() => handled.length === 1 && transport.deadLetters('q').length === 1);
    expect(handled).toEqual(['honest']);
    expect(transport.deadLetters('q')[0]).toMatchObject({ reason: 'tenant-mismatch' });
    expect(String(transport.deadLetters('q')[0]?.error)).toContain("payload's company_id");
  });
});
