import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSnapshot, mergeSnapshots } from '../../src/providers/aggregator.js';
import { defaultObservability } from '../../src/observability/observability-flags.js';
import type { EntryPointSettings } from '../../src/runtime/runtime-settings.js';
import { buildUdpRuntime, type UdpRuntime } from '../../src/udp/build-udp-runtime.js';
import type { UdpServerAddress } from '../../src/udp/udp-address.js';
import type { UdpSession } from '../../src/udp/udp-session.js';

const entryPoints: EntryPointSettings[] = [
  { name: 'dns', protocol: 'udp', asDefault: false, middlewares: [], observability: defaultObservability },
  { name: 'game', protocol: 'udp', asDefault: false, middlewares: [], observability: defaultObservability },
  { name: 'web', protocol: 'tcp', asDefault: true, middlewares: [], observability: defaultObservability },
];

function build(udp: Record<string, unknown>): UdpRuntime {
  const { merged } = mergeSnapshots(new Map([['file', decodeSnapshot({ config: { udp }, errors: [] })]]));
  return buildUdpRuntime(merged, entryPoints);
}

/** The server address a new session on `entryPoint` is sent to. */
function dialed(runtime: UdpRuntime, entryPoint: string): string | undefined {
  let address: string | undefined;
  const session = { dial: (server: UdpServerAddress) => (address = server.address), close: () => undefined } as unknown as UdpSession;
  runtime.routes.get(entryPoint)?.handler(session);
  return address;
}

const twoServers = { loadBalancer: { servers: [{ address: '10.0.0.1:53' }, { address: '10.0.0.2:53' }] } };

describe('building the UDP routers', () => {
  it('attaches a router without entryPoints to every UDP entryPoint and no TCP one', () => {
    const runtime = build({ routers: { resolver: { service: 'dns' } }, services: { dns: twoServers } });

    assert.deepEqual([...runtime.routes.keys()].sort(), ['dns', 'game']);
    assert.deepEqual(runtime.errors, []);
  });

  it('gives each entryPoint its own service instance, so each has its own round robin', () => {
    const runtime = build({ routers: { resolver: { service: 'dns' } }, services: { dns: twoServers } });

    assert.deepEqual(
      [dialed(runtime, 'dns'), dialed(runtime, 'game'), dialed(runtime, 'dns'), dialed(runtime, 'game')],
      ['10.0.0.1:53', '10.0.0.1:53', '10.0.0.2:53', '10.0.0.2:53'],
    );
  });

  it('serves an entryPoint with the last router by qualified name whose service builds, naming the others', () => {
    const runtime = build({
      routers: { alpha: { service: 'one' }, beta: { service: 'two' }, zulu: { service: 'missing' } },
      services: { one: { loadBalancer: { servers: [{ address: '10.0.0.1:53' }] } }, two: { loadBalancer: { servers: [{ address: '10.0.0.2:53' }] } } },
    });

    assert.equal(runtime.routes.get('dns')?.routerName, 'beta@file');
    assert.deepEqual(runtime.routes.get('dns')?.ignoredRouters, ['alpha@file']);
    assert.equal(dialed(runtime, 'dns'), '10.0.0.2:53');
    assert.deepEqual(runtime.errors.map((error) => error.message), ['udp.routers.zulu.service: service "missing@file" does not exist']);
  });

  it('keeps a router on its valid entryPoints when another one it names does not exist', () => {
    const runtime = build({ routers: { resolver: { entryPoints: ['dns', 'dnss'], service: 'dns' } }, services: { dns: twoServers } });

    assert.deepEqual([...runtime.routes.keys()], ['dns']);
    assert.deepEqual(runtime.errors.map((error) => error.message), ['udp.routers.resolver.entryPoints[1]: entryPoint "dnss" does not exist; did you mean "dns"?']);
  });

  it('closes a session when the load balancer has no server', () => {
    const runtime = build({ routers: { resolver: { service: 'empty' } }, services: { empty: { loadBalancer: { servers: [] } } } });
    let isClosed = false;
    const session = { dial: () => assert.fail('dialed'), close: () => (isClosed = true), log: { error: () => undefined } } as unknown as UdpSession;

    runtime.routes.get('dns')!.handler(session);

    assert.equal(isClosed, true);
  });
});
