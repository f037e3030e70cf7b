/** What every transport tells the core about a subscription it declared (the same for all of them). */
import { DEFAULT_MAX_JSON_DEPTH } from '../envelope.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../limits.js';
import { resolveRetryPolicy, type SubscriptionSpec } from '../topology.js';
import type { SubscriptionInfo } from '../transport.js';

export interface ConsumeLimits {
  /** Default 1 MiB. */
  maxMessageBytes?: number;
  /** Default 64. */
  maxJsonDepth?: number;
}

export function subscriptionInfo(spec: SubscriptionSpec, limits: ConsumeLimits): SubscriptionInfo {
  const info: SubscriptionInfo = {
    name: spec.name,
    retry: resolveRetryPolicy(spec.retry),
    maxMessageBytes: limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxJsonDepth: limits.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    ...(spec.tenant === undefined ? {} : { tenant: spec.tenant }),
  };
  return info;
}
