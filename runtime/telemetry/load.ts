/**
 * `@opentelemetry/api` is an optional peer dependency, imported once per process by the first
 * client that may use it. Unlike a broker client, a missing one is no mistake: the runtime then
 * records nothing and pays nothing.
 */
import type * as Api from '@opentelemetry/api';
import { isMissing } from '../peer.js';

export type OtelApi = typeof Api;

const PACKAGE = '@opentelemetry/api';
let loading: Promise<OtelApi | undefined> | undefined;

/** The API module, or undefined when it is not installed. */
export function loadOtelApi(): Promise<OtelApi | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (api) => api,
    (error: unknown) => {
      if (isMissing(error, PACKAGE)) return undefined;
      throw error;
    },
  );
  return loading;
}
