/** Catalogues whose generated output is committed and compared byte for byte. */
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

export interface GoldenCase {
  name: string;
  catalog: string;
  golden: string;
  strict: boolean;
  /** The date sunsets are judged by (config `sunsetAsOf`). */
  sunsetAsOf?: string;
}

const FIXTURES = ['asyncapi-2.6', 'plain-3.0', 'channel-parameters', 'asyncapi-3.1', 'avro', 'schema-features', 'json-schema-2020', 'hostile', 'name-clash', 'social-media-2.6', 'social-media-3.0'];

export const GOLDEN_CASES: GoldenCase[] = [
  { name: 'repository catalogue', catalog: path.join(REPO_ROOT, 'catalog'), golden: path.join(REPO_ROOT, 'generated'), strict: true },
  ...FIXTURES.map((name) => ({
    name,
    catalog: path.join(REPO_ROOT, 'test/fixtures/catalogs', name),
    golden: path.join(REPO_ROOT, 'test/golden', name),
    strict: false,
  })),
  {
    name: 'sunset-and-replies',
    catalog: path.join(REPO_ROOT, 'test/fixtures/catalogs/sunset-and-replies'),
    golden: path.join(REPO_ROOT, 'test/golden/sunset-and-replies'),
    strict: false,
    sunsetAsOf: '2026-01-01',
  },
];
