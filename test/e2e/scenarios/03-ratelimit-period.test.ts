import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimpleResponse } from '../../support/http.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';

const host = 'tk2.jtthink.com';
/** A Go `time.Duration` as `String()` writes it. */
const goDuration = /^(\d+h)?(\d+m)?\d+(\.\d+)?(s|ms|µs|ns)$/;

describe('scenario 03: rateLimit with a period, 1 request per 3s, burst 10', () => {
  let run: ScenarioRun;
  /** When each request reached the backend. */
  const arrivals: number[] = [];
  const myngx: UpstreamHandler = (request, response) => {
    arrivals.push(Date.now());
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(whoamiText('myngx', request));
  };
  /** When the answer to the 10th request came back: Junction took its token before. */
  let tenthAnsweredAt = 0;
  /** When the first request left: its token is the first one the bucket refills, so later steps count from it. */
  let firstSentAt = 0;

  before(async () => {
    run = await startScenario(undefined, '03-ratelimit-period', { handlers: { myngx } });
  });
  after(() => run?.close());

  it('answers 11 back-to-back requests with 200 ten times, then 429 with "Too Many Requests", Retry-After: 3 and X-Retry-In', async () => {
    const answers: SimpleResponse[] = [];
    firstSentAt = Date.now();
    for (let i = 0; i < 11; i++) {
      answers.push(await run.send('web', '/', { host }));
      if (i === 9) tenthAnsweredAt = Date.now();
    }

    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429]);
    const refused = answers[10]!;
    assert.equal(refused.body, 'Too Many Requests');
    assert.equal(refused.headers['retry-after'], '3');
    assert.match(String(refused.headers['x-retry-in']), goDuration);
  });

  it('refuses a request 1s after the 10th with Retry-After: 2', async () => {
    await delay(tenthAnsweredAt + 1050 - Date.now());

    const refused = await run.send('web', '/', { host });

    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '2');
  });

  it('holds a request sent 2.6s after the 10th for about 0.4s, then serves it', async () => {
    // The README's ten requests go out at once; here they take some milliseconds, during which the bucket
    // already refills, so the 2.6s are counted from the first of them.
    await delay(firstSentAt + 2620 - Date.now());
    const sentAt = Date.now();

    const held = await run.send('web', '/', { host });
    const heldFor = arrivals[arrivals.length - 1]! - sentAt;

    assert.equal(held.status, 200);
    // Held for the rest of a token (about 0.4s), not for a whole one (3s); the upper bound leaves room for a
    // machine busy with other work.
    assert.ok(heldFor >= 250 && heldFor <= 1500, `reached the backend ${heldFor}ms after it was sent`);
  });

  it('refuses the request right after it', async () => {
    assert.equal((await run.send('web', '/', { host })).status, 429);
  });

  it('serves 10 in a row again after 30s without traffic', async () => {
    await delay(30_000);

    const answers: number[] = [];
    for (let i = 0; i < 10; i++) answers.push((await run.send('web', '/', { host })).status);

    assert.deepEqual(answers, new Array(10).fill(200));
  });
});
