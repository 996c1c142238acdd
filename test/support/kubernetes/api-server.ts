import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseLabelSelector, type LabelSelector } from './label-selector.js';
import { apiVersionOf, knownResources, resourceForManifest, type ResourceType } from './resources.js';

/** An object as the API server stores it: any manifest with kind, apiVersion and metadata. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface StoredEvent {
  readonly resourceVersion: number;
  readonly resource: string;
  readonly type: EventType;
  readonly object: KubeObject;
  /** The object before a modification, to move it in or out of a watcher's label selection. */
  readonly previous: KubeObject | undefined;
}

interface Watcher {
  readonly resource: string;
  readonly namespace: string | undefined;
  /** The one object a `metadata.name=` field selector picks. */
  readonly name: string | undefined;
  readonly selects: LabelSelector;
  readonly response: ServerResponse;
}

/** A request the server received, for tests that check what a client wrote (status updates, ...). */
export interface RecordedApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface KubernetesApiServerOptions {
  /** How often a watch that asked for bookmarks gets one (ms). */
  readonly bookmarkIntervalMs?: number;
}

const keyOf = (type: ResourceType): string => `${type.group}/${type.version}/${type.plural}`;
const objectKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

/** RFC 7386 JSON merge patch, which also stands in for strategic merge patches of the fields clients patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * A Kubernetes API server for tests: serves list, get, watch (resourceVersion, ADDED/MODIFIED/DELETED, BOOKMARK,
 * 410 Gone after compaction, timeoutSeconds, label selectors), create, replace, merge patch, delete and the
 * `status` subresource over plain HTTP, for the kinds the Kubernetes providers read, fed with YAML manifests.
 */
export class KubernetesApiServer {
  readonly requests: RecordedApiRequest[] = [];
  readonly #server: Server;
  readonly #store = new Map<string, Map<string, KubeObject>>();
  readonly #types = new Map<string, ResourceType>(knownResources.map((type) => [keyOf(type), type]));
  readonly #events: StoredEvent[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #bookmarkIntervalMs: number;
  #resourceVersion = 1;
  /** Watches from a resourceVersion older than this get 410 Gone. */
  #oldestResourceVersion = 1;
  #watchesSuspended = false;
  readonly #heldWatches: Array<() => void> = [];

  private constructor(options: KubernetesApiServerOptions) {
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
    this.#server = createServer((request, response) => this.#handle(request, response));
  }

  static async start(options: KubernetesApiServerOptions = {}): Promise<KubernetesApiServer> {
    const server = new KubernetesApiServer(options);
    server.#server.listen(0, '127.0.0.1');
    await once(server.#server, 'listening');
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig that points a client at this server, as `providers.kubernetesCRD.endpoint` or KUBECONFIG would. */
  kubeconfig(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      // Plain HTTP: the official client accepts it only with TLS verification switched off.
      `- name: test\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: test\n  user:\n    token: test-token',
      'contexts:',
      '- name: test\n  context:\n    cluster: test\n    user: test',
      'current-context: test',
      '',
    ].join('\n');
  }

  async writeKubeconfig(directory: string): Promise<string> {
    const path = join(directory, 'kubeconfig.yaml');
    await writeFile(path, this.kubeconfig());
    return path;
  }

  /** Creates or updates every object of the given manifests (YAML text with `---` separators, or objects). */
  apply(manifests: string | KubeObject | readonly KubeObject[]): KubeObject[] {
    return parseManifests(manifests).map((manifest) => this.#put(manifest));
  }

  /** Deletes the objects the manifests name; absent ones are ignored. */
  delete(manifests: string | KubeObject | readonly KubeObject[]): void {
    for (const manifest of parseManifests(manifests)) {
      const type = this.#typeOf(manifest);
      this.#remove(type, manifest.metadata.namespace ?? (type.namespaced ? 'default' : undefined), manifest.metadata.name);
    }
  }

  /** The stored objects of one kind, in one namespace or all. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const type = resourceForManifest(apiVersion, kind);
    return [...(this.#store.get(keyOf(type))?.values() ?? [])].filter((object) => namespace === undefined || object.metadata.namespace === namespace);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = resourceForManifest(apiVersion, kind);
    return this.#store.get(keyOf(type))?.get(objectKey(type.namespaced ? namespace ?? 'default' : undefined, name));
  }

  /** Forgets the event history: a watch resuming from an older resourceVersion gets 410 Gone and must relist. */
  compact(): void {
    this.#oldestResourceVersion = this.#resourceVersion;
    this.#events.length = 0;
  }

  /**
   * Ends every open watch: cleanly, as the API server does when a watch times out, or abruptly (the
   * connection reset), as a restarting API server or a load balancer would.
   */
  breakWatches(how: 'end' | 'reset' = 'end'): void {
    for (const watcher of this.#watchers) {
      if (how === 'end') watcher.response.end();
      else watcher.response.destroy();
    }
    this.#watchers.clear();
  }

  /**
   * Ends every open watch and holds new watch requests until `resumeWatches`: changes made meanwhile reach
   * clients only through their reconnection (a replay, or a 410 and a relist after `compact`).
   */
  suspendWatches(how: 'end' | 'reset' = 'end'): void {
    this.#watchesSuspended = true;
    this.breakWatches(how);
  }

  resumeWatches(): void {
    this.#watchesSuspended = false;
    for (const start of this.#heldWatches.splice(0)) start();
  }

  /** Number of watches currently open, per resource (`networking.k8s.io/v1/ingresses`). */
  openWatches(resource?: string): number {
    return [...this.#watchers].filter((watcher) => resource === undefined || watcher.resource === resource).length;
  }

  async close(): Promise<void> {
    this.#heldWatches.length = 0;
    this.breakWatches('reset');
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #typeOf(manifest: KubeObject): ResourceType {
    if (typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string' || typeof manifest.metadata?.name !== 'string') {
      throw new Error(`manifest needs apiVersion, kind and metadata.name: ${JSON.stringify(manifest).slice(0, 200)}`);
    }
    const type = resourceForManifest(manifest.apiVersion, manifest.kind);
    if (!this.#types.has(keyOf(type))) this.#types.set(keyOf(type), type);
    return type;
  }

  #collection(type: ResourceType): Map<string, KubeObject> {
    let collection = this.#store.get(keyOf(type));
    if (collection === undefined) {
      collection = new Map();
      this.#store.set(keyOf(type), collection);
    }
    return collection;
  }

  /** Creates or replaces an object; `expectedVersion` makes it a conditional update (409 on mismatch). */
  #put(manifest: KubeObject, options: { expectedVersion?: string; mustExist?: boolean; mustNotExist?: boolean } = {}): KubeObject {
    const type = this.#typeOf(manifest);
    const namespace = type.namespaced ? manifest.metadata.namespace ?? 'default' : undefined;
    const collection = this.#collection(type);
    const key = objectKey(namespace, manifest.metadata.name);
    const previous = collection.get(key);
    if (options.mustExist === true && previous === undefined) throw new ApiError(404, 'NotFound', `${type.plural} "${manifest.metadata.name}" not found`);
    if (options.mustNotExist === true && previous !== undefined) throw new ApiError(409, 'AlreadyExists', `${type.plural} "${manifest.metadata.name}" already exists`);
    if (options.expectedVersion !== undefined && options.expectedVersion !== '' && previous?.metadata.resourceVersion !== options.expectedVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.plural} "${manifest.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const resourceVersion = ++this.#resourceVersion;
    const specChanged = previous === undefined || JSON.stringify(previous['spec']) !== JSON.stringify(manifest['spec']);
    const object: KubeObject = structuredClone({
      ...manifest,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...manifest.metadata,
        ...(namespace === undefined ? {} : { namespace }),
        uid: previous?.metadata.uid ?? randomUUID(),
        resourceVersion: String(resourceVersion),
        generation: (previous?.metadata.generation ?? 0) + (specChanged ? 1 : 0),
        creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    });
    collection.set(key, object);
    this.#publish({ resourceVersion, resource: keyOf(type), type: previous === undefined ? 'ADDED' : 'MODIFIED', object, previous });
    return object;
  }

  #remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const collection = this.#collection(type);
    const key = objectKey(namespace, name);
    const previous = collection.get(key);
    if (previous === undefined) return undefined;
    collection.delete(key);
    const resourceVersion = ++this.#resourceVersion;
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(resourceVersion) } };
    this.#publish({ resourceVersion, resource: keyOf(type), type: 'DELETED', object, previous });
    return object;
  }

  #publish(event: StoredEvent): void {
    this.#events.push(event);
    for (const watcher of this.#watchers) this.#deliver(watcher, event);
  }

  /** Writes an event as a watcher sees it: label selection turns modifications into additions or deletions. */
  #deliver(watcher: Watcher, event: StoredEvent): void {
    if (watcher.resource !== event.resource) return;
    if (watcher.namespace !== undefined && event.object.metadata.namespace !== watcher.namespace) return;
    if (watcher.name !== undefined && event.object.metadata.name !== watcher.name) return;
    const nowSelected = watcher.selects(event.object.metadata.labels);
    const wasSelected = event.previous !== undefined && watcher.selects(event.previous.metadata.labels);
    let type: EventType | undefined;
    if (event.type === 'ADDED') type = nowSelected ? 'ADDED' : undefined;
    else if (event.type === 'DELETED') type = wasSelected ? 'DELETED' : undefined;
    else if (nowSelected) type = wasSelected ? 'MODIFIED' : 'ADDED';
    else if (wasSelected) type = 'DELETED';
    if (type !== undefined) watcher.response.write(`${JSON.stringify({ type, object: event.object })}\n`);
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      let body: unknown;
      try {
        body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return this.#send(response, 400, status(400, 'BadRequest', 'request body is not JSON'));
      }
      this.requests.push({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
      try {
        this.#route(request.method ?? 'GET', url, body, response);
      } catch (error) {
        if (error instanceof ApiError) return this.#send(response, error.code, status(error.code, error.reason, error.message));
        this.#send(response, 500, status(500, 'InternalError', (error as Error).message));
      }
    });
  }

  #send(response: ServerResponse, code: number, body: unknown): void {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  #route(method: string, url: URL, body: unknown, response: ServerResponse): void {
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    if (method === 'GET' && this.#discovery(segments, response)) return;
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) [group, version, rest] = ['', segments[1]!, segments.slice(2)];
    else if (segments[0] === 'apis' && segments.length >= 3) [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
    else throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);

    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest;
    const type = [...this.#types.values()].find((candidate) => candidate.group === group && candidate.version === version && candidate.plural === plural);
    if (type === undefined) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const collection = this.#collection(type);

    if (name === undefined) {
      if (method === 'GET') {
        const selects = parseLabelSelector(url.searchParams.get('labelSelector'));
        const named = nameFromFieldSelector(url.searchParams.get('fieldSelector'));
        const watch = url.searchParams.get('watch');
        if (watch === 'true' || watch === '1') {
          if (!this.#watchesSuspended) return this.#watch(type, namespace, selects, named, url.searchParams, response);
          this.#heldWatches.push(() => this.#watch(type, namespace, selects, named, url.searchParams, response));
          return;
        }
        return this.#send(response, 200, this.#list(type, namespace, selects, named));
      }
      if (method === 'POST') {
        const manifest = body as KubeObject;
        return this.#send(response, 201, this.#put({ ...manifest, metadata: { ...manifest.metadata, namespace } }, { mustNotExist: true }));
      }
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on a collection`);
    }

    const current = collection.get(objectKey(type.namespaced ? namespace : undefined, name));
    const notFound = (): ApiError => new ApiError(404, 'NotFound', `${type.plural}${type.group === '' ? '' : `.${type.group}`} "${name}" not found`);
    if (subresource !== undefined && subresource !== 'status') throw new ApiError(404, 'NotFound', `unknown subresource ${subresource}`);
    switch (method) {
      case 'GET':
        if (current === undefined) throw notFound();
        return this.#send(response, 200, current);
      case 'PUT': {
        if (current === undefined) throw notFound();
        const manifest = body as KubeObject;
        // The status subresource changes only .status; the main resource keeps the stored status.
        const next = subresource === 'status' ? { ...current, status: manifest['status'] } : { ...manifest, status: current['status'] };
        return this.#send(response, 200, this.#put(next as KubeObject, { expectedVersion: manifest.metadata?.resourceVersion, mustExist: true }));
      }
      case 'PATCH': {
        if (current === undefined) throw notFound();
        const patched = mergePatch(current, subresource === 'status' ? { status: (body as Record<string, unknown>)['status'] } : body) as KubeObject;
        return this.#send(response, 200, this.#put({ ...patched, metadata: { ...patched.metadata, name, namespace: current.metadata.namespace } as KubeObject['metadata'] }, { mustExist: true }));
      }
      case 'DELETE': {
        const deleted = this.#remove(type, type.namespaced ? namespace : undefined, name);
        if (deleted === undefined) throw notFound();
        return this.#send(response, 200, deleted);
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed`);
    }
  }

  #selected(type: ResourceType, namespace: string | undefined, selects: LabelSelector, named?: string): KubeObject[] {
    return [...this.#collection(type).values()]
      .filter((object) => namespace === undefined || object.metadata.namespace === namespace)
      .filter((object) => named === undefined || object.metadata.name === named)
      .filter((object) => selects(object.metadata.labels))
      .sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
  }

  #list(type: ResourceType, namespace: string | undefined, selects: LabelSelector, named: string | undefined): object {
    return {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: String(this.#resourceVersion) },
      items: this.#selected(type, namespace, selects, named),
    };
  }

  /**
   * Streams watch events as the API server does: one JSON object per line. Without a resourceVersion (or "0")
   * the current objects come first as ADDED; from an older version than the history keeps, one ERROR event
   * with a 410 Expired status ends the watch.
   */
  #watch(type: ResourceType, namespace: string | undefined, selects: LabelSelector, named: string | undefined, query: URLSearchParams, response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    const from = query.get('resourceVersion');
    if (from !== null && from !== '' && from !== '0' && Number(from) < this.#oldestResourceVersion) {
      const expired = status(410, 'Expired', `too old resource version: ${from} (${this.#oldestResourceVersion})`);
      response.end(`${JSON.stringify({ type: 'ERROR', object: expired })}\n`);
      return;
    }
    const watcher: Watcher = { resource: keyOf(type), namespace, name: named, selects, response };
    if (from === null || from === '' || from === '0') {
      for (const object of this.#selected(type, namespace, selects, named)) response.write(`${JSON.stringify({ type: 'ADDED', object })}\n`);
    } else {
      for (const event of this.#events) if (event.resourceVersion > Number(from)) this.#deliver(watcher, event);
    }
    this.#watchers.add(watcher);

    const timers: NodeJS.Timeout[] = [];
    if (query.get('allowWatchBookmarks') === 'true') {
      timers.push(setInterval(() => {
        const bookmark = { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(this.#resourceVersion) } };
        response.write(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark })}\n`);
      }, this.#bookmarkIntervalMs));
    }
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
    if (timeoutSeconds > 0) timers.push(setTimeout(() => response.end(), timeoutSeconds * 1000));
    response.on('close', () => {
      for (const timer of timers) clearTimeout(timer);
      this.#watchers.delete(watcher);
    });
  }

  /** `/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`, `/version`: enough discovery for clients that look. */
  #discovery(segments: readonly string[], response: ServerResponse): boolean {
    const types = [...this.#types.values()];
    const resourceList = (group: string, version: string): object => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf({ group, version }),
      resources: types
        .filter((type) => type.group === group && type.version === version)
        .map((type) => ({ name: type.plural, singularName: type.kind.toLowerCase(), namespaced: type.namespaced, kind: type.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
    });
    const path = segments.join('/');
    if (path === 'version') this.#send(response, 200, { major: '1', minor: '30', gitVersion: 'v1.30.0-junction-test' });
    else if (path === 'api') this.#send(response, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    else if (path === 'api/v1') this.#send(response, 200, resourceList('', 'v1'));
    else if (path === 'apis') {
      const groups = new Map<string, Set<string>>();
      for (const type of types) if (type.group !== '') groups.set(type.group, (groups.get(type.group) ?? new Set()).add(type.version));
      this.#send(response, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => {
          const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
          return { name, versions: list, preferredVersion: list[0] };
        }),
      });
    } else if (segments[0] === 'apis' && segments.length === 3) this.#send(response, 200, resourceList(segments[1]!, segments[2]!));
    else return false;
    return true;
  }
}

/** The name a `metadata.name=<name>` field selector asks for; other field selectors are not served (all objects match). */
function nameFromFieldSelector(selector: string | null): string | undefined {
  const match = /(?:^|,)metadata\.name=([^,]*)/.exec(selector ?? '');
  return match?.[1];
}

/** Manifests from YAML text (several documents, `List` kinds flattened) or objects. */
export function parseManifests(manifests: string | KubeObject | readonly KubeObject[]): KubeObject[] {
  let objects: unknown[];
  if (typeof manifests === 'string') {
    objects = parseAllDocuments(manifests).map((document) => {
      if (document.errors.length > 0) throw new Error(`invalid manifest YAML: ${document.errors[0]!.message}`);
      return document.toJS() as unknown;
    });
  } else objects = Array.isArray(manifests) ? [...manifests] : [manifests];
  return objects
    .filter((object): object is KubeObject => object !== null && object !== undefined)
    .flatMap((object) => (object.kind.endsWith('List') && Array.isArray(object['items']) ? (object['items'] as KubeObject[]) : [object]));
}

