/** A server URL as Junction reads it; `isPortInvalid` marks a port Go parses but no socket can use. */
export interface ServerUrl {
  readonly url: URL;
  readonly isPortInvalid: boolean;
}

/**
 * Parses a server URL. Go's URL parser accepts a port above 65535 and the request then fails with 502;
 * Traefik users rely on that for error pages, so such a URL is kept, marked, instead of refused.
 */
export function parseServerUrl(value: string): ServerUrl | undefined {
  try {
    return { url: new URL(value), isPortInvalid: false };
  } catch {
    const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]+):(\d+)([/?#].*)?$/i.exec(value);
    if (match === null || Number(match[2]) <= 65535) return undefined;
    try {
      return { url: new URL(`${match[1]}${match[3] ?? ''}`), isPortInvalid: true };
    } catch {
      return undefined;
    }
  }
}
