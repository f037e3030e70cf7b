/**
 * The AMQP properties a publish carries. Untraced events share a headers object per tenant (see
 * route.ts: a fresh object each message is slow in amqplib), so these check that sharing never lets
 * one message's headers show up on another's.
 */
import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../runtime/envelope.js';
import { publishOptions } from '../../runtime/amqp/route.js';
import { ALL_TENANTS, TENANT_HEADER } from '../../runtime/amqp/headers.js';
import type { PublishTarget } from '../../runtime/transport.js';

const target: PublishTarget = { kind: 'business', destination: 'business.test.happened', urgency: 'medium' };
const envelope = (tenantid?: string) => createEnvelope({ type: 'test.happened', version: 1, source: 'urn:test', data: {}, ...(tenantid === undefined ? {} : { tenantid }) });

describe('publishOptions headers', () => {
  it('carry the tenant, or the every-tenant marker without one', () => {
    expect(publishOptions(envelope('acme'), target).headers).toEqual({ [TENANT_HEADER]: 'acme' });
    expect(publishOptions(envelope(), target).headers).toEqual({ [TENANT_HEADER]: ALL_TENANTS });
  });

  it("never carry another message's trace context", () => {
    const traced = { ...envelope('acme'), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' };
    const before = publishOptions(envelope('acme'), target).headers;
    expect(publishOptions(traced, target).headers).toEqual({ [TENANT_HEADER]: 'acme', traceparent: traced.traceparent, tracestate: 'vendor=1' });
    expect(publishOptions(envelope('acme'), target).headers).toEqual({ [TENANT_HEADER]: 'acme' });
    expect(before).toEqual({ [TENANT_HEADER]: 'acme' });
  });

  it('keep each tenant apart, also past the number of tenants kept shared', () => {
    for (let i = 0; i < 1100; i++) expect(publishOptions(envelope(`tenant-${i}`), target).headers).toEqual({ [TENANT_HEADER]: `tenant-${i}` });
    expect(publishOptions(envelope('tenant-3'), target).headers).toEqual({ [TENANT_HEADER]: 'tenant-3' });
  });
});
