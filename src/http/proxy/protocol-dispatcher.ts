import { Dispatcher } from 'undici';

/**
 * Sends upgrade requests (WebSocket) over an HTTP/1.1 pool and everything else over an HTTP/2-capable one,
 * as Traefik's transport does: an upgrade needs HTTP/1.1 even when the server speaks HTTP/2.
 */
export class ProtocolDispatcher extends Dispatcher {
  readonly #main: Dispatcher;
  readonly #http1: Dispatcher;

  constructor(main: Dispatcher, http1: Dispatcher) {
    super();
    this.#main = main;
    this.#http1 = http1;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return (options.upgrade == null ? this.#main : this.#http1).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([this.#main.close(), this.#http1.close()]);
  }

  override async destroy(): Promise<void> {
    await Promise.all([this.#main.destroy(), this.#http1.destroy()]);
  }
}
