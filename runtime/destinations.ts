/**
 * The destination scheme: where each event goes, in the catalogue's own words. A destination is
 * the channel address of an event — dot-separated words such as `business.order.created` or
 * `alert.inventory.high` — and a subscription names the destinations it takes with patterns in
 * which `*` stands for one word and `#` for any number. Defined once: the generator derives every
 * event's default destination here, publishers fill placeholders here, and each transport maps
 * destinations onto its own objects (RabbitMQ routing keys, stream names, topics).
 */
import type { EventKind, Severity, Urgency } from './urgency.js';

/**
 * The default destination of an event the catalogue gives no channel address for:
 * `business.<type>`, `alert.<domain>.<severity>`, `notification.<domain>.info`,
 * `recommendation.<domain>.medium`, `command.<type>`.
 */
export function defaultDestination(kind: EventKind, type: string, domain: string, severity: Severity | Urgency): string {
  switch (kind) {
    case 'business':
      return `business.${type}`;
    case 'alert':
      return alertDestination(domain, severity);
    case 'notification':
      return `notification.${domain}.info`;
    case 'recommendation':
      return `recommendation.${domain}.medium`;
    case 'command':
      return `command.${type}`;
  }
}

/** Where an alert of `domain` goes at `severity`: alerts can be raised at another severity than the catalogue's. */
export function alertDestination(domain: string, severity: Severity | Urgency): string {
  return `alert.${domain}.${severity}`;
}

/** The domain of an event type: its first word (`inventory` of `inventory.low_stock_alert`). */
export function domainOf(type: string): string {
  const dot = type.indexOf('.');
  return dot > 0 ? type.slice(0, dot) : type;
}

/**
 * The pattern a consumer subscribes with to receive `destination`: placeholders become `*`, and an
 * alert at its default destination is taken at every severity (it may be raised at another).
 */
export function subscriptionPattern(kind: EventKind, domain: string, destination: string, severity: Severity | undefined): string {
  if (kind === 'alert' && severity !== undefined && destination === alertDestination(domain, severity)) return alertDestination(domain, '*' as Severity);
  return destination.replace(/\{[^}]*\}/g, '*');
}

/**
 * What the catalogue says about one `{parameter}` of a destination (an AsyncAPI channel parameter):
 * the values it may take. Every value is one word of the destination, so it never holds `.`, `/`,
 * `*` or `#`, whatever the catalogue says.
 */
export interface DestinationParameter {
  /** The values it may take. */
  readonly enum?: readonly string[];
  /** A regular expression (unicode) its values match somewhere, as JSON Schema's `pattern`. */
  readonly pattern?: string;
  /** The value used when the publisher gives none. */
  readonly default?: string;
}

/** The parameters of a destination, by name. */
export type DestinationParameters = Readonly<Record<string, DestinationParameter>>;

/** A parameter value the destination cannot take: missing, not one word, or not what the catalogue allows. */
export class DestinationParameterError extends TypeError {
  constructor(readonly destination: string, readonly parameter: string, message: string) {
    super(`destination '${destination}': ${message}`);
    this.name = 'DestinationParameterError';
  }
}

const patterns = new Map<string, RegExp>();

function compiledPattern(pattern: string): RegExp {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) patterns.set(pattern, (compiled = new RegExp(pattern, 'u')));
  return compiled;
}

/**
 * Fills `{name}` placeholders with `params` (a parameter's `default` when it is not given). A value
 * must be one non-empty word (no `.`, `/`, `*` or `#`, which would route it elsewhere or to every
 * subscriber) and, when `declared` describes the parameter, one of its `enum` values and a match
 * of its `pattern`; `declared` also refuses parameters the destination does not have. A missing
 * value is an error too, since the event would deliver nowhere useful.
 */
export function resolveDestination(template: string, params: Readonly<Record<string, string>> = {}, declared?: DestinationParameters): string {
  if (declared !== undefined) {
    for (const name of Object.keys(params)) {
      if (!template.includes(`{${name}}`)) throw new DestinationParameterError(template, name, `has no parameter '${name}'`);
    }
  }
  if (!template.includes('{')) return template;
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const spec = declared?.[name];
    const value = params[name] ?? spec?.default;
    if (value === undefined) throw new DestinationParameterError(template, name, `needs parameter '${name}'`);
    if (typeof value !== 'string' || value.length === 0) throw new DestinationParameterError(template, name, `parameter '${name}' must be a non-empty string, not ${JSON.stringify(value)}`);
    if (/[./#*]/.test(value)) throw new DestinationParameterError(template, name, `parameter '${name}' must not contain '.', '/', '*' or '#': '${value}'`);
    if (spec?.enum !== undefined && !spec.enum.includes(value)) throw new DestinationParameterError(template, name, `parameter '${name}' must be one of ${spec.enum.map((v) => `'${v}'`).join(', ')}, not '${value}'`);
    if (spec?.pattern !== undefined && !compiledPattern(spec.pattern).test(value)) throw new DestinationParameterError(template, name, `parameter '${name}' must match /${spec.pattern}/, not '${value}'`);
    return value;
  });
}

/** Whether `pattern` takes `destination`: words split on '.', `*` is one word, `#` zero or more. */
export function destinationMatches(pattern: string, destination: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('#')) return pattern === destination;
  return matchWords(pattern.split('.'), 0, destination.split('.'), 0);
}

function matchWords(pattern: string[], p: number, words: string[], w: number): boolean {
  if (p === pattern.length) return w === words.length;
  const word = pattern[p];
  if (word === '#') {
    for (let skip = w; skip <= words.length; skip++) if (matchWords(pattern, p + 1, words, skip)) return true;
    return false;
  }
  if (w === words.length) return false;
  return (word === '*' || word === words[w]) && matchWords(pattern, p + 1, words, w + 1);
}
