import { ConfigError } from '../../config/errors.js';
import type { TcpMiddleware } from '../tcp-connection.js';

/** Open connections per client IP, shared by the builds of one unchanged middleware. */
export class ConnectionCounts {
  readonly #counts = new Map<string, number>();

  acquire(clientIp: string, limit: number): boolean {
    const current = this.#counts.get(clientIp) ?? 0;
    if (current >= limit) return false;
    this.#counts.set(clientIp, current + 1);
    return true;
  }

  release(clientIp: string): void {
    const remaining = (this.#counts.get(clientIp) ?? 0) - 1;
    if (remaining > 0) this.#counts.set(clientIp, remaining);
    else this.#counts.delete(clientIp);
  }
}

/** Allows at most `amount` simultaneous connections per client IP; extra ones are closed, as Traefik's inFlightConn. */
export function inFlightConn(config: { readonly amount?: number | undefined }, counts: ConnectionCounts): TcpMiddleware {
  const amount = config.amount ?? 0;
  if (amount <= 0) throw new ConfigError('amount', `must be greater than 0, got ${amount}`);
  return (next) => function inFlightConn(connection) {
    const { clientIp } = connection;
    if (!counts.acquire(clientIp, amount)) {
      connection.log.debug('connection refused by inFlightConn', { clientIp, amount });
      connection.socket.destroy();
      return;
    }
    connection.socket.once('close', () => counts.release(clientIp));
    next(connection);
  };
}
