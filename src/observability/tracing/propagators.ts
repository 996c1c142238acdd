import type { TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import type { IncomingHttpHeaders } from 'node:http';

const known: Record<string, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  jaeger: () => new JaegerPropagator(),
};

/**
 * The propagators named by `OTEL_PROPAGATORS` (default `tracecontext,baggage`), as Traefik's `autoprop`:
 * `jaeger` gives the `uber-trace-id` header, `none` none at all. Unknown names are returned to be reported.
 */
export function propagatorsFromEnvironment(value: string | undefined): { propagator: TextMapPropagator; unknown: string[] } {
  const names = (value === undefined || value.trim() === '' ? 'tracecontext,baggage' : value)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => name !== 'none' && known[name] === undefined);
  const propagators = names.includes('none') ? [] : names.filter((name) => known[name] !== undefined).map((name) => known[name]!());
  return { propagator: new CompositePropagator({ propagators }), unknown };
}

/** Reads trace context from Node's lowercase request headers. */
export const incomingHeadersGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/** Writes trace context into a flat `[name, value, ...]` header list, replacing what the client sent. */
export const headerListSetter: TextMapSetter<string[]> = {
  set: (carrier, key, value) => {
    const lower = key.toLowerCase();
    for (let i = carrier.length - 2; i >= 0; i -= 2) if (carrier[i]!.toLowerCase() === lower) carrier.splice(i, 2);
    carrier.push(key, value);
  },
};
