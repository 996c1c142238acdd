import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The acceptance scenarios whose crd.yaml holds Ingresses, in Kubernetes mode: each scenario's own test file runs
 * again with JUNCTION_SCENARIO_PROVIDER=kubernetescrd, so that its manifests are applied to a test API server and
 * Junction reads them with the Ingress provider beside the CRD provider (test/support/scenario.ts). The seeds'
 * extensions/v1beta1 Ingresses are applied in the networking.k8s.io/v1 form their READMEs give (Traefik v3 reads no
 * other): see test/support/kubernetes/legacy-ingress.ts. Scenario 21's `service-weights` annotation is kept as
 * written: the Ingress provider reads it as an extension kept from Traefik 1.x.
 *
 * Not here: 24 (hot registration: scenario-24-registration.test.ts) and 47 (the solver Ingress:
 * scenario-47-solver-ingress.test.ts), whose Kubernetes-mode steps differ from the file-mode ones.
 */
const scenarios = [
  '20-v1-ingress-path-prefix-strip',
  '21-v1-ingress-service-weights',
  '22-v1-ingress-longest-path',
  '23-v1-ingress-priority-annotation',
  '28-ingress-class-name',
];

const scenarioTests = fileURLToPath(new URL('../scenarios/', import.meta.url));

function runScenarioFile(name: string): Promise<{ code: number | null; output: string }> {
  // The runner's own NODE_TEST_CONTEXT would make the inner runner report to this one instead of running.
  const { NODE_TEST_CONTEXT: _runnerContext, ...env } = process.env;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', `${scenarioTests}${name}.test.js`], {
      env: { ...env, JUNCTION_SCENARIO_PROVIDER: 'kubernetescrd' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('Ingress scenarios in Kubernetes mode (crd.yaml through the Ingress provider)', () => {
  for (const name of scenarios) {
    it(`passes scenario ${name}`, { timeout: 300_000 }, async () => {
      const { code, output } = await runScenarioFile(name);
      assert.equal(code, 0, output);
      assert.match(output, /^ℹ pass [1-9]\d*$/m, 'the scenario checks ran');
      assert.match(output, /^ℹ skipped 0$/m, 'every check ran in Kubernetes mode');
    });
  }
});
