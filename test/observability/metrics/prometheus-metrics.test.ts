import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrometheusMetrics, withBucketBoundLast } from '../../../src/observability/metrics/prometheus-metrics.js';

describe('Prometheus exposition', () => {
  it('prints le after the other labels of a bucket, as the Go client', () => {
    assert.equal(
      withBucketBoundLast('x_bucket{le="0.1",code="200",method="GET"} 3\nx_sum{code="200"} 1\n'),
      'x_bucket{code="200",method="GET",le="0.1"} 3\nx_sum{code="200"} 1\n',
    );
  });
});

describe('Prometheus metrics hooks for TLS and health checks', () => {
  const config = { buckets: [0.1], addEntryPointsLabels: true, addRoutersLabels: false, addServicesLabels: true, entryPoint: 'traefik', manualRouting: false, headerLabels: {} };

  it('exposes a certificate\'s expiry as traefik_tls_certs_not_after with cn, sans and serial', async () => {
    const metrics = new PrometheusMetrics(config);
    metrics.certificateLoaded({ commonName: 'example.com', serial: '1234', sans: ['example.com', 'www.example.com'], notAfterSeconds: 1_900_000_000 });

    assert.match(await metrics.text(), /^traefik_tls_certs_not_after\{cn="example\.com",sans="example\.com,www\.example\.com",serial="1234"\} 1900000000$/m);
  });

  it('exposes server health as traefik_service_server_up', async () => {
    const metrics = new PrometheusMetrics(config);
    metrics.serverHealthChanged('app@file', 'http://10.0.0.1:80', true);
    metrics.serverHealthChanged('app@file', 'http://10.0.0.2:80', false);

    const text = await metrics.text();
    assert.match(text, /^traefik_service_server_up\{service="app@file",url="http:\/\/10\.0\.0\.1:80"\} 1$/m);
    assert.match(text, /^traefik_service_server_up\{service="app@file",url="http:\/\/10\.0\.0\.2:80"\} 0$/m);
  });
});
