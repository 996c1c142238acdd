import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { traefikKinds } from '../../src/providers/kubernetes/cluster-snapshot.js';
import { traefikGroups } from '../../src/providers/kubernetes-crd/resources.js';
import { inRepository, loadCrdGenerator, readManifests, yamlFilesIn, type CustomResourceDefinition } from './deploy-files.js';
import { structuralFaults, valueFaults, type JsonSchema } from './structural-schema.js';

const crdsOf = (group: string): CustomResourceDefinition[] => readManifests(`deploy/crds/${group}.yaml`) as CustomResourceDefinition[];

type Manifest = Record<string, unknown> & { apiVersion: string; kind: string };

/** Traefik's objects in manifests that must pass the CRDs: the scenarios' cluster manifests and deploy/examples. */
function traefikManifests(): Array<{ file: string; object: Manifest }> {
  const scenarios = inRepository('test/fixtures/scenarios');
  const files = [
    ...readdirSync(scenarios).map((name) => join('test/fixtures/scenarios', name, 'crd.yaml')).filter((file) => existsSync(inRepository(file))),
    ...yamlFilesIn('deploy/examples'),
  ];
  return files.flatMap((file) => {
    // Placeholders stand for ports, certificates and keys the tests fill in; any value of their type will do.
    const text = readFileSync(inRepository(file), 'utf8').replace(/\{\{PORT_[A-Za-z0-9_-]+\}\}/g, '8080').replace(/\{\{[A-Za-z0-9_-]+\}\}/g, 'placeholder');
    return parseAllDocuments(text).map((document) => document.toJS() as Manifest | null).filter((object): object is Manifest => object !== null).map((object) => ({ file, object }));
  }).filter(({ object }) => traefikGroups.some((group) => object.apiVersion === `${group}/v1alpha1`));
}

describe('deploy/crds: the CustomResourceDefinitions of both API groups', () => {
  it('are exactly what deploy/generate.mjs writes from deploy/crd-schemas.mjs, in deploy/crds and in the Helm chart', async () => {
    const generator = await loadCrdGenerator();
    const files = generator.generatedFiles();

    assert.deepEqual(files.map((file) => file.path).sort(), ['crds/traefik.containo.us.yaml', 'crds/traefik.io.yaml', 'helm/junction/crds/traefik.containo.us.yaml', 'helm/junction/crds/traefik.io.yaml']);
    for (const file of files) assert.equal(readFileSync(inRepository('deploy', file.path), 'utf8'), file.text, `deploy/${file.path} is stale: run node deploy/generate.mjs`);
  });

  for (const group of traefikGroups) {
    it(`define in ${group} every kind the CRD provider watches, with Traefik's names and scope`, () => {
      const watched = Object.values(traefikKinds(group)).map((kind) => ({ name: `${kind.plural}.${group}`, group, kind: kind.kind, plural: kind.plural, version: kind.version, scope: kind.namespaced ? 'Namespaced' : 'Cluster' }));
      const defined = crdsOf(group).map((crd) => ({
        name: crd.metadata.name,
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        version: crd.spec.versions.map((version) => version.name).join(),
        scope: crd.spec.scope,
      }));

      assert.deepEqual(defined, watched);
      for (const crd of crdsOf(group)) {
        assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
        assert.equal(crd.spec.names.singular, crd.spec.names.kind.toLowerCase());
        assert.equal(crd.spec.names.listKind, `${crd.spec.names.kind}List`);
        assert.equal(crd.spec.names.shortNames, undefined);
        assert.deepEqual(crd.spec.versions.map((version) => [version.served, version.storage]), [[true, true]]);
      }
    });

    it(`have structural schemas in ${group}, spec and metadata required`, () => {
      for (const crd of crdsOf(group)) {
        const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
        assert.deepEqual(structuralFaults(schema, crd.metadata.name), []);
        assert.deepEqual(schema.required, ['metadata', 'spec']);
      }
    });
  }

  it('describe the two groups identically', () => {
    const [current, legacy] = traefikGroups.map((group) => crdsOf(group).map((crd) => ({ names: crd.spec.names, scope: crd.spec.scope, versions: crd.spec.versions })));
    assert.deepEqual(legacy, current);
  });

  it('accept every Traefik object of the scenarios and the examples as written: nothing refused, nothing pruned', () => {
    const manifests = traefikManifests();
    const schemas = new Map<string, JsonSchema>(traefikGroups.flatMap((group) => crdsOf(group).map((crd) => [`${group}/v1alpha1/${crd.spec.names.kind}`, crd.spec.versions[0]!.schema.openAPIV3Schema] as const)));

    assert.ok(manifests.length > 40, `only ${manifests.length} Traefik objects found`);
    const faults = manifests.flatMap(({ file, object }) => {
      const schema = schemas.get(`${object.apiVersion}/${object.kind}`);
      if (schema === undefined) return [`${file}: no CRD for ${object.apiVersion} ${object.kind}`];
      const { apiVersion: _apiVersion, kind: _kind, metadata: _metadata, ...rest } = object;
      return valueFaults({ metadata: {}, ...rest }, schema, `${file} ${object.kind}`).map((fault) => `${fault.path}: ${fault.reason}`);
    });
    assert.deepEqual(faults, []);
  });

  it('refuse what the API server would refuse: a wrong type, a value outside an enum, a missing port', () => {
    const ingressRoute = crdsOf('traefik.io').find((crd) => crd.spec.names.kind === 'IngressRouteTCP')!.spec.versions[0]!.schema.openAPIV3Schema;
    const faults = valueFaults({
      metadata: {},
      spec: { routes: [{ match: 'HostSNI(`*`)', priority: 'high', syntax: 'v4', services: [{ name: 'redis' }] }] },
    }, ingressRoute, 'IngressRouteTCP');

    assert.deepEqual(faults, [
      { path: 'IngressRouteTCP.spec.routes[0].priority', reason: 'expected an integer, got "high"' },
      { path: 'IngressRouteTCP.spec.routes[0].syntax', reason: '"v4" is not one of v3, v2' },
      { path: 'IngressRouteTCP.spec.routes[0].services[0]', reason: 'required field port is missing' },
    ]);
  });
});
