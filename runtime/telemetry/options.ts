/**
 * The telemetry options of a client. Typed structurally so that `eventsmith/runtime`'s types
 * compile without `@opentelemetry/api` installed; any OpenTelemetry TracerProvider and
 * MeterProvider (SDK or API) fits.
 */

/** An OpenTelemetry `TracerProvider`. */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): object;
}

/** An OpenTelemetry `MeterProvider`. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): object;
}

export interface TelemetryOptions {
  /** Default: the globally registered one (`trace.setGlobalTracerProvider`, which the Node SDK calls). */
  tracerProvider?: TracerProviderLike;
  /** Default: the globally registered one (`metrics.setGlobalMeterProvider`). */
  meterProvider?: MeterProviderLike;
}
