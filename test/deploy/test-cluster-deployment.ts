import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { KubernetesApiServer, type KubeObject } from '../support/kubernetes/api-server.js';
import { endpointSliceFor } from '../support/kubernetes/cluster-scenario.js';
import { junctionBin } from '../support/junction.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { findObject, podTemplateOf, readManifests, yamlFilesIn } from './deploy-files.js';
import { onFreePorts, startJunctionCommand, type JunctionCommand } from './junction-command.js';

/** The address the cloud gave the junction/junction LoadBalancer Service in the test cluster. */
export const loadBalancerIp = '203.0.113.10';

export interface TestClusterDeployment {
  readonly cluster: KubernetesApiServer;
  readonly junction: JunctionCommand;
  /** The backend playing the whoami Deployment of deploy/examples. */
  readonly whoami: Upstream;
  readonly examples: readonly KubeObject[];
}

export interface DeployOptions {
  /** The `junction` script to run (default: the build under test). */
  readonly bin?: string;
  /** Working directory and environment of the process (default: a fresh directory that is also HOME). */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Junction's arguments (default: those of deploy/junction.yaml's Deployment). */
  readonly args?: readonly string[];
}

/**
 * What `kubectl apply -f deploy/junction.yaml -f deploy/examples/` gives, on the test API server: the Service
 * (with a load balancer address) and IngressClass of deploy/junction.yaml, every example object, and Junction
 * running with the Deployment's own arguments — only the ports moved to free ones on the loopback address and
 * the providers pointed at the test server instead of the in-cluster service account.
 */
export async function deployInTestCluster(t: TestContext, options: DeployOptions = {}): Promise<TestClusterDeployment> {
  const cluster = await KubernetesApiServer.start();
  t.after(() => cluster.close());
  const whoami = await startUpstream(t, { name: 'whoami' });

  const deployment = readManifests('deploy/junction.yaml');
  const service = findObject(deployment, 'Service', 'junction');
  cluster.apply([{ ...service, status: { loadBalancer: { ingress: [{ ip: loadBalancerIp }] } } }, findObject(deployment, 'IngressClass', 'traefik')]);
  const examples = yamlFilesIn('deploy/examples').flatMap((file) => readManifests(file));
  cluster.apply(examples);
  cluster.apply(endpointSliceFor(findObject(examples, 'Service', 'whoami'), whoami));

  const container = podTemplateOf(findObject(deployment, 'Deployment', 'junction')).containers[0]!;
  const { args, ports } = await onFreePorts(options.args ?? container.args ?? []);
  const directory = await mkdtemp(join(tmpdir(), 'junction-deploy-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const junction = await startJunctionCommand(t, options.bin ?? junctionBin, [
    ...args,
    `--providers.kubernetesCRD.endpoint=${cluster.url}`,
    `--providers.kubernetesIngress.endpoint=${cluster.url}`,
  ], { cwd: options.cwd ?? directory, env: options.env ?? { PATH: process.env['PATH'] ?? '', HOME: directory }, ports, ...(options.user === undefined ? {} : { user: options.user }) });
  return { cluster, junction, whoami, examples };
}
