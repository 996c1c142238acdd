/**
 * What a compiled rule may look at. The entrypoint builds it once per request; rules never touch the socket.
 */
export interface RoutingRequest {
  /** Canonical host: from the Host header (or :authority), lowercased, port removed. Empty when absent. */
  readonly host: string;
  /** Routing path: the request path with non-reserved percent-escapes decoded, as Traefik matches it. */
  readonly path: string;
  /** Request method as sent (`GET`, `POST`). */
  readonly method: string;
  /** Request headers keyed by lowercase name, every value kept (`IncomingMessage.headersDistinct`). */
  readonly headers: Readonly<Record<string, string[] | undefined>>;
  /** Parsed query string (computed on first use). */
  readonly query: URLSearchParams;
  /** Peer address of the connection (IPv4-mapped IPv6 reduced to IPv4); never from X-Forwarded-For. */
  readonly clientIp: string;
}
