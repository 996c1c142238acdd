import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

const scenario = '08-weighted-traefikservice';
const host = 'tk2.jtthink.com';

describe('scenario 08: weighted round robin TraefikService wrr1 (1:2)', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
  });
  after(() => run?.close());

  const answers = async (count: number): Promise<string[]> => {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await run.send('web', '/', { host });
      names.push(response.status === 200 ? response.echo.hostname! : String(response.status));
    }
    return names;
  };

  it('steps 1 and 2: 30 requests, 10 to ngx1-svc and 20 to ngx2-svc, one ngx1-svc in every three', async () => {
    const names = await answers(30);

    assert.equal(names.filter((name) => name === 'ngx1-svc').length, 10);
    assert.equal(names.filter((name) => name === 'ngx2-svc').length, 20);
    for (let block = 0; block < 30; block += 3) assert.equal(names.slice(block, block + 3).filter((name) => name === 'ngx1-svc').length, 1, `block ${block / 3 + 1}: ${names.slice(block, block + 3).join(', ')}`);
  });

  it('step 3: with ngx1-svc stopped, its share gets 502 (no health check takes it out) and ngx2-svc answers the rest', async () => {
    await run.backend('ngx1-svc').close();

    const names = await answers(30);

    assert.equal(names.filter((name) => name === '502').length, 10);
    assert.equal(names.filter((name) => name === 'ngx2-svc').length, 20);
  });
});
