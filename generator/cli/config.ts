/**
 * `eventsmith.config.json` / `.yaml` / `.yml`: the same options as the command line, so a
 * repository states its catalogue and output once. Paths in it are relative to the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CatalogError } from '../load/diagnostics.js';
import { readCheckConfig, type CheckConfig } from './check-config.js';

export interface EventsmithConfig {
  catalog?: string;
  out?: string;
  strict?: boolean;
  /**
   * The date (YYYY-MM-DD) `generate` judges sunsets by: an older version whose `x-sunset` is on or
   * before it is past its sunset, and consumers may drop it. A date written here, never the clock, so
   * that the generated code does not change by itself from one day to the next.
   */
  sunsetAsOf?: string;
  /** Defaults and accepted changes for `eventsmith check`. */
  check?: CheckConfig;
}

export const CONFIG_FILES = ['eventsmith.config.json', 'eventsmith.config.yaml', 'eventsmith.config.yml'];

const KNOWN_KEYS: Record<keyof EventsmithConfig, 'string' | 'boolean' | 'date' | 'check'> = { catalog: 'string', out: 'string', strict: 'boolean', sunsetAsOf: 'date', check: 'check' };

/** Reads the config named by `explicit`, else the first of CONFIG_FILES in `cwd`; none is fine. */
export function readConfig(cwd: string, explicit?: string): EventsmithConfig {
  const file = configFile(cwd, explicit);
  if (!file) return {};
  const display = path.relative(cwd, file) || file;
  const fail = (message: string, hint: string): never => {
    throw new CatalogError([{ code: 'config', file: display, line: 0, column: 0, message, hint }]);
  };
  let raw: unknown;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return fail(`cannot read the config file: ${(error as Error).message.split('\n')[0]}`, 'Fix the syntax of the config file.');
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail('the config file must hold a mapping', 'Write e.g. `catalog: catalog` and `out: generated`.');
  const config: EventsmithConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    const expected = KNOWN_KEYS[key as keyof EventsmithConfig];
    if (!expected) fail(`unknown option '${key}'`, `Known options: ${Object.keys(KNOWN_KEYS).join(', ')}.`);
    if (expected === 'check') {
      config.check = readCheckConfig(value, fail);
      continue;
    }
    if (expected === 'date') {
      config.sunsetAsOf = readDate(key, value, (message, hint) => {
        const at = valuePosition(text, key);
        throw new CatalogError([{ code: 'config', file: display, line: at.line, column: at.column, message, hint }]);
      });
      continue;
    }
    if (typeof value !== expected) fail(`option '${key}' must be a ${expected}`, `Write e.g. \`${key}: ${expected === 'string' ? 'catalog' : 'true'}\`.`);
    if (expected === 'string') (config as Record<string, unknown>)[key] = path.resolve(path.dirname(file), value as string);
    else (config as Record<string, unknown>)[key] = value;
  }
  return config;
}

/**
 * The YAML library, loaded on first use: it takes a noticeable part of a `generate` that the cache
 * answers, which has no other use for it when the config is JSON or absent.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

/** The config file a command reads: `explicit` (relative to `cwd`), else the first of CONFIG_FILES in `cwd`; undefined when none. */
export function configFile(cwd: string, explicit?: string): string | undefined {
  return explicit ? path.resolve(cwd, explicit) : CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => existsSync(f));
}

/** The catalogue a command reads: `--catalog` (relative to the working directory), else the config's, else `catalog`. */
export function resolveCatalog(cwd: string, flag: string | undefined, config: EventsmithConfig): string {
  return flag ? path.resolve(cwd, flag) : (config.catalog ?? path.resolve(cwd, 'catalog'));
}

/** A calendar date written YYYY-MM-DD (YAML may hand an unquoted one over as a Date). */
function readDate(key: string, value: unknown, fail: (message: string, hint: string) => never): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)) return text;
  return fail(`option '${key}' must be a date written YYYY-MM-DD, not ${JSON.stringify(value)}`, `Write e.g. \`${key}: '2027-06-30'\`: versions whose x-sunset is on or before it are past their sunset.`);
}

/** Where the value of top-level `key` starts (1-based), YAML or JSON; 0:0 when it cannot be found. */
function valuePosition(text: string, key: string): { line: number; column: number } {
  const lines = text.split('\n');
  const pattern = new RegExp(`^(\\s*"?${key}"?\\s*:\\s*)`);
  for (let i = 0; i < lines.length; i++) {
    const match = pattern.exec(lines[i]!);
    if (match) return { line: i + 1, column: match[1]!.length + 1 };
  }
  return { line: 0, column: 0 };
}
