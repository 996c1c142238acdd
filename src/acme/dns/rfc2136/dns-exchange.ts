import { createSocket } from 'node:dgram';
import { isIP, Socket } from 'node:net';
import { isTruncatedMessage } from './dns-message.js';

/** A nameserver's address. */
export interface NameserverAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Sends one message and returns the answer carrying the same ID: over UDP, again over TCP when the answer is
 * truncated (RFC 7766), as miekg/dns's client does for lego. The timeout covers each transport's exchange.
 */
export async function exchangeDns(message: Buffer, server: NameserverAddress, timeoutMs: number): Promise<Buffer> {
  const answer = await exchangeUdp(message, server, timeoutMs);
  return isTruncatedMessage(answer) ? exchangeTcp(message, server, timeoutMs) : answer;
}

/** One datagram out, the first datagram back with the request's ID. */
export function exchangeUdp(message: Buffer, server: NameserverAddress, timeoutMs: number): Promise<Buffer> {
  const id = message.readUInt16BE(0);
  const socket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from ${describe(server)} over UDP within ${timeoutMs} ms`)), timeoutMs);
    let isSettled = false;
    const finish = (outcome: Buffer | Error): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      socket.close();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.on('message', (answer) => {
      // Answers to someone else (or spoofed ones) are dropped; the timer keeps running.
      if (answer.length >= 2 && answer.readUInt16BE(0) === id) finish(answer);
    });
    socket.once('error', (error) => finish(new Error(`UDP exchange with ${describe(server)} failed: ${error.message}`)));
    socket.send(message, server.port, server.host);
  });
}

/** One length-prefixed message out on a fresh connection, one back (RFC 1035 §4.2.2). */
export function exchangeTcp(message: Buffer, server: NameserverAddress, timeoutMs: number): Promise<Buffer> {
  const socket = new Socket();
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from ${describe(server)} over TCP within ${timeoutMs} ms`)), timeoutMs);
    let received = Buffer.alloc(0);
    let isSettled = false;
    const finish = (outcome: Buffer | Error): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const size = received.readUInt16BE(0);
      if (received.length >= size + 2) finish(Buffer.from(received.subarray(2, size + 2)));
    });
    socket.once('error', (error) => finish(new Error(`TCP exchange with ${describe(server)} failed: ${error.message}`)));
    socket.once('close', () => finish(new Error(`${describe(server)} closed the TCP connection without an answer`)));
    socket.connect(server.port, server.host, () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
  });
}

/** `host:port`, with brackets around an IPv6 address. */
export function describe(server: NameserverAddress): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}
