import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';

/**
 * Outside programs some tests talk to (redis-server, promtool, chromium, pebble, Go-built peers).
 * A test whose peer is missing skips with the reason in its name; with JUNCTION_REQUIRE_PEERS=1 (what
 * `.ci/run` sets after installing every peer) a missing peer fails the test instead.
 */
export const peersRequired = process.env.JUNCTION_REQUIRE_PEERS === '1';

/** Where `go install` puts binaries, searched after PATH. */
const goBin = join(process.env.GOPATH ?? join(homedir(), 'go'), 'bin');

/** The absolute path of an executable, or undefined when it is on neither PATH nor Go's bin directory. */
export function findExecutable(command: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter), goBin, '/usr/sbin', '/sbin'];
  for (const directory of directories) {
    if (directory === '') continue;
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * The `skip` option for a test that needs `command`: false when it is present (or when peers are required,
 * so that the test runs and fails loudly), else a reason naming the command and how to get it.
 */
export function skipUnlessPeer(command: string, howToInstall: string): false | string {
  if (findExecutable(command) !== undefined || peersRequired) return false;
  return `needs ${command} (${howToInstall}); set JUNCTION_REQUIRE_PEERS=1 to make this a failure`;
}

/** The path of a peer a running test needs; throws a clear error when it is missing. */
export function peerPath(command: string): string {
  const path = findExecutable(command);
  if (path === undefined) throw new Error(`test peer ${command} is missing; .ci/run installs it`);
  return path;
}

/** Runs a peer to completion and returns its standard output (for tools such as promtool or openssl). */
export function runPeer(command: string, args: readonly string[], input?: string): string {
  return execFileSync(peerPath(command), args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}
