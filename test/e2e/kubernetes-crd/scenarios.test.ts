import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readScenario } from '../../support/scenario.js';

/**
 * The acceptance scenarios in Kubernetes mode: each scenario's own test file runs again, unchanged, with
 * JUNCTION_SCENARIO_PROVIDER=kubernetescrd, so that its crd.yaml is applied to a test API server and Junction
 * reads it with the CRD provider (test/support/scenario.ts). Checks that edit the file-mode dynamic
 * configuration skip themselves there. Each scenario runs with its manifests as written (mostly the legacy
 * traefik.containo.us group) and with every Traefik object moved to the other group.
 *
 * The mesh scenarios 17, 18 and 19 hold plain annotated Services: their tests have them read by the mesh provider
 * (`providers.kubernetesMesh`) instead of the CRD provider.
 *
 * Not here: the Ingress scenarios 20-24, 28 and 47's solver Ingress (the Ingress provider's); 41 and 42
 * (test/e2e/kubernetes-crd/multi-controller.test.ts).
 */
const scenarios = [
  '01-path-and-strip-prefix',
  '02-ratelimit-average-burst',
  '03-ratelimit-period',
  '04-custom-response-and-cors-headers',
  '05-tls-secret-sni',
  '06-redirect-scheme-with-port',
  '07-middleware-chain',
  '08-weighted-traefikservice',
  '09-tcp-redis-hostsni-wildcard',
  '10-grpc-h2c-and-gateway',
  '11-grpc-over-tls',
  '12-forwardauth-token-check',
  '13-forwardauth-auth-response-headers',
  '14-circuit-breaker-latency',
  '15-circuit-breaker-network-error-ratio',
  '16-circuit-breaker-response-code-ratio',
  '17-mesh-ratelimit-annotations',
  '18-mesh-grpc-circuit-breaker',
  '19-mesh-naming-forwarded-and-trace-headers',
  '25-dashboard-insecure-admin-port',
  '26-helm-cli-static-flags',
  '27-dashboard-api-internal',
  '29-externalname-services',
  '30-ingressroute-http-and-tls-secret',
  '31-acme-dns-challenge-wildcard',
  '32-redirect-scheme-https',
  '33-cross-namespace-service-and-middleware',
  '34-rule-or-multiple-prefixes',
  '35-plugin-demo-headers',
  '36-canary-weighted-3-1',
  '37-traffic-mirroring',
  '38-tcp-mongo-hostsni-wildcard',
  '39-tcp-tls-termination-sni',
  '40-udp-router',
  '43-access-logs',
  '44-prometheus-metrics-labels',
  '45-seed004-static-config-dashboard',
  '46-seed004-host-routing-request-header',
  '47-seed004-cert-manager-tls-secret',
];

const scenarioTests = fileURLToPath(new URL('../scenarios/', import.meta.url));

function runScenarioFile(name: string, group: string): Promise<{ code: number | null; output: string }> {
  // The runner's own NODE_TEST_CONTEXT would make the inner runner report to this one instead of running.
  const { NODE_TEST_CONTEXT: _runnerContext, ...env } = process.env;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', `${scenarioTests}${name}.test.js`], {
      env: { ...env, JUNCTION_SCENARIO_PROVIDER: 'kubernetescrd', JUNCTION_SCENARIO_CRD_GROUP: group },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * The runs of a scenario: as written, and with its Traefik objects in the other API group (a scenario written in
 * traefik.io runs again in the legacy group); once when its manifests hold no Traefik object.
 */
function groupsOf(name: string): string[] {
  const groups = new Set([...readScenario(name).crd.matchAll(/^apiVersion: (traefik\.io|traefik\.containo\.us)\//gm)].map((match) => match[1]!));
  if (groups.size === 0) return ['as-written'];
  return ['as-written', groups.has('traefik.containo.us') ? 'traefik.io' : 'traefik.containo.us'];
}

describe('scenarios in Kubernetes mode (crd.yaml through the CRD provider, or the mesh provider for 17-19)', () => {
  for (const name of scenarios) {
    for (const group of groupsOf(name)) {
      it(`passes scenario ${name} with its Traefik objects ${group === 'as-written' ? 'as written' : `in ${group}`}`, { timeout: 300_000 }, async () => {
        const { code, output } = await runScenarioFile(name, group);
        assert.equal(code, 0, output);
        assert.match(output, /^ℹ pass [1-9]\d*$/m, 'the scenario checks ran');
      });
    }
  }
});
