import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '36-canary-weighted-3-1';
const host = 'wrr.qikqiak.com';
const { dynamic, crd } = readScenario(scenario);

describe('scenario 36: canary release with a weighted service (3:1)', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
  });
  after(() => run?.close());

  const answers = async (count: number): Promise<string[]> => {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await run.send('web', '/', { host });
      assert.equal(response.status, 200);
      names.push(response.echo.hostname!);
    }
    return names;
  };

  /** Rewrites the weights and waits until the new ones serve (a whole cycle shows them). */
  const reweigh = async (v1: number, v2: number): Promise<void> => {
    const change = (text: string): string => {
      const changed = text.replace(/name: appv1\n(\s+)weight: 3/, `name: appv1\n$1weight: ${v1}`).replace(/name: appv2\n(\s+)weight: 1/, `name: appv2\n$1weight: ${v2}`);
      assert.notEqual(changed, text);
      return changed;
    };
    const from = run.junction.output().length;
    await run.reconfigure({ dynamic: change(dynamic), crd: change(crd) });
    await run.junction.waitForOutput(/configuration applied/, { from });
  };

  it('step 1: four requests, three to appv1 and one to appv2', async () => {
    const names = await answers(4);

    assert.equal(names.filter((name) => name === 'appv1').length, 3);
    assert.equal(names.filter((name) => name === 'appv2').length, 1);
  });

  it('step 2: 400 more requests, exactly 300 / 100, one appv2 in every four', async () => {
    const names = await answers(400);

    assert.equal(names.filter((name) => name === 'appv1').length, 300);
    for (let block = 0; block < 400; block += 4) assert.equal(names.slice(block, block + 4).filter((name) => name === 'appv2').length, 1);
  });

  it('step 4: weights changed to 1:1 at run time split the next 10 requests 5 / 5', async () => {
    await reweigh(1, 1);

    const names = await answers(10);

    assert.equal(names.filter((name) => name === 'appv1').length, 5);
    assert.equal(names.filter((name) => name === 'appv2').length, 5);
  });

  it('step 5: appv2 at weight 0 gets nothing', async () => {
    await reweigh(1, 0);
    await until(async () => (await answers(2)).every((name) => name === 'appv1'));

    assert.deepEqual(new Set(await answers(20)), new Set(['appv1']));
  });
});
