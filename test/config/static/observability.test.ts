import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load } from './support.js';

describe('static accessLog, metrics and tracing', () => {
  it('turns the access log on with --accesslog and Traefik\'s defaults', () => {
    const { config, errors } = load(['--accesslog', '--accesslog.fields.headers.defaultmode=keep', '--accesslog.filters.statuscodes=200,300-302']);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.accessLog, {
      filePath: '',
      format: 'common',
      filters: { statusCodes: ['200', '300-302'], retryAttempts: false, minDuration: 0 },
      fields: { defaultMode: 'keep', names: {}, headers: { defaultMode: 'keep', names: {} }, queryParameters: { defaultMode: 'keep' } },
      bufferingSize: 0,
      addInternals: false,
      dualOutput: false,
    });
  });

  it('turns Prometheus on with --metrics.prometheus=true: entryPoint and service labels on, router labels off', () => {
    const { config, errors } = load(['--metrics.prometheus=true', '--metrics.prometheus.addrouterslabels=true', '--metrics.prometheus.buckets=0.5,1']);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.metrics?.prometheus, {
      buckets: [0.5, 1],
      addEntryPointsLabels: true,
      addRoutersLabels: true,
      addServicesLabels: true,
      entryPoint: 'traefik',
      manualRouting: false,
      headerLabels: {},
    });
  });

  it('reads tracing from environment variables, with serviceName traefik and sampleRate 1 by default', () => {
    const { config, errors } = load([], { TRAEFIK_TRACING: 'true', TRAEFIK_TRACING_OTLP_HTTP_ENDPOINT: 'http://collector:4318/v1/traces' });

    assert.deepEqual(errors, []);
    assert.equal(config.tracing?.serviceName, 'traefik');
    assert.equal(config.tracing?.sampleRate, 1);
    assert.equal(config.tracing?.otlp?.http?.endpoint, 'http://collector:4318/v1/traces');
  });

  it('leaves all three off when they are not configured', () => {
    const { config } = load(['--entryPoints.web.address=:80']);

    assert.equal(config.accessLog, undefined);
    assert.equal(config.metrics, undefined);
    assert.equal(config.tracing, undefined);
  });
});
