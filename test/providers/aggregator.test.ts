import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Aggregator, decodeSnapshot, mergeSnapshots } from '../../src/providers/aggregator.js';
import type { MergedConfig } from '../../src/runtime/merged-config.js';

/** A snapshot with one router per name, each to the same service, so merges tell which snapshots they hold. */
function snapshot(...routers: string[]): { config: Record<string, unknown>; errors: [] } {
  return {
    config: {
      http: {
        routers: Object.fromEntries(routers.map((name) => [name, { rule: 'PathPrefix(`/`)', service: 'app' }])),
        services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } },
      },
    },
    errors: [],
  };
}

function routerNames(merged: MergedConfig): string[] {
  return [...merged.http.routers.keys()].sort();
}

describe('Aggregator throttling (providersThrottleDuration)', () => {
  it('throttles each provider on its own: a burst of one provider never delays another', (t) => {
    mock.timers.enable({ apis: ['setTimeout'] });
    t.after(() => mock.timers.reset());
    const applied: string[][] = [];
    const aggregator = new Aggregator({ throttleMs: 2000, apply: (merged) => applied.push(routerNames(merged)) });

    aggregator.update('kubernetescrd', snapshot('a'));
    aggregator.update('kubernetescrd', snapshot('a', 'b'));
    aggregator.update('kubernetes', snapshot('c'));
    assert.deepEqual(applied, [['a@kubernetescrd'], ['a@kubernetescrd', 'c@kubernetes']]);

    mock.timers.tick(2000);
    assert.deepEqual(applied.at(-1), ['a@kubernetescrd', 'b@kubernetescrd', 'c@kubernetes']);
    assert.equal(applied.length, 3);
    aggregator.close();
  });

  it('applies only the newest snapshot a provider pushed during its window, once', (t) => {
    mock.timers.enable({ apis: ['setTimeout'] });
    t.after(() => mock.timers.reset());
    const applied: string[][] = [];
    const aggregator = new Aggregator({ throttleMs: 1000, apply: (merged) => applied.push(routerNames(merged)) });

    aggregator.update('file', snapshot('one'));
    aggregator.update('file', snapshot('two'));
    aggregator.update('file', snapshot('three'));
    mock.timers.tick(999);
    assert.deepEqual(applied, [['one@file']]);

    mock.timers.tick(1);
    assert.deepEqual(applied, [['one@file'], ['three@file']]);
    mock.timers.tick(5000);
    assert.equal(applied.length, 2);
    aggregator.close();
  });

  it('waits for the expected providers at start, then throttles each of them from there', (t) => {
    mock.timers.enable({ apis: ['setTimeout'] });
    t.after(() => mock.timers.reset());
    const applied: string[][] = [];
    const aggregator = new Aggregator({ throttleMs: 1000, expectedProviders: ['internal', 'file'], apply: (merged) => applied.push(routerNames(merged)) });

    aggregator.update('internal', snapshot());
    assert.deepEqual(applied, []);
    aggregator.update('file', snapshot('one'));
    assert.deepEqual(applied, [['one@file']]);
    aggregator.update('file', snapshot('two'));
    assert.equal(applied.length, 1);

    mock.timers.tick(1000);
    assert.deepEqual(applied, [['one@file'], ['two@file']]);
    aggregator.close();
  });
});

describe('Routers left out (shown disabled by the API)', () => {
  it('lists routers that decoding dropped, per protocol, and routers the provider rejected, qualified with the provider', () => {
    const decoded = decodeSnapshot({
      config: {
        http: { routers: { broken: { rule: '', service: 'app' }, fine: { rule: 'Host(`a`)', service: 'app' } } },
        tcp: { routers: { 'no-rule': { service: 'db' } } },
        udp: { routers: { dns: { entryPoints: 'not-a-list', service: 'dns' } } },
      },
      errors: [],
      rejectedRouters: [{ protocol: 'http', name: 'default-app-123', errors: ['IngressRoute default/app: spec.routes[0].services[0]: service default/missing not found'] }],
    });
    const { merged } = mergeSnapshots(new Map([['kubernetescrd', decoded]]));

    assert.deepEqual(
      merged.droppedRouters?.map(({ protocol, name, errors }) => ({ protocol, name, errors: errors.length })),
      [
        { protocol: 'http', name: 'broken@kubernetescrd', errors: 1 },
        { protocol: 'tcp', name: 'no-rule@kubernetescrd', errors: 1 },
        { protocol: 'udp', name: 'dns@kubernetescrd', errors: 1 },
        { protocol: 'http', name: 'default-app-123@kubernetescrd', errors: 1 },
      ],
    );
  });
});
