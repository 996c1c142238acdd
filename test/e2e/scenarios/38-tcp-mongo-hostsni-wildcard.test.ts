import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startScenario } from '../../support/scenario.js';
import { startTcpEcho, tcpExchange } from '../../support/tcp-peers.js';

const scenario = '38-tcp-mongo-hostsni-wildcard';

describe('scenario 38: MongoDB bytes relayed on entry point mongo', () => {
  it('relays raw bytes, even an HTTP request, to the server on mongo, and keeps web for HTTP', async (t) => {
    const mongo = await startTcpEcho(t, { name: 'mongo' });
    const run = await startScenario(t, scenario, { ports: { 'mongo-traefik': mongo.port } });

    const binary = Buffer.from([0x3a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xd4, 0x07]);
    assert.equal(await tcpExchange(run.junction.ports.mongo!, binary, { end: true }), `mongo:${binary.toString('latin1')}mongo bye`);
    assert.equal(await tcpExchange(run.junction.ports.mongo!, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { end: true }), 'mongo:GET / HTTP/1.1\r\nHost: x\r\n\r\nmongo bye');
    assert.match(await tcpExchange(run.junction.ports.web!, binary, { idleMs: 1000 }), /^HTTP\/1\.1 400 Bad Request/);
  });
});
