import { Dispatcher } from 'undici';

/**
 * The dispatcher a load balancer sends one server's requests to. It sends upgrade requests (WebSocket) over
 * HTTP/1.1 even when the server speaks HTTP/2, as Traefik's transport does, and pins the TLS server name:
 * undici would otherwise take it from each request's Host header (and drop the connection when it
 * changes), where Go takes the transport's `serverName` or the server URL's host.
 */
export class UpstreamDispatcher extends Dispatcher {
  readonly #main: Dispatcher;
  readonly #http1: Dispatcher;
  readonly #servername: string | undefined;

  constructor(main: Dispatcher, http1: Dispatcher, servername: string | undefined) {
    super();
    this.#main = main;
    this.#http1 = http1;
    this.#servername = servername;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#servername !== undefined) (options as { servername?: string }).servername = this.#servername;
    return (options.upgrade == null ? this.#main : this.#http1).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([this.#main.close(), this.#main === this.#http1 ? undefined : this.#http1.close()]);
  }

  override async destroy(): Promise<void> {
    await Promise.all([this.#main.destroy(), this.#main === this.#http1 ? undefined : this.#http1.destroy()]);
  }
}
