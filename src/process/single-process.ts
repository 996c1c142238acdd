import type { StaticConfig } from '../config/static/static-config.js';
import type { Logger } from '../observability/logger.js';
import type { HealthMonitor } from '../http/services/health-check/health-monitor.js';
import { ControlPlane } from './control-plane.js';
import { DataPlane } from './data-plane.js';

/** Junction in one process: providers, configuration and the entryPoints side by side. */
export class SingleProcess {
  readonly #data: DataPlane;
  readonly #control: ControlPlane;

  private constructor(config: StaticConfig, log: Logger) {
    this.#control = new ControlPlane(config, log, (merged) => this.#data.apply(merged));
    this.#data = new DataPlane(config, log, { serveUdp: true, acmeChallenges: this.#control.challenges });
  }

  /** Server health as the checks see it: the view the API reads. */
  get health(): HealthMonitor {
    return this.#data.health;
  }

  /** Binds every entryPoint, then starts the providers. Rejects if a socket cannot be bound. */
  static async start(config: StaticConfig, log: Logger): Promise<SingleProcess> {
    const process = new SingleProcess(config, log);
    await process.#data.listen();
    process.#control.start();
    return process;
  }

  /** Reopens the access log file (SIGUSR1). */
  reopenLogs(): void {
    this.#data.reopenLogs();
  }

  /** Stops gracefully: providers first, then every entryPoint drains within its graceTimeOut. */
  async stop(): Promise<void> {
    this.#data.beginTermination();
    this.#control.stop();
    await this.#data.stop();
  }
}
