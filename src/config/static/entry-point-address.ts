import { isIP } from 'node:net';
import { ConfigError, quote } from '../errors.js';

/** Where an entryPoint listens. */
export interface EntryPointAddress {
  /** `''` listens on all interfaces; IPv6 hosts are given without brackets (`::`, `::1`). */
  readonly host: string;
  /** `0` asks the system for a free port (tests). */
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/**
 * Parses an entryPoint address, `[host]:port[/tcp|/udp]`, as Traefik does: the protocol defaults to tcp and
 * is matched case-insensitively; the host and port are split as Go's `net.SplitHostPort` splits them.
 */
export function parseEntryPointAddress(address: string, path: string): EntryPointAddress {
  const slash = address.indexOf('/');
  const hostPort = slash === -1 ? address : address.slice(0, slash);
  const { host, port } = splitHostPort(hostPort, address, path);
  let protocol: 'tcp' | 'udp' = 'tcp';
  if (slash !== -1) {
    const given = address.slice(slash + 1);
    const lowered = given.toLowerCase();
    if (lowered !== 'tcp' && lowered !== 'udp') throw new ConfigError(path, `unknown protocol ${quote(given)}; expected tcp or udp`);
    protocol = lowered;
  }
  return { host, port, protocol };
}

/** Splits `host:port` as Go's `net.SplitHostPort` does (brackets for IPv6); throws ConfigError at `path`. */
export function splitHostPort(hostPort: string, address: string, path: string): { host: string; port: number } {
  let host: string;
  let port: string;
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end === -1) throw new ConfigError(path, `missing "]" in ${quote(address)}`);
    host = hostPort.slice(1, end);
    const rest = hostPort.slice(end + 1);
    if (rest === '') throw new ConfigError(path, `missing port in ${quote(address)}`);
    if (!rest.startsWith(':')) throw new ConfigError(path, `unexpected ${quote(rest)} after the IPv6 address in ${quote(address)}`);
    if (isIP(host) !== 6) throw new ConfigError(path, `invalid IPv6 address ${quote(host)} in ${quote(address)}`);
    port = rest.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon === -1) throw new ConfigError(path, `missing port in ${quote(address)}`);
    host = hostPort.slice(0, colon);
    if (host.includes(':')) {
      throw new ConfigError(path, `too many colons in ${quote(address)}; write IPv6 addresses in brackets, such as "[::1]:80"`);
    }
    port = hostPort.slice(colon + 1);
  }
  if (port === '') throw new ConfigError(path, `missing port in ${quote(address)}`);
  if (!/^\d+$/.test(port)) throw new ConfigError(path, `invalid port ${quote(port)} in ${quote(address)}`);
  const number = Number(port);
  // Port 0 is accepted as Go accepts it: the system picks a free port, which tests rely on.
  if (number > 65535) throw new ConfigError(path, `port ${quote(port)} is out of range 1-65535`);
  return { host, port: number };
}

/** Tells whether two listening addresses would compete for the same socket. */
export function isSameListener(a: EntryPointAddress, b: EntryPointAddress): boolean {
  if (a.protocol !== b.protocol || a.port !== b.port || a.port === 0) return false;
  const isWildcard = (host: string): boolean => host === '' || host === '0.0.0.0' || host === '::';
  return a.host === b.host || isWildcard(a.host) || isWildcard(b.host);
}
