import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { selfSignedCertificate } from '../support/certificates.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';

/** A WebSocket server (plain, or TLS) that echoes, and closes with the code a `close:<code>:<reason>` message names. */
async function startEchoServer(t: TestContext, tls?: { cert: string; key: string }): Promise<{ url: string; closes: Array<{ code: number; reason: string }> }> {
  const closes: Array<{ code: number; reason: string }> = [];
  const httpsServer = tls === undefined ? undefined : createHttpsServer(tls);
  const server = httpsServer === undefined ? new WebSocketServer({ port: 0, host: '127.0.0.1' }) : new WebSocketServer({ server: httpsServer });
  if (httpsServer !== undefined) httpsServer.listen(0, '127.0.0.1');
  await once(httpsServer ?? server, 'listening');
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const text = data.toString();
      const close = /^close:(\d+):(.*)$/.exec(text);
      if (close !== null) {
        socket.send('last words');
        socket.close(Number(close[1]), close[2]);
        return;
      }
      socket.send(`echo: ${text}`);
    });
    socket.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
  });
  t.after(() => {
    for (const socket of server.clients) socket.terminate();
    server.close();
    httpsServer?.close();
  });
  const port = ((httpsServer ?? server).address() as AddressInfo).port;
  return { url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`, closes };
}

async function junctionTo(t: TestContext, url: string): Promise<JunctionProcess> {
  return startJunction(t, {
    dynamic: `
http:
  routers:
    ws: { rule: "Host(\`ws.test\`)", service: ws }
  services:
    ws:
      loadBalancer:
        servers: [{ url: "${url}" }]
        serversTransport: tls
  serversTransports:
    tls: { insecureSkipVerify: true }
`,
  });
}

async function open(t: TestContext, junction: JunctionProcess): Promise<WebSocket> {
  const client = new WebSocket(`ws://127.0.0.1:${junction.ports.web}/socket`, { headers: { host: 'ws.test' } });
  t.after(() => client.terminate());
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return client;
}

/** Sends `count` messages one after the other and collects the echoes. */
async function echoMany(client: WebSocket, count: number): Promise<string[]> {
  const replies: string[] = [];
  const done = new Promise<void>((resolve) =>
    client.on('message', (data) => {
      replies.push(data.toString());
      if (replies.length === count) resolve();
    }),
  );
  for (let i = 0; i < count; i++) client.send(`message ${i}`);
  await done;
  return replies;
}

describe('WebSocket through Junction', () => {
  it('echoes 1,000 messages in order', async (t) => {
    const server = await startEchoServer(t);
    const client = await open(t, await junctionTo(t, server.url));

    const replies = await echoMany(client, 1000);

    assert.deepEqual(replies, Array.from({ length: 1000 }, (_, i) => `echo: message ${i}`));
  });

  it('passes the server’s close code and reason, and its last message before them', async (t) => {
    const server = await startEchoServer(t);
    const client = await open(t, await junctionTo(t, server.url));
    const messages: string[] = [];
    client.on('message', (data) => messages.push(data.toString()));
    const closed = once(client, 'close');

    client.send('close:4001:server says bye');
    const [code, reason] = (await closed) as [number, Buffer];

    assert.deepEqual(messages, ['last words']);
    assert.equal(code, 4001);
    assert.equal(reason.toString(), 'server says bye');
  });

  it('passes the client’s close code and reason to the server', async (t) => {
    const server = await startEchoServer(t);
    const client = await open(t, await junctionTo(t, server.url));

    client.close(4002, 'client says bye');
    await once(client, 'close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 50 && server.closes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));

    assert.deepEqual(server.closes, [{ code: 4002, reason: 'client says bye' }]);
  });

  it('reaches a TLS server over HTTP/1.1 even when the transport allows HTTP/2', async (t) => {
    const certificate = await selfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const server = await startEchoServer(t, certificate);
    const client = await open(t, await junctionTo(t, server.url));

    assert.deepEqual(await echoMany(client, 10), Array.from({ length: 10 }, (_, i) => `echo: message ${i}`));
  });
});
