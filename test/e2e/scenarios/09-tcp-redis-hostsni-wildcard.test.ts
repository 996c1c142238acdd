import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { peerPath, runPeer, skipUnlessPeer } from '../../support/peers.js';
import { freePort } from '../../support/ports.js';
import { startScenario } from '../../support/scenario.js';
import { tcpExchange } from '../../support/tcp-peers.js';
import { until } from '../../support/until.js';

const scenario = '09-tcp-redis-hostsni-wildcard';

describe('scenario 09: Redis through HostSNI(`*`) on entry point redis', () => {
  it('answers PING, SET and GET from the real Redis, one backend connection per client', { skip: skipUnlessPeer('redis-server', 'apt-get install redis-server') }, async (t) => {
    const redisPort = await freePort();
    const redis = spawn(peerPath('redis-server'), ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    t.after(() => {
      redis.kill();
    });
    await until(async () => (await tcpExchange(redisPort, 'PING\r\n', { idleMs: 200 }).catch(() => '')).includes('PONG'), { timeoutMs: 10_000 });
    const run = await startScenario(t, scenario, { ports: { redis5: redisPort } });
    const port = String(run.junction.ports.redis);

    assert.equal(runPeer('redis-cli', ['-h', '127.0.0.1', '-p', port, 'PING']).trim(), 'PONG');
    assert.equal(runPeer('redis-cli', ['-h', '127.0.0.1', '-p', port, 'SET', 'k', 'v']).trim(), 'OK');
    assert.equal(runPeer('redis-cli', ['-h', '127.0.0.1', '-p', port, 'GET', 'k']).trim(), 'v');
    const ids = await tcpExchange(run.junction.ports.redis!, 'CLIENT ID\r\nCLIENT ID\r\n', { idleMs: 500 });
    const [first, second] = ids.split('\r\n').filter((line) => line.startsWith(':'));
    assert.equal(first, second);
    assert.equal(await tcpExchange(run.junction.ports.redis!, 'PING\r\n', { idleMs: 500 }), '+PONG\r\n');
  });

  it('forwards at once for server-first protocols, and closes without data when the backend is down', async (t) => {
    const greeter = createServer((socket) => socket.end('hello\n'));
    await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.1', resolve));
    t.after(() => greeter.close());
    const greeterPort = (greeter.address() as AddressInfo).port;
    const run = await startScenario(t, scenario, { ports: { redis5: greeterPort } });

    assert.equal(await tcpExchange(run.junction.ports.redis!, undefined), 'hello\n');

    await new Promise<void>((resolve) => greeter.close(() => resolve()));
    assert.equal(await tcpExchange(run.junction.ports.redis!, 'PING\r\n', { idleMs: 1000 }).catch(() => ''), '');
  });
});
