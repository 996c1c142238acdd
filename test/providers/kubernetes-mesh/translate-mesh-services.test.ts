import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { decodeDynamicConfig } from '../../../src/config/dynamic/dynamic-config.js';
import { snapshotOf } from '../../../src/providers/kubernetes/cluster-snapshot.js';
import { PortTable } from '../../../src/providers/kubernetes-mesh/port-table.js';
import { firstMeshPort, translateMeshServices, type MeshTranslationOptions } from '../../../src/providers/kubernetes-mesh/translate-services.js';
import { parseManifests } from '../../support/kubernetes/api-server.js';

/** Source folder of the cases (tests run from dist/, fixtures stay in test/). */
const fixtures = fileURLToPath(new URL('../../../../test/providers/kubernetes-mesh/', import.meta.url));
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

interface CaseOptions extends MeshTranslationOptions {
  readonly limitTCPPort: number;
  readonly limitUDPPort: number;
}

const defaults: CaseOptions = { defaultMode: 'http', ignoreNamespaces: [], limitHTTPPort: 10, limitTCPPort: 25, limitUDPPort: 25 };

function read(folder: string, file: string): string | undefined {
  const path = `${fixtures}${folder}/${file}`;
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function tablesFor(options: CaseOptions) {
  return { tcp: new PortTable(firstMeshPort.tcp, options.limitTCPPort), udp: new PortTable(firstMeshPort.udp, options.limitUDPPort) };
}

describe('translateMeshServices', () => {
  for (const folder of cases) {
    it(`translates ${folder.replaceAll('-', ' ')} as in ${folder}/expected.yml`, () => {
      const options = { ...defaults, ...(parse(read(folder, 'options.yml') ?? '{}') as Partial<CaseOptions>) };
      const snapshot = snapshotOf(parseManifests(read(folder, 'input.yml') ?? '') as KubernetesObject[]);

      const { config, errors, rejectedRouters } = translateMeshServices(snapshot, options, tablesFor(options));
      const decoded = decodeDynamicConfig(config);

      const actual = stringify({ config, errors: errors.map((error) => error.message), rejectedRouters: rejectedRouters ?? [] }, { lineWidth: 0 });
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(`${fixtures}${folder}/expected.yml`, actual);
      assert.equal(actual, read(folder, 'expected.yml'));
      assert.deepEqual(decoded.errors.map((error) => error.message), []);
    });
  }

  it('keeps a TCP Service port on its proxy port when Services before it come and go', () => {
    const tcpService = (name: string): KubernetesObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'data', annotations: { 'mesh.traefik.io/traffic-type': 'tcp' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ port: 6379 }] },
    } as KubernetesObject);
    const tables = tablesFor(defaults);
    const entryPointOf = (objects: KubernetesObject[], router: string): unknown => {
      const { config } = translateMeshServices(snapshotOf(objects), defaults, tables);
      return ((config['tcp'] as { routers: Record<string, { entryPoints: string[] }> }).routers[router])?.entryPoints;
    };

    assert.deepEqual(entryPointOf([tcpService('redis')], 'data-redis-6379'), ['tcp-10000']);
    assert.deepEqual(entryPointOf([tcpService('cache'), tcpService('redis')], 'data-cache-6379'), ['tcp-10001']);
    assert.deepEqual(entryPointOf([tcpService('cache'), tcpService('redis')], 'data-redis-6379'), ['tcp-10000']);
    assert.deepEqual(entryPointOf([tcpService('cache')], 'data-cache-6379'), ['tcp-10001']);
    assert.deepEqual(entryPointOf([tcpService('cache'), tcpService('queue')], 'data-queue-6379'), ['tcp-10000']);
  });
});
