import { describe, expect, it } from 'vitest';
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
  it('give way to event names deterministically when a shared schema is called like an event', async () => {
    const { CatalogNames } = await import('../../generator/emit/names.js');
    const catalog = {
      documents: [],
      definitions: { ClassDefault: { type: 'boolean' }, Date: { type: 'string' } },
      events: [{ type: 'class.default', version: 1, domain: 'class', producers: ['class-service'], consumers: [] }],
    } as unknown as ConstructorParameters<typeof CatalogNames>[0];
    const names = new CatalogNames(catalog);
    expect(names.latestOf('class.default')).toEqual({ typeName: 'ClassDefault', schemaName: 'ClassDefaultSchema' });
    expect(names.definition('ClassDefault')).toEqual({ typeName: 'ClassDefault_2', schemaName: 'ClassDefault_2Schema' });
    expect(names.definition('Date')).toEqual({ typeName: 'Date_', schemaName: 'Date_Schema' });
  });
});
