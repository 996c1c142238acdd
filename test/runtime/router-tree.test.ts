import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpRouterConfig } from '../../src/config/dynamic/http-schema.js';
import type { MergedItem } from '../../src/runtime/merged-config.js';
import { parseRouterTree } from '../../src/runtime/router-tree.js';

function routers(definitions: Record<string, Partial<HttpRouterConfig>>): Map<string, MergedItem<HttpRouterConfig>> {
  return new Map(Object.entries(definitions).map(([name, config]) => [`${name}@file`, { provider: 'file', name, config: { rule: 'PathPrefix(`/`)', ...config } as HttpRouterConfig }]));
}

const messages = (tree: ReturnType<typeof parseRouterTree>): string[] => tree.faults.map(({ error, critical }) => `${critical ? 'critical' : 'warning'} ${error.message}`).sort();

describe('parseRouterTree (multi-layer routing)', () => {
  it('links children to their parents, qualified in the child\'s provider, sorted by name', () => {
    const tree = parseRouterTree(routers({ parent: {}, b: { service: 's', parentRefs: ['parent'] }, a: { service: 's', parentRefs: ['parent@file'] } }));

    assert.deepEqual([...tree.children], [['parent@file', ['a@file', 'b@file']]]);
    assert.deepEqual(tree.faults, []);
  });

  it('leaves out a child with entryPoints, tls or observability of its own, and a child of a missing parent', () => {
    const tree = parseRouterTree(
      routers({
        root: {},
        ok: { service: 's', parentRefs: ['root'] },
        ep: { service: 's', parentRefs: ['root'], entryPoints: ['web'] },
        tls: { service: 's', parentRefs: ['root'], tls: {} },
        obs: { service: 's', parentRefs: ['root'], observability: { accessLogs: false } },
        orphan: { service: 's', parentRefs: ['gone'] },
      }),
    );

    assert.deepEqual(messages(tree), [
      'critical http.routers.ep.entryPoints: non-root router cannot have Entrypoints configuration',
      'critical http.routers.obs.observability: non-root router cannot have Observability configuration',
      'critical http.routers.orphan.parentRefs: parent router "gone@file" does not exist',
      'critical http.routers.orphan: router is not reachable',
      'critical http.routers.tls.tls: non-root router cannot have TLS configuration',
    ]);
    assert.deepEqual([...tree.disabled].sort(), ['ep@file', 'obs@file', 'orphan@file', 'tls@file']);
  });

  it('needs a service or children, never both', () => {
    const tree = parseRouterTree(routers({ lonely: {}, both: { service: 's' }, child: { service: 's', parentRefs: ['both'] } }));

    assert.deepEqual(messages(tree), [
      'critical http.routers.both: router has both a service and is referenced as a parent by other routers',
      'critical http.routers.lonely: router has no service and no child routers',
    ]);
  });

  it('cuts a cycle at the router that closes it, with a warning; a cycle no root reaches is unreachable', () => {
    const tree = parseRouterTree(
      routers({
        root: {},
        middle: { parentRefs: ['root', 'low'] },
        low: { parentRefs: ['middle'] },
        leaf: { service: 's', parentRefs: ['low'] },
        x: { parentRefs: ['y'] },
        y: { parentRefs: ['x'] },
      }),
    );

    assert.deepEqual(messages(tree), [
      'critical http.routers.x: router is not reachable',
      'critical http.routers.y: router is not reachable',
      'warning http.routers.low.parentRefs: cyclic reference detected in router tree: middle@file -> low@file -> middle@file',
    ]);
    assert.deepEqual(tree.children.get('low@file'), ['leaf@file']);
    assert.equal(tree.disabled.has('low@file'), false);
  });
});
