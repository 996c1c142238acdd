import { ConfigError } from '../../config/errors.js';
import { compileIpMatcher } from '../../net/ip-range.js';
import type { TcpMiddleware } from '../tcp-connection.js';

/** Closes connections from clients outside `sourceRange`, as Traefik's TCP ipAllowList. */
export function tcpIpAllowList(config: { readonly sourceRange?: readonly string[] | undefined }): TcpMiddleware {
  const ranges = config.sourceRange ?? [];
  if (ranges.length === 0) throw new ConfigError('sourceRange', 'must not be empty');
  const isAllowed = compileIpMatcher(ranges, 'sourceRange');
  return (next) => function tcpIpAllowList(connection) {
    if (isAllowed(connection.clientIp)) return next(connection);
    connection.log.debug('connection refused by ipAllowList', { clientIp: connection.clientIp });
    connection.socket.destroy();
  };
}
