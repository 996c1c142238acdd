import { isIP } from 'node:net';
import { ConfigError, quote } from '../config/errors.js';
import { splitHostPort } from '../config/static/entry-point-address.js';

/** Where a UDP server listens, split once at build time. */
export interface UdpServerAddress {
  /** As configured, for logs. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** 4 or 6 for an IP literal; 0 for a name, resolved when a session dials it (as Go's `net.Dial`). */
  readonly family: 0 | 4 | 6;
}

/** Parses a UDP server's `host:port`; an empty host is this machine, as for Go's dialer. */
export function parseUdpServerAddress(address: string, path: string): UdpServerAddress {
  const { host, port } = splitHostPort(address.trim(), address, path);
  if (port === 0) throw new ConfigError(path, `port "0" in ${quote(address)} cannot be dialed`);
  const resolvedHost = host === '' ? '127.0.0.1' : host;
  const family = isIP(resolvedHost);
  return { address, host: resolvedHost, port, family: family === 4 || family === 6 ? family : 0 };
}
