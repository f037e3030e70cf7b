import { describe, expect, it } from 'vitest';
import { CatalogNames } from '../../generator/emit/names.js';
import { publisherMethodName } from '../../generator/model/generated-names.js';
import { camelName, constantName, kebabName, pascalName } from '../../generator/model/identifiers.js';

describe('identifiers', () => {
  it.each([
    ['stock_added', 'STOCK_ADDED', 'StockAdded', 'stockAdded'],
    ['inventory.stock_added', 'INVENTORY_STOCK_ADDED', 'InventoryStockAdded', 'inventoryStockAdded'],
    ['lightMeasured', 'LIGHT_MEASURED', 'LightMeasured', 'lightMeasured'],
    ['XMLHttpRequest', 'XML_HTTP_REQUEST', 'XmlHttpRequest', 'xmlHttpRequest'],
    ['2fa.enabled', '_2FA_ENABLED', '_2faEnabled', '_2faEnabled'],
    ["x'); alert(1); ('", 'X_ALERT_1', 'XAlert1', 'xAlert1'],
    ['café-crème', 'CAFE_CREME', 'CafeCreme', 'cafeCreme'],
    ['', '_', 'Unnamed', 'unnamed'],
    ['***', '_', 'Unnamed', 'unnamed'],
  ])('%j → %s / %s / %s', (text, constant, pascal, camel) => {
    expect(constantName(text)).toBe(constant);
    expect(pascalName(text)).toBe(pascal);
    expect(camelName(text)).toBe(camel);
  });

  it.each([
    ['default', 'default_'],
    ['class', 'class_'],
    ['await', 'await_'],
    ['z', 'z_'],
  ])('guards reserved word %s', (word, safe) => {
    expect(camelName(word)).toBe(safe);
  });

  it('guards global type names that generated modules rely on', () => {
    expect(pascalName('date')).toBe('Date_');
    expect(pascalName('object')).toBe('Object_');
    expect(pascalName('promise')).toBe('Promise_');
  });

  it('only ever produces valid identifiers', () => {
    for (const text of ['a b', '--', '9', '$x', 'naïve', '\u2028', '__proto__', 'constructor']) {
      for (const name of [constantName(text), pascalName(text), camelName(text)]) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    }
  });

  it('kebab-cases service and file names', () => {
    expect(kebabName('Streetlights API')).toBe('streetlights-api');
    expect(kebabName('../../etc/passwd')).toBe('etc-passwd');
  });
});

describe('names in generated code', () => {
  const catalogOf = (events: object[], definitions: Record<string, unknown>) =>
    ({ documents: [], definitions, events }) as unknown as ConstructorParameters<typeof CatalogNames>[0];
  const event = (type: string, version = 1, extra: object = {}) => ({ type, version, domain: type.split('.')[0]!, name: type.split('.')[1]!, producers: ['shop'], consumers: [], ...extra });

  it('are each a function of the thing named, whatever else the catalogue holds', () => {
    const alone = new CatalogNames(catalogOf([event('order.cancelled')], { OrderItem: { type: 'object' } }));
    const crowded = new CatalogNames(catalogOf(
      [event('class.default'), event('order.cancelled'), event('order.item'), event('payment.cancelled')],
      { ClassDefault: { type: 'boolean' }, OrderItem: { type: 'object' }, Date: { type: 'string' } },
    ));
    for (const names of [alone, crowded]) {
      expect(names.event({ type: 'order.cancelled', version: 1 })).toEqual({ typeName: 'OrderCancelledV1', schemaName: 'OrderCancelledV1Schema', jsonSchemaName: 'OrderCancelledV1JsonSchema' });
      expect(names.latestOf('order.cancelled')).toEqual({ typeName: 'OrderCancelled', schemaName: 'OrderCancelledSchema' });
      expect(names.definition('OrderItem')).toEqual({ typeName: 'OrderItem', schemaName: 'OrderItemSchema' });
    }
  });

  it('give way to the fixed names of the templates only, which never change with the catalogue', () => {
    const names = new CatalogNames(catalogOf([event('business.thing')], { ServiceName: { type: 'string' }, Date_: { type: 'string' } }));
    expect(names.definition('ServiceName')).toEqual({ typeName: 'ServiceName_2', schemaName: 'ServiceName_2Schema' });
    expect(names.definition('Date_')).toEqual({ typeName: 'Date_', schemaName: 'Date_Schema' });
    expect(names.domainType('business')).toBe('BusinessDomainEventType');
  });

  it('follow a message\'s pin (x-eventsmith-name) for its types and its publisher method', () => {
    const pinned = event('payment.cancelled', 2, { pinnedName: 'PaymentVoided' });
    const names = new CatalogNames(catalogOf([pinned], {}));
    expect(names.event(pinned).typeName).toBe('PaymentVoidedV2');
    expect(names.latestOf('payment.cancelled').typeName).toBe('PaymentVoided');
    expect(publisherMethodName(pinned)).toBe('paymentVoided');
    expect(publisherMethodName(event('payment.cancelled'))).toBe('cancelled');
  });
});
