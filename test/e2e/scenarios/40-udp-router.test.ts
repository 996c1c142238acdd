import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { peerPath, skipUnlessPeer } from '../../support/peers.js';
import { replicaHost, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { startUdpBackend, udpClient, type UdpBackend } from '../../support/udp.js';
import { until } from '../../support/until.js';


/** `echo "<text>" | socat - udp4-datagram:127.0.0.1:<port>`, as the README's user runs it; resolves with what socat printed. */
function socatEcho(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(peerPath('socat'), ['-t', '2', '-', `udp4-datagram:127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(output));
    child.stdin.end(`${text}\n`);
  });
}

for (const args of [[], ['--workers=2']]) {
  describe(`scenario 40: UDP router with sessions, round robin over two replicas, TCP and UDP on one port${args.length > 0 ? ` (${args.join(' ')})` : ''}`, () => {
    let run: ScenarioRun;
    let replicas: UdpBackend[];
    let port: number;

    before(async () => {
      const names = ['whoamiudp-1', 'whoamiudp-2'];
      replicas = await Promise.all(names.map((name) => startUdpBackend(undefined, { name, host: replicaHost(name) })));
      run = await startScenario(undefined, '40-udp-router', { ports: Object.fromEntries(replicas.map((replica, index) => [names[index]!, { port: replica.port, host: replicaHost(names[index]!) }])), args });
      port = run.junction.ports.udpep!;
      // With workers the configuration reaches the primary's UDP entryPoint a moment after the workers listen.
      const probe = await udpClient(undefined, port);
      await until(async () => (await probe.request('ready', { timeoutMs: 500 })) !== undefined, { message: 'a first UDP answer' });
      await probe.close();
    });

    after(async () => {
      await run?.close();
      await Promise.all((replicas ?? []).map((replica) => replica.close()));
    });

    it('step 1: "othermessage" comes back as "Received: othermessage" with the trailing newline', async () => {
      const client = await udpClient(undefined, port);
      assert.equal(await client.request('othermessage\n'), 'Received: othermessage\n');
      await client.close();
    });

    it('step 2: "WHO" is answered with the hostname of a replica', async () => {
      const client = await udpClient(undefined, port);
      assert.match((await client.request('WHO\n')) ?? '', /^Hostname: whoamiudp-[12]\n/);
      await client.close();
    });

    it('step 3: successive clients (new source ports) are answered by the replicas in turn', async () => {
      const answers: Array<string | undefined> = [];
      for (let index = 0; index < 4; index++) {
        const client = await udpClient(undefined, port);
        answers.push(await client.who());
        await client.close();
      }
      assert.ok(answers.every((name) => name === 'whoamiudp-1' || name === 'whoamiudp-2'), answers.join(', '));
      assert.notEqual(answers[0], answers[1]);
      assert.deepEqual(answers.slice(2), answers.slice(0, 2));
    });

    it('step 4: every datagram of one session goes to the same replica and the replies come back to that source', async () => {
      const client = await udpClient(undefined, port);
      const names = new Set<string | undefined>();
      for (let index = 0; index < 5; index++) names.add(await client.who());
      assert.equal(names.size, 1);
      assert.equal(await client.request('still here'), 'Received: still here');
      await client.close();
    });

    it('step 5: a session idle for longer than udp.timeout (3 s) is forgotten; the next datagram opens a new one', async () => {
      const client = await udpClient(undefined, port);
      const first = await client.who();
      const replica = replicas.find((candidate) => candidate.name === first)!;
      const sourcesBefore = new Set(replica.received.map((datagram) => datagram.from)).size;
      await delay(4500);
      const second = await client.who();
      assert.notEqual(second, first);
      assert.equal(await client.who(), second);
      assert.equal(new Set(replica.received.map((datagram) => datagram.from)).size, sourcesBefore);
      await client.close();
    });

    it('step 6: the TCP entryPoint web on the same port number answers HTTP with 404 from the empty HTTP router', async () => {
      const response = await get(`http://127.0.0.1:${port}/`);
      assert.equal(response.status, 404);
      assert.equal(response.body, '404 page not found\n');
    });

    it('steps 1 and 2 with socat as the README runs them', { skip: skipUnlessPeer('socat', 'apt-get install socat') }, async () => {
      assert.equal(await socatEcho(port, 'othermessage'), 'Received: othermessage\n');
      assert.match(await socatEcho(port, 'WHO'), /^Hostname: whoamiudp-[12]\n/);
    });
  });
}
