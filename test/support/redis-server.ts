import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { peerPath, skipUnlessPeer } from './peers.js';
import { freePort } from './ports.js';
import { until } from './until.js';

/** The `skip` option for tests that need a real Redis. */
export const skipUnlessRedis = (): false | string => skipUnlessPeer('redis-server', 'apt-get install redis-server');

export interface RedisServerOptions {
  /** Serve TLS (only) with this certificate and key (files), as `rediss://` clients expect. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string } | undefined;
  /** Require this password (`requirepass`) for the default user. */
  readonly password?: string | undefined;
}

/** A `redis-server` on a loopback port of its own, without persistence; stoppable and restartable on the same port. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (or `rediss://` for a TLS server). */
  readonly url: string;
  /** Kills the server, as a crash or a network cut would look to clients. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** Starts a Redis server for the test; it stops when the test ends. */
export async function startRedisServer(t: TestContext, options: RedisServerOptions = {}): Promise<RedisServer> {
  const directory = await mkdtemp(join(tmpdir(), 'junction-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory, '--protected-mode', 'no'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  if (options.tls === undefined) args.push('--port', String(port));
  else args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.certFile, '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no');

  const server: RedisServer = {
    port,
    url: `${options.tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    async stop() {
      if (child === undefined || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    async start() {
      output = '';
      const started = spawn(peerPath('redis-server'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await until(() => {
        if (started.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
        return output.includes('Ready to accept connections') && acceptsConnections(port);
      }, { timeoutMs: 20_000, intervalMs: 50, message: `redis-server on port ${port}` });
    },
  };
  t.after(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });
  await server.start();
  return server;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
