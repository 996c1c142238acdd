import type { CoordinationV1Api, CoreV1Api, KubeConfig, V1Lease, V1Secret, Watch } from '@kubernetes/client-node';

/** The parts of the official client a Kubernetes store uses, loaded on first use. */
export interface KubernetesApi {
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly watch: Watch;
  /** Now, as a Lease's MicroTime fields must be written (microsecond precision, which Date alone does not give). */
  readonly microTimeNow: () => Date;
}

/**
 * Loads the official client only when a `kubernetes://` store is used (as the Kubernetes providers are loaded
 * only when configured) and connects it as they do: in a pod the service account, else KUBECONFIG.
 */
export async function loadKubernetesApi(config: KubeConfig | undefined, env: NodeJS.ProcessEnv): Promise<KubernetesApi> {
  const client = await import('@kubernetes/client-node');
  let kubeConfig = config;
  if (kubeConfig === undefined) {
    const { clusterClientConfig } = await import('../../providers/kubernetes/cluster-client.js');
    try {
      kubeConfig = clusterClientConfig({}, env).config;
    } catch (error) {
      throw new Error(`no cluster to talk to: not in a pod and KUBECONFIG is not usable (${(error as Error).message})`);
    }
  }
  return {
    core: kubeConfig.makeApiClient(client.CoreV1Api),
    coordination: kubeConfig.makeApiClient(client.CoordinationV1Api),
    watch: new client.Watch(kubeConfig),
    microTimeNow: () => new client.V1MicroTime(),
  };
}

/** The HTTP status of a failed API call (404, 409, …), or undefined when the server was not reached. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A readable reason for a failed API call: the server's own message when it gave one. */
export function reasonOf(error: unknown): string {
  const status = statusOf(error);
  if (status === undefined) return (error as Error).message;
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      // not JSON: keep the text
    }
  }
  const message = (body as { message?: unknown } | null)?.message;
  return `HTTP ${status}${typeof message === 'string' ? `: ${message}` : ''}`;
}

export type { V1Lease, V1Secret };
