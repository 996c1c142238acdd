import type { Provider, ProviderSnapshot } from '../provider.js';

/**
 * Traefik's REST provider: each `PUT /api/providers/rest` replaces its whole dynamic configuration. It starts
 * empty, so the other providers' configuration is applied without waiting for a first request.
 */
export class RestProvider implements Provider {
  readonly name = 'rest';
  #push: ((snapshot: ProviderSnapshot) => void) | undefined;
  /** A configuration received before `run` started; pushed as soon as it does. */
  #latest: Record<string, unknown> = {};

  async run(push: (snapshot: ProviderSnapshot) => void, signal: AbortSignal): Promise<void> {
    this.#push = push;
    push({ config: this.#latest, errors: [] });
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.#push = undefined;
  }

  /** Replaces the configuration with one received through the API (already parsed from JSON). */
  submit(config: Record<string, unknown>): void {
    this.#latest = config;
    this.#push?.({ config, errors: [] });
  }
}
