import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';
import { startCheckedUpstream } from './checked-upstream.js';

async function answers(url: string, host: string, count: number, headers: Record<string, string> = {}): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await get(url, { headers: { host, ...headers } });
    names.push(response.status === 200 ? answeredBy(response.body)! : String(response.status));
  }
  return names;
}

function tally(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe('weighted services', () => {
  it('splits 400 requests 3:1 exactly, one light answer in every four', async (t) => {
    const heavy = await startUpstream(t, { name: 'heavy' });
    const light = await startUpstream(t, { name: 'light' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`w.test\`)", service: canary }
  services:
    canary:
      weighted:
        services: [{ name: v1, weight: 3 }, { name: v2, weight: 1 }]
    v1: { loadBalancer: { servers: [{ url: "${heavy.url}" }] } }
    v2: { loadBalancer: { servers: [{ url: "${light.url}" }] } }
`,
    });

    const names = await answers(`${junction.url('web')}/`, 'w.test', 400);

    assert.deepEqual(tally(names), { heavy: 300, light: 100 });
    for (let block = 0; block < 400; block += 4) assert.equal(names.slice(block, block + 4).filter((name) => name === 'light').length, 1);
  });

  it('nests weighted services and resolves names across providers', async (t) => {
    const a = await startUpstream(t, { name: 'a' });
    const b = await startUpstream(t, { name: 'b' });
    const c = await startUpstream(t, { name: 'c' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`w.test\`)", service: outer }
  services:
    outer:
      weighted:
        services: [{ name: inner@file, weight: 1 }, { name: c }]
    inner:
      weighted:
        services: [{ name: a }, { name: b }]
    a: { loadBalancer: { servers: [{ url: "${a.url}" }] } }
    b: { loadBalancer: { servers: [{ url: "${b.url}" }] } }
    c: { loadBalancer: { servers: [{ url: "${c.url}" }] } }
`,
    });

    assert.deepEqual(tally(await answers(`${junction.url('web')}/`, 'w.test', 8)), { a: 2, b: 2, c: 4 });
  });

  it('with healthCheck: {}, leaves out a child whose servers are all down, and takes it back', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`w.test\`)", service: parent }
  services:
    parent:
      weighted:
        healthCheck: {}
        services: [{ name: a }, { name: b }]
    a: { loadBalancer: { healthCheck: { path: /health, interval: 200ms }, servers: [{ url: "${a.url}" }] } }
    b: { loadBalancer: { healthCheck: { path: /health, interval: 200ms }, servers: [{ url: "${b.url}" }] } }
`,
    });
    const url = `${junction.url('web')}/`;

    b.healthy = false;
    await junction.waitForOutput(/server status changed.*DOWN/);
    assert.deepEqual(await answers(url, 'w.test', 6), ['a', 'a', 'a', 'a', 'a', 'a']);

    a.healthy = false;
    await until(async () => (await answers(url, 'w.test', 1))[0] === '503');
    assert.equal((await get(url, { headers: { host: 'w.test' } })).body, 'no available server\n');

    b.healthy = true;
    await until(async () => (await answers(url, 'w.test', 1))[0] === 'b');
  });

  it('without healthCheck on the parent, a child with no server up answers 503 in its turn', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`w.test\`)", service: parent }
  services:
    parent:
      weighted:
        services: [{ name: a }, { name: b }]
    a: { loadBalancer: { servers: [{ url: "${a.url}" }] } }
    b: { loadBalancer: { healthCheck: { path: /health, interval: 200ms }, servers: [{ url: "${b.url}" }] } }
`,
    });
    b.healthy = false;
    await junction.waitForOutput(/server status changed.*DOWN/);

    assert.deepEqual(tally(await answers(`${junction.url('web')}/`, 'w.test', 4)), { a: 2, '503': 2 });
  });

  it('keeps its round-robin position across a reload that leaves it unchanged', async (t) => {
    const a = await startUpstream(t, { name: 'a' });
    const b = await startUpstream(t, { name: 'b' });
    const dynamic = `
http:
  routers:
    app: { rule: "Host(\`w.test\`)", service: parent }
  services:
    parent:
      weighted:
        services: [{ name: a }, { name: b }]
    a: { loadBalancer: { servers: [{ url: "${a.url}" }] } }
    b: { loadBalancer: { servers: [{ url: "${b.url}" }] } }
`;
    const junction = await startJunction(t, { dynamic });
    const url = `${junction.url('web')}/`;
    const [first] = await answers(url, 'w.test', 1);

    const from = junction.output().length;
    await junction.writeDynamic(dynamic.replace('  services:\n', '    other: { rule: "Host(`other.test`)", service: a }\n  services:\n'));
    await junction.waitForOutput(/configuration applied/, { from });

    const [second] = await answers(url, 'w.test', 1);
    assert.notEqual(second, first);
  });

  it('pins a client to a child with its sticky cookie, and carries 1,000 WebSocket messages there', async (t) => {
    const servers = await Promise.all(
      ['ws-a', 'ws-b'].map(async (name) => {
        const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
        await new Promise((resolve) => server.once('listening', resolve));
        server.on('connection', (socket) => socket.on('message', (data) => socket.send(`${name}:${data.toString()}`)));
        t.after(() => {
          for (const socket of server.clients) socket.terminate();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        });
        return { name, port: (server.address() as { port: number }).port };
      }),
    );
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    chat: { rule: "Host(\`chat.test\`)", service: chat }
  services:
    chat:
      weighted:
        sticky: { cookie: { name: room } }
        services: [{ name: ws-a }, { name: ws-b }]
    ws-a: { loadBalancer: { servers: [{ url: "http://127.0.0.1:${servers[0]!.port}" }] } }
    ws-b: { loadBalancer: { servers: [{ url: "http://127.0.0.1:${servers[1]!.port}" }] } }
`,
    });

    const openSocket = async (cookie?: string): Promise<{ socket: WebSocket; setCookie: string | undefined }> => {
      let setCookie: string | undefined;
      const socket = new WebSocket(`ws://127.0.0.1:${junction.ports.web}/chat`, { headers: { host: 'chat.test', ...(cookie !== undefined ? { cookie } : {}) } });
      t.after(() => socket.terminate());
      socket.once('upgrade', (response) => {
        setCookie = response.headers['set-cookie']?.[0];
      });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      return { socket, setCookie };
    };

    const first = await openSocket();
    assert.ok(first.setCookie?.startsWith('room='));
    const cookie = first.setCookie!.split(';')[0]!;
    const pinned = await openSocket(cookie);
    first.socket.close();
    assert.equal(pinned.setCookie, undefined);

    const received: string[] = [];
    const done = new Promise<void>((resolve) =>
      pinned.socket.on('message', (data) => {
        received.push(data.toString());
        if (received.length === 1000) resolve();
      }),
    );
    for (let i = 0; i < 1000; i++) pinned.socket.send(String(i));
    await done;

    const owner = received[0]!.split(':')[0]!;
    assert.deepEqual(received, Array.from({ length: 1000 }, (_, i) => `${owner}:${i}`));
    // Another socket with the same cookie lands on the same child.
    const firstOwner = await new Promise<string>((resolve) => {
      void openSocket(cookie).then(({ socket }) => {
        socket.once('message', (data) => resolve(data.toString().split(':')[0]!));
        socket.send('who');
      });
    });
    assert.equal(firstOwner, owner);
  });
});
