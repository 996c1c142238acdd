import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimpleResponse } from '../../support/http.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';

const host = 'tk2.jtthink.com';
/** A Go `time.Duration` as `String()` writes it. */
const goDuration = /^(\d+h)?(\d+m)?\d+(\.\d+)?(s|ms|µs|ns)$/;

/** Sends one GET with the scenario's Host from a chosen local address (the whole 127/8 block is loopback on Linux). */
function sendFrom(run: ScenarioRun, localAddress: string): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(`${run.junction.url('web')}/`, { localAddress, agent: false, headers: { host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    call.on('error', reject);
    call.end();
  });
}

/**
 * Waits for the start of the next wall-clock second. Traefik forgets a bucket idle for its TTL counted in whole
 * Unix seconds (2 for this rate), so a step that pauses 1.1s must not start late in a second.
 */
async function startOfNextSecond(): Promise<void> {
  await delay(1000 - (Date.now() % 1000));
}

describe('scenario 02: rateLimit average 1, burst 5', () => {
  let run: ScenarioRun;
  /** When each request reached the backend. */
  const arrivals: number[] = [];
  const myngx: UpstreamHandler = (request, response) => {
    arrivals.push(Date.now());
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(whoamiText('myngx', request));
  };
  const burst: SimpleResponse[] = [];
  /** When the first request left: its token is the first one the bucket refills, so later steps count from it. */
  let burstSentAt = 0;

  before(async () => {
    run = await startScenario(undefined, '02-ratelimit-average-burst', { handlers: { myngx } });
  });
  after(() => run?.close());

  it('answers 10 back-to-back requests with 200 five times, then 429 five times; the backend receives 5', async () => {
    // One request from a client of its own first, so that the burst does not pay for a cold start: the ten
    // requests must all go out within the second before the bucket refills a token.
    assert.equal((await sendFrom(run, '127.0.0.9')).status, 200);
    const servedBefore = run.backend('myngx').requests.length;
    await startOfNextSecond();
    burstSentAt = Date.now();
    for (let i = 0; i < 10; i++) burst.push(await run.send('web', '/', { host }));
    const burstMs = Date.now() - burstSentAt;

    assert.deepEqual(burst.map((response) => response.status), [200, 200, 200, 200, 200, 429, 429, 429, 429, 429], `the 10 requests took ${burstMs}ms`);
    assert.equal(run.backend('myngx').requests.length - servedBefore, 5);
    assert.ok(burstMs < 1000, `the 10 requests took ${burstMs}ms, long enough for a token to refill`);
  });

  it('answers each 429 with the body "Too Many Requests", Retry-After: 1 and an X-Retry-In Go duration', () => {
    for (const refused of burst.slice(5)) {
      assert.equal(refused.body, 'Too Many Requests');
      assert.equal(refused.headers['retry-after'], '1');
      assert.match(String(refused.headers['x-retry-in']), goDuration);
    }
  });

  it('serves one request 1.1s later, and refuses an immediate second one', async () => {
    // The README's ten requests go out at once; here they take some milliseconds, during which the bucket
    // already refills, so the 1.1s are counted from the first of them.
    await delay(burstSentAt + 1100 - Date.now());

    const served = await run.send('web', '/', { host });
    const refused = await run.send('web', '/', { host });

    assert.equal(served.status, 200);
    assert.equal(refused.status, 429);
  });

  it('holds a request sent 0.6s after its bucket emptied, and the backend receives it about 0.4s later', async () => {
    // A client of its own starts with a full bucket: five requests empty it. The bucket refills from the first
    // token taken, so the 0.6s are counted from the first request. A machine busy with other work can add
    // hundreds of milliseconds to one exchange, so up to three clients try; a hold that waits for a whole
    // token (1s) instead of the rest of one never lands in the window.
    const heldFor: number[] = [];
    for (const client of ['127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      const firstSentAt = Date.now();
      for (let i = 0; i < 5; i++) assert.equal((await sendFrom(run, client)).status, 200);
      await delay(firstSentAt + 600 - Date.now());
      const sentAt = Date.now();

      const held = await sendFrom(run, client);

      assert.equal(held.status, 200);
      heldFor.push(arrivals[arrivals.length - 1]! - sentAt);
      if (heldFor.at(-1)! >= 250 && heldFor.at(-1)! <= 600) return;
    }
    assert.fail(`the held request reached the backend ${heldFor.join(', ')}ms after it was sent`);
  });

  it('gives a second client IP its own full bucket of 5', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await sendFrom(run, '127.0.0.2')).status);

    assert.deepEqual(answers, [200, 200, 200, 200, 200, 429]);
  });
});
