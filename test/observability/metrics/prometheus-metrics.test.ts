import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withBucketBoundLast } from '../../../src/observability/metrics/prometheus-metrics.js';

describe('Prometheus exposition', () => {
  it('prints le after the other labels of a bucket, as the Go client', () => {
    assert.equal(
      withBucketBoundLast('x_bucket{le="0.1",code="200",method="GET"} 3\nx_sum{code="200"} 1\n'),
      'x_bucket{code="200",method="GET",le="0.1"} 3\nx_sum{code="200"} 1\n',
    );
  });
});
