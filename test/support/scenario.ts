import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { get, type SimpleResponse } from './http.js';
import { startJunction, type JunctionProcess } from './junction.js';
import { startUpstream, type Upstream, type UpstreamHandler } from './upstream.js';
import { until } from './until.js';
import { KubernetesApiServer } from './kubernetes/api-server.js';
import { clusterObjects, generatedRouterName, kubernetesStatic, meshStatic, type ServedPort, type ServiceBackends, type TraefikGroupChoice } from './kubernetes/cluster-scenario.js';
import { holdsIngresses } from './kubernetes/legacy-ingress.js';

/**
 * Where scenarios read their dynamic configuration: `file` (dynamic.yaml), or `kubernetescrd` (crd.yaml applied
 * to a test API server that Junction's CRD provider watches, or its mesh provider for a scenario started with
 * `mesh`), chosen with JUNCTION_SCENARIO_PROVIDER; the API group of the Traefik objects with
 * JUNCTION_SCENARIO_CRD_GROUP (`as-written` by default).
 */
export const scenarioProvider: 'file' | 'kubernetescrd' = process.env['JUNCTION_SCENARIO_PROVIDER'] === 'kubernetescrd' ? 'kubernetescrd' : 'file';
const scenarioGroup = (process.env['JUNCTION_SCENARIO_CRD_GROUP'] ?? 'as-written') as TraefikGroupChoice;

/** Skip reason for a check that edits the file-mode dynamic configuration, which has no Kubernetes form. */
export const fileModeOnly: string | false = scenarioProvider === 'file' ? false : 'edits the file-mode dynamic configuration';

/**
 * The loopback address of a backend: in Kubernetes mode replica `<name>-<n>` listens on 127.0.0.<n>, because
 * Traefik makes one server per endpoint address; everything else (and file mode, whose dynamic.yaml names
 * 127.0.0.1) on 127.0.0.1.
 */
export function replicaHost(backendName: string, provider: 'file' | 'kubernetescrd' = scenarioProvider): string {
  const replica = /-(\d+)$/.exec(backendName)?.[1];
  return provider === 'kubernetescrd' && replica !== undefined && Number(replica) >= 1 && Number(replica) <= 254 ? `127.0.0.${Number(replica)}` : '127.0.0.1';
}

/** Source folder of the scenario fixtures (tests run from dist/, fixtures stay in test/). */
export const scenariosRoot = fileURLToPath(new URL('../../../test/fixtures/scenarios/', import.meta.url));

/** The four files of an acceptance scenario, as written (placeholders not rendered). */
export interface ScenarioFiles {
  readonly name: string;
  readonly readme: string;
  readonly static: string;
  readonly dynamic: string;
  readonly crd: string;
}

/** Reads `test/fixtures/scenarios/<name>/`. */
export function readScenario(name: string): ScenarioFiles {
  const read = (file: string): string => readFileSync(`${scenariosRoot}${name}/${file}`, 'utf8');
  return { name, readme: read('README.md'), static: read('static.yaml'), dynamic: read('dynamic.yaml'), crd: read('crd.yaml') };
}

/** Lists the `<name>` of every `{{PORT_<name>}}` in a text, once each, in order of appearance. */
export function portNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{PORT_([A-Za-z0-9_-]+)\}\}/g)].map((match) => match[1]!))];
}

/** A whoami answer taken apart: the backend's name, the request line and the headers it received. */
export interface Echo {
  readonly hostname: string | undefined;
  /** `GET /path?query HTTP/1.1` as the backend received it. */
  readonly requestLine: string | undefined;
  /** Path and query of the request line. */
  readonly target: string | undefined;
  /** Header lines in order, names as received. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Every value of a header, whatever the case of its name. */
  values(name: string): string[];
  /** The only value of a header; undefined when absent; throws when repeated. */
  header(name: string): string | undefined;
}

/** Parses a whoami-style body (`Hostname:` line, request line, one header per line). */
export function parseEcho(body: string): Echo {
  const lines = body.split('\n').filter((line) => line !== '');
  const hostname = /^Hostname: (.*)$/.exec(lines[0] ?? '')?.[1];
  const requestLine = lines[1];
  const headers = lines.slice(2).map((line): readonly [string, string] => {
    const colon = line.indexOf(': ');
    return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 2)];
  });
  const values = (name: string): string[] => headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
  return {
    hostname,
    requestLine,
    target: requestLine?.split(' ')[1],
    headers,
    values,
    header(name) {
      const found = values(name);
      if (found.length > 1) throw new Error(`header ${name} was received ${found.length} times: ${found.join(' | ')}`);
      return found[0];
    },
  };
}

export interface ScenarioResponse extends SimpleResponse {
  /** The body read as a whoami answer. */
  readonly echo: Echo;
}

export interface ScenarioRun {
  readonly files: ScenarioFiles;
  readonly junction: JunctionProcess;
  /** The test API server Junction reads in Kubernetes mode. */
  readonly cluster?: KubernetesApiServer;
  /** Echo backends by placeholder name (`{{PORT_cheddar}}` → backend('cheddar')). */
  backend(name: string): Upstream;
  /** Rewrites the dynamic file (backend ports filled in) while Junction runs. */
  writeDynamic(text: string): Promise<void>;
  /** Applies manifests (rendered as crd.yaml is, in the scenario's API group) to the cluster while Junction runs. */
  applyCrd(text: string): Promise<void>;
  /** Deletes the objects the manifests name (in the scenario's API group) from the cluster while Junction runs. */
  deleteCrd(text: string): Promise<void>;
  /** Changes the running configuration: rewrites the dynamic file in file mode, applies `crd` in Kubernetes mode. */
  reconfigure(change: { readonly dynamic: string; readonly crd: string }): Promise<void>;
  /**
   * The name the API, logs and metrics give a router: `<fileName>@file` in file mode; in Kubernetes mode the one
   * Traefik generates for route `route` of the IngressRoute `objectName` (default: the file router's name).
   */
  routerName(fileName: string, objectName?: string, route?: number): string;
  /**
   * The name of the service a router uses: `<fileService>@file` in file mode; in Kubernetes mode the router's
   * own generated service, as Traefik names the load balancer of a route's single Kubernetes Service.
   */
  routeServiceName(fileService: string, fileRouter: string, objectName?: string, route?: number): string;
  /** Sends one request to an entryPoint on 127.0.0.1 with the given Host header, as `curl -H 'Host: …'` does. */
  send(entryPoint: string, path: string, options: { host: string; method?: string; headers?: Record<string, string> }): Promise<ScenarioResponse>;
  /** Stops Junction and the backends (done by the test context when one was given). */
  close(): Promise<void>;
}

export interface StartScenarioOptions {
  /** Replaces the scenario's static.yaml (a step that needs another static configuration). */
  readonly static?: string;
  /** Replaces the scenario's dynamic.yaml (a variant the README describes). */
  readonly dynamic?: string;
  /** Replaces the scenario's crd.yaml: the Kubernetes form of a `dynamic` variant. */
  readonly crd?: string;
  /**
   * Backends played by servers the test started (a real Redis, a gRPC server), by placeholder name: file mode
   * fills their `{{PORT_<name>}}`, Kubernetes mode points their Services' EndpointSlices at them.
   */
  readonly ports?: Readonly<Record<string, number | ServedPort>>;
  /** Kubernetes mode: backends that play Services (or Service ports) of another name (`{ 'tk/mygrpc-svc:grpc': 'mygrpc' }`). */
  readonly serviceBackends?: ServiceBackends;
  /** Values of other placeholders (`CLUSTER_IP_server`, `OTLP_HTTP_ENDPOINT`, ...). */
  readonly values?: Readonly<Record<string, string | number>>;
  /** Answers of a backend other than the whoami echo (delays, held requests). */
  readonly handlers?: Readonly<Record<string, UpstreamHandler>>;
  /** Fills Junction's working directory (`./plugins-local/`, ...) before it starts. */
  readonly prepare?: (dir: string) => Promise<void>;
  /** Extra environment variables for Junction (`OTEL_PROPAGATORS`, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra command-line arguments for Junction (`--workers=2`, ...). */
  readonly args?: readonly string[];
  /**
   * The whole static configuration as command-line flags (placeholders filled in) instead of static.yaml; in
   * Kubernetes mode `--providers.kubernetescrd.endpoint` is added (and `--providers.kubernetesingress.endpoint` when
   * the manifests hold Ingresses).
   */
  readonly flags?: readonly string[];
  /** Where the dynamic configuration comes from (default: JUNCTION_SCENARIO_PROVIDER, else `file`). */
  readonly provider?: 'file' | 'kubernetescrd';
  /** `providers.kubernetesCRD` options over those the scenario declares (Kubernetes mode). */
  readonly crdOptions?: Readonly<Record<string, unknown>>;
  /** A Traefik Mesh scenario: in Kubernetes mode the mesh provider reads its Services, instead of the CRD provider. */
  readonly mesh?: boolean;
}

/**
 * Runs a scenario in file mode: starts an echo backend for each `{{PORT_<name>}}` that the dynamic file or the
 * README names and static.yaml does not (static names are entryPoints), fills in their ports, then starts the
 * built Junction with the scenario's static.yaml and dynamic.yaml.
 */
export async function startScenario(t: TestContext | undefined, name: string, options: StartScenarioOptions = {}): Promise<ScenarioRun> {
  const files = readScenario(name);
  const staticText = options.static ?? files.static;
  const dynamicText = options.dynamic ?? files.dynamic;
  const entryPoints = new Set(portNames(staticText));
  const ownPorts = options.ports ?? {};
  const provider = options.provider ?? scenarioProvider;
  const backendNames = portNames(`${files.dynamic}\n${dynamicText}\n${files.readme}`).filter((port) => !entryPoints.has(port) && ownPorts[port] === undefined);

  const backends = new Map<string, Upstream>();
  const served = new Map<string, ServedPort>(Object.entries(ownPorts).map(([port, given]) => [port, typeof given === 'number' ? { port: given } : given]));
  let cluster: KubernetesApiServer | undefined;
  const closeBackends = (): Promise<unknown> => Promise.all([...[...backends.values()].map((backend) => backend.close()), cluster?.close()]);
  let junction: JunctionProcess;
  let withIngress = false;
  try {
    for (const backendName of backendNames) {
      const handler = options.handlers?.[backendName];
      backends.set(backendName, await startUpstream(undefined, { name: backendName, host: replicaHost(backendName, provider), ...(handler !== undefined ? { handler } : {}) }));
    }
    for (const [backendName, backend] of backends) served.set(backendName, backend);
    if (provider === 'kubernetescrd') {
      if (options.dynamic !== undefined && options.crd === undefined) throw new Error(`scenario ${name}: the dynamic variant has no Kubernetes form`);
      cluster = await KubernetesApiServer.start({ bookmarkIntervalMs: 10_000 });
      const objects = await clusterObjects(options.crd ?? files.crd, served, scenarioGroup, options.values, false, options.serviceBackends);
      // Ingresses and IngressClasses are read by the Ingress provider, which then runs beside the CRD provider.
      withIngress = holdsIngresses(objects);
      cluster.apply(objects);
    }
    junction = await startJunction(undefined, {
      static: cluster === undefined ? staticText : options.mesh === true ? meshStatic(staticText, cluster) : kubernetesStatic(staticText, cluster, options.crdOptions, withIngress),
      dynamic: cluster === undefined ? renderBackends(dynamicText, served) : '',
      dynamicFileName: 'dynamic.yaml',
      // The Kubernetes client takes seconds to load on a busy machine, then lists every kind once.
      // Ready once the cluster's configuration is applied, not the start-up one made without it.
      // A busy machine can take a while to fork workers, too.
      readyTimeoutMs: 60_000,
      ...(cluster === undefined ? {} : { readyPattern: options.mesh === true ? /kubernetesmesh provider: configuration read[\s\S]*configuration applied/ : withIngress ? bothKubernetesProvidersApplied : /kubernetescrd provider: configuration read[\s\S]*configuration applied/ }),
      values: options.values ?? {},
      ...(options.prepare !== undefined ? { prepare: options.prepare } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.flags === undefined
        ? options.args !== undefined ? { args: options.args } : {}
        : { configFile: false, args: [...options.flags, ...(cluster === undefined ? [] : [`--providers.kubernetescrd.endpoint=${cluster.url}`]), ...(withIngress ? [`--providers.kubernetesingress.endpoint=${cluster!.url}`] : []), ...(options.args ?? [])] }),
    });
  } catch (error) {
    await closeBackends();
    throw error;
  }
  const killOnExit = (): void => {
    junction.process.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let closing: Promise<void> | undefined;
  const run: ScenarioRun = {
    files,
    junction,
    ...(cluster === undefined ? {} : { cluster }),
    backend(backendName) {
      const backend = backends.get(backendName);
      if (backend === undefined) throw new Error(`scenario ${name} has no backend named ${backendName}`);
      return backend;
    },
    async writeDynamic(text) {
      if (cluster !== undefined) throw new Error(`scenario ${name}: writeDynamic has no Kubernetes form`);
      await junction.writeDynamic(renderBackends(text, served));
    },
    async applyCrd(text) {
      if (cluster === undefined) throw new Error(`scenario ${name}: applyCrd needs Kubernetes mode`);
      cluster.apply(await clusterObjects(text, served, scenarioGroup, options.values, true, options.serviceBackends));
    },
    async deleteCrd(text) {
      if (cluster === undefined) throw new Error(`scenario ${name}: deleteCrd needs Kubernetes mode`);
      cluster.delete(await clusterObjects(text, served, scenarioGroup, options.values, true, options.serviceBackends));
    },
    reconfigure(change) {
      return cluster === undefined ? run.writeDynamic(change.dynamic) : run.applyCrd(change.crd);
    },
    routerName(fileName, objectName, route) {
      return cluster === undefined ? `${fileName}@file` : generatedRouterName(options.crd ?? files.crd, objectName ?? fileName, route);
    },
    routeServiceName(fileService, fileRouter, objectName, route) {
      return cluster === undefined ? `${fileService}@file` : generatedRouterName(options.crd ?? files.crd, objectName ?? fileRouter, route);
    },
    async send(entryPoint, path, { host, method, headers }) {
      const response = await get(`${junction.url(entryPoint)}${path}`, { method: method ?? 'GET', headers: { ...headers, host } });
      return { ...response, echo: parseEcho(response.body) };
    },
    close() {
      closing ??= (async () => {
        process.off('exit', killOnExit);
        await junction.stop('SIGKILL');
        await closeBackends();
        await rm(junction.dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
  t?.after(() => run.close());
  return run;
}

/** Output once the configurations of both the CRD and the Ingress provider (named `kubernetes`) are applied. */
export const bothKubernetesProvidersApplied = /^(?=[\s\S]*kubernetescrd provider: configuration read[\s\S]*configuration applied)(?=[\s\S]*kubernetes provider: configuration read[\s\S]*configuration applied)/;

function renderBackends(text: string, backends: ReadonlyMap<string, ServedPort>): string {
  return text.replace(/\{\{PORT_([A-Za-z0-9_-]+)\}\}/g, (whole, port: string) => {
    const backend = backends.get(port);
    return backend === undefined ? whole : String(backend.port);
  });
}

/**
 * Polls `probe` until it returns a value, and tells how long after `since` the successful probe was sent: the
 * time a change took to be seen, without the answer's own latency.
 */
export async function firstAnswer<T>(since: number, probe: () => Promise<T | undefined>, options: { timeoutMs?: number; message?: string } = {}): Promise<{ value: T; sentAfterMs: number }> {
  let sentAt = since;
  const value = await until(
    async () => {
      const sending = Date.now();
      const answer = await probe();
      if (answer !== undefined) sentAt = sending;
      return answer;
    },
    { timeoutMs: options.timeoutMs ?? 10_000, intervalMs: 5, ...(options.message !== undefined ? { message: options.message } : {}) },
  );
  return { value: value as T, sentAfterMs: sentAt - since };
}

/** One answer seen by a client loop. */
export interface LoopResult {
  readonly status: number;
  /** The backend's name from the whoami body, or the client error. */
  readonly answeredBy: string | undefined;
  readonly error?: string;
}

export interface ClientLoop {
  readonly results: readonly LoopResult[];
  /** Connections the client opened and lost so far (one and none while keep-alive holds). */
  readonly connects: number;
  readonly disconnects: number;
  /** Ends the loop after the request under way and closes the connection. */
  stop(): Promise<void>;
}

/**
 * Sends GET requests one after the other over one keep-alive connection, at most `ratePerSecond` a second,
 * until stopped; records every answer.
 */
export function startClientLoop(url: string, request: { path: string; host: string }, ratePerSecond = 50): ClientLoop {
  const client = new Client(url, { pipelining: 1 });
  const results: LoopResult[] = [];
  let connects = 0;
  let disconnects = 0;
  client.on('connect', () => (connects += 1));
  client.on('disconnect', () => (disconnects += 1));
  let isStopped = false;
  const spacingMs = 1000 / ratePerSecond;

  const running = (async () => {
    while (!isStopped) {
      const startedAt = Date.now();
      try {
        const response = await client.request({ path: request.path, method: 'GET', headers: { host: request.host } });
        const body = await response.body.text();
        results.push({ status: response.statusCode, answeredBy: parseEcho(body).hostname });
      } catch (error) {
        results.push({ status: 0, answeredBy: undefined, error: (error as Error).message });
      }
      // Pacing keeps the load at the stated rate; it waits for nothing.
      const rest = spacingMs - (Date.now() - startedAt);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  })();

  return {
    results,
    get connects() {
      return connects;
    },
    get disconnects() {
      return disconnects;
    },
    async stop() {
      isStopped = true;
      await running;
      await client.close();
    },
  };
}
