import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassiveHealth } from '../../../src/http/services/health-check/passive-health.js';
import { silentLogger } from '../../../src/observability/logger.js';

describe('passive health', () => {
  it('takes a server out after maxFailedAttempts consecutive failures, and a success clears the count', () => {
    const health = new PassiveHealth(['a', 'b'], 10_000, 3, silentLogger);
    health.record(0, 502);
    health.record(0, 500);
    health.record(0, 200);
    health.record(0, 503);
    health.record(0, 503);
    assert.equal(health.isUp(0), true);
    health.record(0, 504);
    assert.equal(health.isUp(0), false);
    assert.equal(health.isUp(1), true);
  });

  it('brings the server back after failureWindow', async () => {
    const health = new PassiveHealth(['a'], 100, 1, silentLogger);
    health.record(0, 500);
    assert.equal(health.isUp(0), false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(health.isUp(0), true);
  });
});
