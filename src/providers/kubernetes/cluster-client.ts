import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

/** How a Kubernetes provider reaches the API server: Traefik's `endpoint`, `token` and `certAuthFilePath` options. */
export interface ClusterClientOptions {
  readonly endpoint?: string;
  /** A bearer token, or the path of a file that holds one. */
  readonly token?: string;
  readonly certAuthFilePath?: string;
}

/** Where the client configuration came from, for the log line Traefik also writes. */
export type ClusterClientSource = 'in-cluster' | 'kubeconfig' | 'external';

/** Reads a value that may be given inline or as a file path, as Traefik's FileOrContent does. */
function fileOrContent(value: string): string {
  try {
    return readFileSync(value, 'utf8').trim();
  } catch {
    return value;
  }
}

/**
 * The client configuration, chosen as Traefik does: in a pod (KUBERNETES_SERVICE_HOST and _PORT set) the service
 * account, with `endpoint` overriding the address; else the file named by KUBECONFIG; else `endpoint` with
 * `token` and `certAuthFilePath`. Throws an Error whose message says what is missing.
 */
export function clusterClientConfig(options: ClusterClientOptions, env: NodeJS.ProcessEnv = process.env): { config: KubeConfig; source: ClusterClientSource } {
  const config = new KubeConfig();
  if ((env.KUBERNETES_SERVICE_HOST ?? '') !== '' && (env.KUBERNETES_SERVICE_PORT ?? '') !== '') {
    config.loadFromCluster();
    if (options.endpoint !== undefined && options.endpoint !== '') {
      const cluster = config.getCurrentCluster()!;
      config.clusters = [{ ...cluster, server: options.endpoint }];
    }
    return { config, source: 'in-cluster' };
  }
  if ((env.KUBECONFIG ?? '') !== '') {
    config.loadFromFile(env.KUBECONFIG!);
    return { config, source: 'kubeconfig' };
  }
  if (options.endpoint === undefined || options.endpoint === '') throw new Error('endpoint missing for external cluster client');
  const token = options.token === undefined || options.token === '' ? undefined : fileOrContent(options.token);
  let caData: string | undefined;
  if (options.certAuthFilePath !== undefined && options.certAuthFilePath !== '') {
    try {
      caData = readFileSync(options.certAuthFilePath).toString('base64');
    } catch (error) {
      throw new Error(`failed to read CA file ${options.certAuthFilePath}: ${(error as Error).message}`);
    }
  }
  config.loadFromClusterAndUser(
    // Plain HTTP endpoints (a local proxy such as `kubectl proxy`) work only with verification off in this client.
    { name: 'junction', server: options.endpoint, caData, skipTLSVerify: options.endpoint.startsWith('http://') },
    { name: 'junction', ...(token === undefined ? {} : { token }) },
  );
  return { config, source: 'external' };
}
