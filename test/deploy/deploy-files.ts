import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../support/kubernetes/api-server.js';
import type { JsonSchema } from './structural-schema.js';

/** The repository's root (tests run from dist/test/deploy; deploy/ and the Dockerfile stay in the source tree). */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A path under the repository's root. */
export const inRepository = (...parts: string[]): string => join(repositoryRoot, ...parts);

/** The objects of a multi-document YAML file under the repository, empty documents left out. */
export function readManifests(relativePath: string): KubeObject[] {
  const documents = parseAllDocuments(readFileSync(inRepository(relativePath), 'utf8'));
  for (const document of documents) if (document.errors.length > 0) throw new Error(`${relativePath}: ${document.errors[0]!.message}`);
  return documents.map((document) => document.toJS() as KubeObject | null).filter((object): object is KubeObject => object !== null);
}

/** The YAML files of a folder under the repository, as paths relative to the root, sorted. */
export function yamlFilesIn(relativeDirectory: string): string[] {
  return readdirSync(inRepository(relativeDirectory)).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join(relativeDirectory, name));
}

/** One object of a list by kind and name; throws when it is not there. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** A CustomResourceDefinition as deploy/crds holds it. */
export interface CustomResourceDefinition extends KubeObject {
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: JsonSchema } }>;
  };
}

/** The generator of deploy/crds (plain JavaScript, run by `node deploy/generate.mjs`). */
export interface CrdGenerator {
  generatedFiles(): Array<{ path: string; text: string }>;
  readonly crdDirectories: readonly string[];
}

export async function loadCrdGenerator(): Promise<CrdGenerator> {
  return (await import(new URL('../../../deploy/generate.mjs', import.meta.url).href)) as CrdGenerator;
}

/** Container and pod facts of the Deployment (or DaemonSet) a manifest list holds. */
export interface PodTemplate {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  volumes?: Array<{ name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string } }>;
  containers: Array<{
    name: string;
    image: string;
    args?: string[];
    ports?: Array<{ name: string; containerPort: number; hostPort?: number; protocol?: string }>;
    readinessProbe?: { httpGet?: { path: string; port: string | number } };
    livenessProbe?: { httpGet?: { path: string; port: string | number } };
    resources?: Record<string, unknown>;
    securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
    volumeMounts?: Array<{ name: string; mountPath: string }>;
    env?: Array<Record<string, unknown>>;
    envFrom?: Array<Record<string, unknown>>;
  }>;
}

export function podTemplateOf(workload: KubeObject): PodTemplate {
  return ((workload['spec'] as { template: { spec: PodTemplate } }).template.spec);
}
