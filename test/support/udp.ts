import { Buffer } from 'node:buffer';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { TestContext } from 'node:test';

/** A datagram as a UDP backend received it. */
export interface ReceivedDatagram {
  readonly text: string;
  /** Address and port it came from: one per Junction session. */
  readonly from: string;
}

export interface UdpBackend {
  readonly name: string;
  readonly port: number;
  readonly address: string;
  readonly received: ReceivedDatagram[];
  close(): Promise<void>;
}

/**
 * A UDP server like traefik/whoamiudp: `WHO` is answered with `Hostname: <name>` and its IP, anything else
 * with `Received: <datagram>`. Records every datagram with its source.
 */
export async function startUdpBackend(t: TestContext | undefined, options: { name: string; host?: string }): Promise<UdpBackend> {
  const host = options.host ?? '127.0.0.1';
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const received: ReceivedDatagram[] = [];
  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    const text = message.toString('utf8');
    received.push({ text, from: `${remote.address}:${remote.port}` });
    const answer = text.trim() === 'WHO' ? Buffer.from(`Hostname: ${options.name}\nIP: ${host}\n`) : Buffer.concat([Buffer.from('Received: '), message]);
    socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  let closing: Promise<void> | undefined;
  const backend: UdpBackend = {
    name: options.name,
    port: socket.address().port,
    address: `${host.includes(':') ? `[${host}]` : host}:${socket.address().port}`,
    received,
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
  t?.after(() => backend.close());
  return backend;
}

/** A UDP client on its own source port: one Junction session per client. */
export interface UdpClient {
  readonly port: number;
  /** Sends a datagram and resolves with the next datagram received, or undefined after `timeoutMs`. */
  request(text: string, options?: { timeoutMs?: number }): Promise<string | undefined>;
  /** Sends `WHO` and returns the backend's name from the answer. */
  who(options?: { timeoutMs?: number }): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function udpClient(t: TestContext | undefined, port: number, host = '127.0.0.1'): Promise<UdpClient> {
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, host.includes(':') ? '::1' : '127.0.0.1', resolve));
  const inbox: string[] = [];
  let waiter: ((text: string) => void) | undefined;
  socket.on('message', (message: Buffer) => {
    const text = message.toString('utf8');
    if (waiter !== undefined) waiter(text);
    else inbox.push(text);
  });
  const request = (text: string, options: { timeoutMs?: number } = {}): Promise<string | undefined> => {
    inbox.length = 0;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        resolve(undefined);
      }, options.timeoutMs ?? 5000);
      waiter = (answer) => {
        clearTimeout(timer);
        waiter = undefined;
        resolve(answer);
      };
      socket.send(text, port, host);
    });
  };
  let closing: Promise<void> | undefined;
  const client: UdpClient = {
    port: socket.address().port,
    request,
    async who(options) {
      const answer = await request('WHO', options);
      return answer === undefined ? undefined : /^Hostname: (.*)$/m.exec(answer)?.[1];
    },
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
  t?.after(() => client.close());
  return client;
}
