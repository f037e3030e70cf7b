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

/** Fills `{name}` placeholders; an unfilled one is an error, since it would deliver nowhere useful. */
export function resolveDestination(template: string, params: Readonly<Record<string, string>> = {}): string {
  if (!template.includes('{')) return template;
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`destination '${template}' needs parameter '${name}'`);
    if (/[.#*]/.test(value)) throw new TypeError(`destination parameter '${name}' must not contain '.', '*' or '#': '${value}'`);
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
