import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

interface Case {
  readonly description: string;
  readonly path: string;
  readonly backend: string;
  readonly backendPath: string;
  readonly prefix?: string;
}

const cases: Case[] = [
  {
    description: 'the longer rule is tried first: /cheddar/wensleydale/xxx is answered by wensleydale with path /xxx and X-Forwarded-Prefix: /cheddar/wensleydale',
    path: '/cheddar/wensleydale/xxx',
    backend: 'wensleydale',
    backendPath: '/xxx',
    prefix: '/cheddar/wensleydale',
  },
  { description: '/cheddar/xxx is answered by cheddar with path /xxx', path: '/cheddar/xxx', backend: 'cheddar', backendPath: '/xxx' },
  { description: '/cheddar is answered by cheddar with path /', path: '/cheddar', backend: 'cheddar', backendPath: '/' },
  { description: '/cheddar/wensleydale is answered by wensleydale with path /', path: '/cheddar/wensleydale', backend: 'wensleydale', backendPath: '/' },
];

describe('scenario 22: the longest rule wins by default (two Ingresses, nested prefixes)', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '22-v1-ingress-longest-path');
  });
  after(() => run?.close());

  for (const { description, path, backend, backendPath, prefix } of cases) {
    it(description, async () => {
      const response = await run.send('web', path, { host: 'cheeses.minikube' });

      assert.equal(response.status, 200);
      assert.equal(response.echo.hostname, backend);
      assert.equal(response.echo.target, backendPath);
      if (prefix !== undefined) assert.equal(response.echo.header('X-Forwarded-Prefix'), prefix);
    });
  }
});
