/**
 * Type tests: a publisher of an event whose channel address has `{parameters}` takes a value for
 * each, typed by the catalogue (an enum becomes a union; a parameter with a default may be left
 * out). Checked by `npm run typecheck` and test/golden/compile.test.ts: each `@ts-expect-error`
 * must meet an error.
 */
import { MemoryTransport } from '../../runtime/index.js';
import { sensors, tenantOrders } from '../golden/channel-parameters/index.js';

const { publisher } = tenantOrders.createTenantOrders({ transport: new MemoryTransport() });
const order = { order_id: 'o-1' };

void publisher.created(order, { params: { tenantId: 'acme' } });
// A parameter with a default (region: eu) may be left out; one without (tenantId) may not.
void publisher.shipped(order, { params: { tenantId: 'acme' } });
void publisher.shipped(order, { params: { tenantId: 'acme', region: 'us' } });
// Other publish options sit next to the parameters.
void publisher.created(order, { params: { tenantId: 'acme' }, correlationId: 'c-1' });

// @ts-expect-error — the destination needs tenantId: no options at all
void publisher.created(order);
// @ts-expect-error — options without params
void publisher.created(order, { correlationId: 'c-1' });
// @ts-expect-error — params without tenantId
void publisher.created(order, { params: {} });
// @ts-expect-error — a parameter the address does not have
void publisher.created(order, { params: { tenantId: 'acme', tenant: 'acme' } });
// @ts-expect-error — region is one of eu | us
void publisher.shipped(order, { params: { tenantId: 'acme', region: 'asia' } });

const sensor = sensors.createSensors({ transport: new MemoryTransport() }).publisher;
void sensor.reading({ value: 21.5 }, { params: { site: 'ams1', sensorKind: 'temperature' } });
// @ts-expect-error — sensorKind is one of temperature | humidity
void sensor.reading({ value: 21.5 }, { params: { site: 'ams1', sensorKind: 'pressure' } });
// @ts-expect-error — both parameters are needed
void sensor.reading({ value: 21.5 }, { params: { site: 'ams1' } });
