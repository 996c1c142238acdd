import { listEntryPoints, type StaticConfig } from '../config/static/static-config.js';
import type { Logger } from '../observability/logger.js';
import type { UdpRuntime } from '../udp/build-udp-runtime.js';
import { UdpEntryPoint } from './udp-entrypoint.js';

/**
 * Every UDP entryPoint of the static configuration. They live in one process only (the single process, or
 * the primary when there are workers): a client's datagrams must all reach the process holding its session.
 */
export class UdpEntryPoints {
  readonly #log: Logger;
  readonly #entryPoints = new Map<string, UdpEntryPoint>();

  constructor(config: StaticConfig, log: Logger) {
    this.#log = log;
    for (const { name, address, config: entryPoint } of listEntryPoints(config)) {
      if (address.protocol !== 'udp') continue;
      const options = {
        name,
        host: address.host,
        port: address.port,
        timeoutMs: entryPoint.udp.timeout,
        requestAcceptGraceTimeoutMs: entryPoint.transport.lifeCycle.requestAcceptGraceTimeout,
        graceTimeOutMs: entryPoint.transport.lifeCycle.graceTimeOut,
      };
      this.#entryPoints.set(name, new UdpEntryPoint(options, log));
    }
  }

  get size(): number {
    return this.#entryPoints.size;
  }

  /** Binds every UDP entryPoint; on failure closes those already bound and rejects. */
  async listen(): Promise<void> {
    try {
      await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.listen()));
    } catch (error) {
      await this.shutdown();
      throw error;
    }
    for (const [name, entryPoint] of this.#entryPoints) this.#log.info('entryPoint listening', { entryPointName: name, port: entryPoint.port, protocol: 'udp' });
  }

  /** Hands each entryPoint its route of a new configuration; an entryPoint without one opens no session. */
  switch(runtime: UdpRuntime): void {
    for (const [name, entryPoint] of this.#entryPoints) entryPoint.switch(runtime.routes.get(name));
  }

  port(name: string): number | undefined {
    return this.#entryPoints.get(name)?.port;
  }

  /** Drains every UDP entryPoint as Traefik does, then closes it. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.shutdown()));
  }
}
