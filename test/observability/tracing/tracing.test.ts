import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerListSetter, propagatorsFromEnvironment } from '../../../src/observability/tracing/propagators.js';
import { safeQuery } from '../../../src/observability/tracing/request-trace.js';
import { tracesUrl } from '../../../src/observability/tracing/tracer.js';

describe('tracing helpers', () => {
  it('sends spans to /v1/traces unless the endpoint names a path, as Traefik\'s OTLP exporter', () => {
    assert.equal(tracesUrl('https://localhost:4318'), 'https://localhost:4318/v1/traces');
    assert.equal(tracesUrl('http://collector:4318/v1/traces'), 'http://collector:4318/v1/traces');
    assert.equal(tracesUrl('http://collector:4318/custom'), 'http://collector:4318/custom');
  });

  it('redacts every query parameter but the safe ones, sorted as Go encodes url.Values', () => {
    assert.equal(safeQuery('token=s&id=7&b=1', new Set(['id'])), 'b=REDACTED&id=7&token=REDACTED');
    assert.equal(safeQuery('', new Set()), '');
  });

  it('picks propagators from OTEL_PROPAGATORS and reports unknown names', () => {
    assert.deepEqual(propagatorsFromEnvironment(undefined).propagator.fields().sort(), ['baggage', 'traceparent', 'tracestate']);
    assert.deepEqual(propagatorsFromEnvironment('jaeger').propagator.fields(), ['uber-trace-id']);
    assert.deepEqual(propagatorsFromEnvironment('none').propagator.fields(), []);
    assert.deepEqual(propagatorsFromEnvironment('tracecontext,b3x').unknown, ['b3x']);
  });

  it('replaces a trace header the client sent instead of adding a second one', () => {
    const headers = ['Host', 'a', 'Traceparent', 'client'];
    headerListSetter.set(headers, 'traceparent', 'ours');
    assert.deepEqual(headers, ['Host', 'a', 'traceparent', 'ours']);
  });
});
