import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startUdpBackend, udpClient, type UdpBackend } from '../support/udp.js';
import { until } from '../support/until.js';

function udpStatic(options: { timeout?: string; sharedTcpPort?: boolean } = {}): string {
  return `
entryPoints:
  udpep:
    address: "127.0.0.1:{{PORT_udpep}}/udp"
${options.timeout !== undefined ? `    udp:\n      timeout: ${options.timeout}\n` : ''}  web:
    address: "127.0.0.1:{{PORT_${options.sharedTcpPort === true ? 'udpep' : 'web'}}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;
}

function loadBalanced(backends: readonly UdpBackend[]): string {
  return `
udp:
  routers:
    whoamiudp:
      entryPoints: [udpep]
      service: whoamiudp
  services:
    whoamiudp:
      loadBalancer:
        servers:
${backends.map((backend) => `          - address: "${backend.address}"`).join('\n')}
`;
}

async function twoBackends(t: TestContext): Promise<[UdpBackend, UdpBackend]> {
  return [await startUdpBackend(t, { name: 'whoamiudp-1' }), await startUdpBackend(t, { name: 'whoamiudp-2' })];
}

describe('UDP entryPoints', () => {
  it('relays a datagram to the server and its answer back to the client', async (t) => {
    const [one] = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic(), dynamic: loadBalanced([one]) });
    const client = await udpClient(t, junction.ports.udpep!);

    assert.equal(await client.request('othermessage\n'), 'Received: othermessage\n');
    assert.equal(await client.who(), 'whoamiudp-1');
  });

  it('gives each client address its own session, sessions taking the servers in turn', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic(), dynamic: loadBalanced(backends) });

    const answers: Array<string | undefined> = [];
    for (let index = 0; index < 4; index++) answers.push(await (await udpClient(t, junction.ports.udpep!)).who());

    assert.deepEqual(answers, ['whoamiudp-1', 'whoamiudp-2', 'whoamiudp-1', 'whoamiudp-2']);
  });

  it('keeps every datagram of a session on one server, over one upstream socket', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic(), dynamic: loadBalanced(backends) });
    const first = await udpClient(t, junction.ports.udpep!);
    const second = await udpClient(t, junction.ports.udpep!);

    const seen = { first: new Set<string | undefined>(), second: new Set<string | undefined>() };
    for (let index = 0; index < 5; index++) {
      seen.first.add(await first.who());
      seen.second.add(await second.who());
    }

    assert.deepEqual([...seen.first], ['whoamiudp-1']);
    assert.deepEqual([...seen.second], ['whoamiudp-2']);
    assert.equal(new Set(backends[0].received.map((datagram) => datagram.from)).size, 1);
    assert.equal(new Set(backends[1].received.map((datagram) => datagram.from)).size, 1);
  });

  it('forgets a session idle for longer than udp.timeout, so the next datagram opens a new one', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic({ timeout: '1s' }), dynamic: loadBalanced(backends) });
    const client = await udpClient(t, junction.ports.udpep!);

    assert.equal(await client.who(), 'whoamiudp-1');
    await delay(2500);

    assert.equal(await client.who(), 'whoamiudp-2');
    assert.equal(new Set(backends[0].received.map((datagram) => datagram.from)).size, 1);
  });

  it('keeps a session alive while datagrams keep coming within udp.timeout', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic({ timeout: '3s' }), dynamic: loadBalanced(backends) });
    const client = await udpClient(t, junction.ports.udpep!);

    const answers = new Set<string | undefined>();
    for (let index = 0; index < 8; index++) {
      answers.add(await client.who());
      await delay(400);
    }

    assert.deepEqual([...answers], ['whoamiudp-1']);
  });

  it('shares a port number between a TCP and a UDP entryPoint', async (t) => {
    const [one] = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic({ sharedTcpPort: true }), dynamic: loadBalanced([one]) });
    const client = await udpClient(t, junction.ports.udpep!);

    assert.equal(await client.request('hello'), 'Received: hello');
    const response = await get(`${junction.url('udpep')}/`);
    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('balances sessions over weighted services by interleaved round robin (3:1 gives A A A B)', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, {
      static: udpStatic(),
      dynamic: `
udp:
  routers:
    app:
      service: app
  services:
    app:
      weighted:
        services:
          - { name: appv1, weight: 3 }
          - { name: appv2, weight: 1 }
    appv1:
      loadBalancer: { servers: [{ address: "${backends[0].address}" }] }
    appv2:
      loadBalancer: { servers: [{ address: "${backends[1].address}" }] }
`,
    });

    const answers: Array<string | undefined> = [];
    for (let index = 0; index < 8; index++) answers.push(await (await udpClient(t, junction.ports.udpep!)).who());

    assert.deepEqual(answers, ['whoamiudp-1', 'whoamiudp-1', 'whoamiudp-1', 'whoamiudp-2', 'whoamiudp-1', 'whoamiudp-1', 'whoamiudp-1', 'whoamiudp-2']);
  });

  it('splits 8 sessions 3/2/3 over a weighted 3:1 of a two-server and a one-server load balancer (Traefik\'s TestWRR)', async (t) => {
    const [a, b, c] = [await startUdpBackend(t, { name: 'whoami-a' }), await startUdpBackend(t, { name: 'whoami-b' }), await startUdpBackend(t, { name: 'whoami-c' })];
    const junction = await startJunction(t, {
      static: udpStatic({ sharedTcpPort: true }),
      dynamicFileName: 'dynamic.toml',
      dynamic: `
[udp.routers.to-whoami-a]
  service = "whoami"
  entryPoints = ["udpep"]
[[udp.services.whoami.weighted.services]]
  name = "whoami-a"
  weight = 3
[[udp.services.whoami.weighted.services]]
  name = "whoami-b"
  weight = 1
[[udp.services.whoami-a.loadBalancer.servers]]
  address = "${a.address}"
[[udp.services.whoami-a.loadBalancer.servers]]
  address = "${c.address}"
[[udp.services.whoami-b.loadBalancer.servers]]
  address = "${b.address}"
`,
    });

    const calls: Record<string, number> = {};
    for (let index = 0; index < 8; index++) {
      const name = (await (await udpClient(t, junction.ports.udpep!)).who()) ?? 'unknown';
      calls[name] = (calls[name] ?? 0) + 1;
    }

    assert.deepEqual(calls, { 'whoami-a': 3, 'whoami-b': 2, 'whoami-c': 3 });
  });

  it('listens on every interface for ":port/udp", answering IPv4 and IPv6 clients, and reaches IPv6 servers', async (t) => {
    const v6 = await startUdpBackend(t, { name: 'whoami-v6', host: '::1' });
    const junction = await startJunction(t, {
      static: udpStatic().replace('"127.0.0.1:{{PORT_udpep}}/udp"', '":{{PORT_udpep}}/udp"'),
      dynamic: loadBalanced([v6]),
    });

    assert.equal(await (await udpClient(t, junction.ports.udpep!, '127.0.0.1')).who(), 'whoami-v6');
    assert.equal(await (await udpClient(t, junction.ports.udpep!, '::1')).request('over IPv6'), 'Received: over IPv6');
  });

  it('ends a session whose server refuses it, and the retry goes to the next server', async (t) => {
    const [gone, alive] = await twoBackends(t);
    await gone.close();
    const junction = await startJunction(t, { static: udpStatic(), dynamic: loadBalanced([gone, alive]) });
    const client = await udpClient(t, junction.ports.udpep!);

    const answer = await until(() => client.who({ timeoutMs: 500 }), { timeoutMs: 10_000, message: 'an answer from the live server' });

    assert.equal(answer, 'whoamiudp-2');
  });

  it('serves new sessions with a reloaded configuration while open sessions keep their server', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic({ timeout: '30s' }), dynamic: loadBalanced([backends[0]]) });
    const before = await udpClient(t, junction.ports.udpep!);
    assert.equal(await before.who(), 'whoamiudp-1');

    await junction.writeDynamic(loadBalanced([backends[1]]));
    await until(async () => (await (await udpClient(t, junction.ports.udpep!)).who({ timeoutMs: 500 })) === 'whoamiudp-2', { message: 'the new server for new sessions' });

    assert.equal(await before.who(), 'whoamiudp-1');
  });

  it('opens no session on an entryPoint whose router was removed', async (t) => {
    const [one] = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic(), dynamic: loadBalanced([one]) });
    assert.equal(await (await udpClient(t, junction.ports.udpep!)).who(), 'whoamiudp-1');

    const from = junction.output().length;
    await junction.writeDynamic('udp: {}\n');
    await junction.waitForOutput(/configuration applied/, { from });

    assert.equal(await (await udpClient(t, junction.ports.udpep!)).who({ timeoutMs: 1000 }), undefined);
  });

  it('uses one router per entryPoint, the last by name, and says so', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, {
      static: udpStatic(),
      dynamic: `
udp:
  routers:
    alpha: { service: one }
    beta: { service: two }
  services:
    one: { loadBalancer: { servers: [{ address: "${backends[0].address}" }] } }
    two: { loadBalancer: { servers: [{ address: "${backends[1].address}" }] } }
`,
    });

    assert.equal(await (await udpClient(t, junction.ports.udpep!)).who(), 'whoamiudp-2');
    assert.equal(await (await udpClient(t, junction.ports.udpep!)).who(), 'whoamiudp-2');
    await junction.waitForOutput(/more than one UDP router on this entryPoint.*beta@file.*alpha@file/);
  });

  it('leaves out a router whose service is broken and reports it with its path', async (t) => {
    const backends = await twoBackends(t);
    const junction = await startJunction(t, {
      static: udpStatic(),
      dynamic: `
udp:
  routers:
    zeta: { service: missing }
    alpha: { service: one }
  services:
    one: { loadBalancer: { servers: [{ address: "${backends[0].address}" }] } }
`,
    });

    assert.equal(await (await udpClient(t, junction.ports.udpep!)).who(), 'whoamiudp-1');
    await junction.waitForOutput(/udp\.routers\.zeta\.service: service \\?"missing@file\\?" does not exist/);
  });
});

describe('UDP entryPoints starting', () => {
  it('refuses to start when the UDP port is taken, naming the address', async (t) => {
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
    t.after(() => squatter.close());
    const taken = await startJunction(t, {
      static: udpStatic().replace('{{PORT_udpep}}', String(squatter.address().port)),
      dynamic: 'udp: {}\n',
      waitReady: false,
    });

    assert.equal(await taken.exited, 1);
    assert.match(taken.output(), /cannot start: .*EADDRINUSE/);
  });
});

describe('UDP entryPoints shutting down', () => {
  it('keeps serving open sessions but opens no new one, and exits once they went idle', async (t) => {
    const [one] = await twoBackends(t);
    const junction = await startJunction(t, { static: udpStatic({ timeout: '5s' }), dynamic: loadBalanced([one]) });
    const open = await udpClient(t, junction.ports.udpep!);
    assert.equal(await open.who(), 'whoamiudp-1');

    const from = junction.output().length;
    junction.process.kill('SIGTERM');
    await junction.waitForOutput(/stopping/, { from });

    assert.equal(await open.who(), 'whoamiudp-1');
    assert.equal(await (await udpClient(t, junction.ports.udpep!)).who({ timeoutMs: 500 }), undefined);
    assert.equal(await junction.exited, 0);
  });
});

describe('UDP entryPoints with workers', () => {
  it('keeps sessions whole and balanced with --workers=2', async (t) => {
    const backends = await twoBackends(t);
    const junction: JunctionProcess = await startJunction(t, { static: udpStatic(), dynamic: loadBalanced(backends), args: ['--workers=2'], waitReady: false });
    await junction.waitForOutput(/workers listening/, { timeoutMs: 30_000 });
    await until(async () => (await (await udpClient(t, junction.ports.udpep!)).who({ timeoutMs: 500 })) !== undefined, { message: 'a first answer' });

    const clients = [await udpClient(t, junction.ports.udpep!), await udpClient(t, junction.ports.udpep!)];
    const seen = clients.map(() => new Set<string | undefined>());
    for (let round = 0; round < 6; round++) {
      for (const [index, client] of clients.entries()) seen[index]!.add(await client.who());
    }

    assert.deepEqual(seen.map((names) => names.size), [1, 1]);
    assert.notDeepEqual([...seen[0]!], [...seen[1]!]);
  });
});
