/** What a server's health is: Traefik's `serverStatus` values. */
export type ServerStatus = 'UP' | 'DOWN';

/** One server's status change, as published to logs, workers and the API. */
export interface ServerStatusChange {
  /** Identifies the health-checked definition (service name and configuration); equal in every process. */
  readonly key: string;
  /** Qualified service name: `app@file`. */
  readonly service: string;
  /** The server's URL as configured. */
  readonly server: string;
  readonly status: ServerStatus;
}

/**
 * The health of the servers of one load balancer. Every server starts UP (as in Traefik) and leaves the
 * rotation while DOWN. The load balancer reads it on each pick; a checker or the primary process writes it.
 */
export class ServerHealthTable {
  readonly key: string;
  readonly service: string;
  readonly servers: readonly string[];
  readonly #isUp: boolean[];
  #upCount: number;
  readonly #onChange: (change: ServerStatusChange) => void;

  constructor(key: string, service: string, servers: readonly string[], onChange: (change: ServerStatusChange) => void) {
    this.key = key;
    this.service = service;
    this.servers = servers;
    this.#isUp = servers.map(() => true);
    this.#upCount = servers.length;
    this.#onChange = onChange;
  }

  isUp(index: number): boolean {
    return this.#isUp[index] === true;
  }

  /** True while at least one server is UP. */
  get hasUpServer(): boolean {
    return this.#upCount > 0;
  }

  /** Sets the status of every server with this URL; publishes a change only when there is one. */
  set(server: string, status: ServerStatus): void {
    const isUp = status === 'UP';
    let isChanged = false;
    this.servers.forEach((candidate, index) => {
      if (candidate !== server || this.#isUp[index] === isUp) return;
      this.#isUp[index] = isUp;
      this.#upCount += isUp ? 1 : -1;
      isChanged = true;
    });
    if (isChanged) this.#onChange({ key: this.key, service: this.service, server, status });
  }

  /** Current status of each server, in configuration order (duplicates once). */
  statuses(): Array<{ readonly server: string; readonly status: ServerStatus }> {
    const seen = new Set<string>();
    const result: Array<{ server: string; status: ServerStatus }> = [];
    this.servers.forEach((server, index) => {
      if (seen.has(server)) return;
      seen.add(server);
      result.push({ server, status: this.#isUp[index] === true ? 'UP' : 'DOWN' });
    });
    return result;
  }
}
