import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { startJunction } from '../support/junction.js';
import { tcpExchange } from '../support/tcp-peers.js';
import { until } from '../support/until.js';

const tcpStatic = `
entryPoints:
  tcp:
    address: "127.0.0.1:{{PORT_tcp}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

/** A TCP server that answers a health probe `PING\r\n` with `+PONG\r\n` while healthy, and echoes `<name>:<data>` otherwise. */
interface ProbedServer {
  readonly port: number;
  healthy: boolean;
  readonly probes: number;
}

async function listen(t: TestContext, onConnection: (socket: Socket) => void): Promise<number> {
  const server: Server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

async function startProbedServer(t: TestContext, name: string): Promise<ProbedServer> {
  let probes = 0;
  const state = { healthy: true };
  const port = await listen(t, (socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (text === 'PING\r\n') {
        probes++;
        socket.end(state.healthy ? '+PONG\r\n' : '-ERR\r\n');
      } else {
        socket.end(`${name}:${text}`);
      }
    });
  });
  return {
    port,
    get healthy() {
      return state.healthy;
    },
    set healthy(value: boolean) {
      state.healthy = value;
    },
    get probes() {
      return probes;
    },
  };
}

/** Which backend answers each of `count` connections. */
async function answers(port: number, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    const received = await tcpExchange(port, 'hello', { idleMs: 2000 }).catch(() => '');
    names.push(received === '' ? 'closed' : received.split(':')[0]!);
  }
  return names;
}

describe('TCP health checks', () => {
  it('takes a server out while it answers the probe wrongly, and back when it answers again', async (t) => {
    const a = await startProbedServer(t, 'a');
    const b = await startProbedServer(t, 'b');
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    app: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: app }
  services:
    app:
      loadBalancer:
        servers: [{ address: "127.0.0.1:${a.port}" }, { address: "127.0.0.1:${b.port}" }]
        healthCheck: { send: "PING\\r\\n", expect: "+PONG", interval: 200ms, timeout: 1s }
`,
    });
    const port = junction.ports.tcp!;

    assert.deepEqual((await answers(port, 4)).sort(), ['a', 'a', 'b', 'b']);

    b.healthy = false;
    await junction.waitForOutput(/Health check failed\.[^\n]*targetAddress[^\n]*127\.0\.0\.1:\d+[^\n]*unexpected health check response/);
    await until(async () => (await answers(port, 2)).every((name) => name === 'a'), { timeoutMs: 10_000 });
    assert.deepEqual(await answers(port, 4), ['a', 'a', 'a', 'a']);

    b.healthy = true;
    await until(async () => (await answers(port, 2)).includes('b'), { timeoutMs: 10_000 });
  });

  it('closes connections while every server is down, and checks on the configured port', async (t) => {
    const server = await startProbedServer(t, 'only');
    const healthServer = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => healthServer.listen(0, '127.0.0.1', resolve));
    const healthPort = (healthServer.address() as AddressInfo).port;
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    app: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: app }
  services:
    app:
      loadBalancer:
        servers: [{ address: "127.0.0.1:${server.port}" }]
        healthCheck: { port: ${healthPort}, interval: 200ms, unhealthyInterval: 200ms, timeout: 1s }
`,
    });
    const port = junction.ports.tcp!;
    assert.deepEqual(await answers(port, 1), ['only']);

    // A connect-only check on the health port: closing it takes the server down though its own port still serves.
    await new Promise((resolve) => healthServer.close(resolve));
    await junction.waitForOutput(new RegExp(`Health check failed\\.[^\\n]*connecting to 127\\.0\\.0\\.1:${healthPort}`));
    await until(async () => (await answers(port, 1))[0] === 'closed', { timeoutMs: 10_000 });
    assert.deepEqual(await tcpExchange(server.port, 'direct', { idleMs: 2000 }), 'only:direct');
  });

  it('lets a weighted service with healthCheck {} skip a child whose servers are all down', async (t) => {
    const a = await startProbedServer(t, 'a');
    const b = await startProbedServer(t, 'b');
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    app: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: split }
  services:
    split:
      weighted:
        services: [{ name: one, weight: 1 }, { name: two, weight: 1 }]
        healthCheck: {}
    one:
      loadBalancer:
        servers: [{ address: "127.0.0.1:${a.port}" }]
        healthCheck: { send: "PING\\r\\n", expect: "+PONG", interval: 200ms }
    two:
      loadBalancer:
        servers: [{ address: "127.0.0.1:${b.port}" }]
        healthCheck: { send: "PING\\r\\n", expect: "+PONG", interval: 200ms }
`,
    });
    const port = junction.ports.tcp!;
    assert.deepEqual((await answers(port, 4)).sort(), ['a', 'a', 'b', 'b']);

    a.healthy = false;
    await until(async () => (await answers(port, 2)).every((name) => name === 'b'), { timeoutMs: 10_000 });
    assert.deepEqual(await answers(port, 4), ['b', 'b', 'b', 'b']);
  });

  it('refuses healthCheck {} on a weighted service whose child has no health check, naming the path', async (t) => {
    const a = await startProbedServer(t, 'a');
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    broken: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: split }
  services:
    split:
      weighted:
        services: [{ name: one }]
        healthCheck: {}
    one:
      loadBalancer:
        servers: [{ address: "127.0.0.1:${a.port}" }]
`,
    });

    await junction.waitForOutput(/tcp\.services\.split\.weighted\.services\[0\]\.name: service "one@file" has no healthCheck, so its health cannot be followed/);
    // The router is left out, so the entryPoint treats the bytes as HTTP.
    assert.match(await tcpExchange(junction.ports.tcp!, 'hello\r\n\r\n', { idleMs: 2000 }), /^HTTP\/1\.1 400 /);
  });
});
