import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import {
  canonicalName, decodeMessage, DnsFormatError, encodeMessage, Opcode, Rcode, RecordClass, RecordType,
  type DnsMessage, type DnsQuestion, type DnsRecord,
} from '../../src/acme/dns/rfc2136/dns-message.js';
import {
  appendTsigError, readTsig, signMessage, TsigErrorCode, verifyTsig, type SignedMessage, type TsigKey,
} from '../../src/acme/dns/rfc2136/tsig.js';

/**
 * An authoritative DNS server for tests, on 127.0.0.1 over UDP and TCP (same port): it answers SOA, TXT and CNAME
 * queries from in-memory zones and applies RFC 2136 updates whose TSIG signature verifies (RFC 8945), refusing
 * the others as a real server does (NOTAUTH with BADKEY / BADSIG / BADTIME). Pebble's `-dnsserver` can point at it.
 */
export interface TestDnsServer {
  readonly host: string;
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** The TXT values at `name` now. */
  txt(name: string): string[];
  /** Every message received, in order, with how it came and what was answered. */
  readonly log: readonly DnsExchange[];
  /** Updates applied, in order. */
  readonly updates: readonly AppliedUpdate[];
  close(): Promise<void>;
}

export interface DnsExchange {
  readonly transport: 'udp' | 'tcp';
  readonly opcode: number;
  readonly question: DnsQuestion | undefined;
  readonly rcode: number;
  /** The TSIG error answered, if any. */
  readonly tsigError?: string | undefined;
}

export interface AppliedUpdate {
  readonly zone: string;
  /** The key that signed it; undefined for an unsigned update. */
  readonly keyName: string | undefined;
  readonly records: readonly DnsRecord[];
}

export interface DnsServerOptions {
  /** Zones served (apex names); every other name is REFUSED. */
  readonly zones: readonly string[];
  /** Initial records, besides each zone's SOA. */
  readonly records?: readonly { readonly name: string; readonly type: 'TXT' | 'CNAME'; readonly value: string }[];
  /** Keys accepted for updates; with keys, an unsigned update is REFUSED. */
  readonly keys?: readonly TsigKey[];
  /** Answer every UDP query with an empty truncated message, so that clients must retry over TCP. */
  readonly truncateUdp?: boolean;
  /** Shift the clock the server checks signatures against, in seconds. */
  readonly clockSkewSeconds?: number;
  /**
   * Called after an update changed the TXT records at a name, with the values now there; the update's answer
   * waits for it (so a mirror, such as challtestsrv for pebble, is current before the client goes on).
   */
  readonly onTxtChange?: (name: string, values: string[]) => Promise<void> | void;
}

export async function startDnsServer(t: TestContext | undefined, options: DnsServerOptions): Promise<TestDnsServer> {
  const zones = options.zones.map(canonicalName).sort((a, b) => b.length - a.length);
  const keys = new Map((options.keys ?? []).map((key) => [key.name, key]));
  const records = new Map<string, DnsRecord[]>();
  const log: DnsExchange[] = [];
  const updates: AppliedUpdate[] = [];
  let serial = 1;
  // Assigned once the sockets are bound; the answering functions only run after that.
  let server: TestDnsServer;
  const now = (): number => Math.floor(Date.now() / 1000) + (options.clockSkewSeconds ?? 0);

  for (const record of options.records ?? []) {
    const name = canonicalName(record.name);
    const entry: DnsRecord = record.type === 'TXT'
      ? { name, type: RecordType.TXT, class: RecordClass.IN, ttl: 60, data: { kind: 'txt', strings: [record.value] } }
      : { name, type: RecordType.CNAME, class: RecordClass.IN, ttl: 60, data: { kind: 'name', name: canonicalName(record.value) } };
    records.set(name, [...(records.get(name) ?? []), entry]);
  }

  const zoneOf = (name: string): string | undefined => zones.find((zone) => name === zone || name.endsWith(`.${zone}`));
  const soaRecord = (zone: string): DnsRecord => ({
    name: zone, type: RecordType.SOA, class: RecordClass.IN, ttl: 60,
    data: { kind: 'soa', soa: { mname: `ns.${zone}`, rname: `hostmaster.${zone}`, serial, refresh: 3600, retry: 600, expire: 86400, minimum: 60 } },
  });

  function answer(request: Buffer, transport: 'udp' | 'tcp'): Buffer | Promise<Buffer> | undefined {
    let decoded: DnsMessage;
    try {
      decoded = decodeMessage(request).message;
    } catch (error) {
      if (!(error instanceof DnsFormatError) || request.length < 12) return undefined;
      return reply(headerOnly(request), Rcode.FORMERR);
    }
    const question = decoded.questions[0];
    const record = (rcode: number, tsigError?: string): void => {
      log.push({ transport, opcode: decoded.opcode, question, rcode, tsigError });
    };
    if (transport === 'udp' && options.truncateUdp === true) {
      record(Rcode.NOERROR);
      return encodeMessage({ ...responseHeader(decoded, Rcode.NOERROR), isTruncated: true, questions: decoded.questions, answers: [], authorities: [], additionals: [] });
    }
    if (decoded.opcode === Opcode.UPDATE) return update(request, decoded, record);
    if (decoded.opcode !== Opcode.QUERY || question === undefined) {
      record(Rcode.NOTIMP);
      return reply(decoded, Rcode.NOTIMP);
    }
    const name = canonicalName(question.name);
    const zone = zoneOf(name);
    if (zone === undefined) {
      record(Rcode.REFUSED);
      return reply(decoded, Rcode.REFUSED);
    }
    const atName = records.get(name) ?? [];
    let answers: DnsRecord[];
    if (question.type === RecordType.SOA && name === zone) answers = [soaRecord(zone)];
    else {
      const cname = atName.filter((entry) => entry.type === RecordType.CNAME);
      answers = cname.length > 0 && question.type !== RecordType.CNAME ? cname : atName.filter((entry) => entry.type === question.type);
    }
    const exists = name === zone || atName.length > 0 || [...records.keys()].some((other) => other.endsWith(`.${name}`));
    const rcode = exists ? Rcode.NOERROR : Rcode.NXDOMAIN;
    record(rcode);
    return encodeMessage({
      ...responseHeader(decoded, rcode),
      questions: decoded.questions,
      answers,
      authorities: answers.length === 0 ? [soaRecord(zone)] : [],
      additionals: [],
    });
  }

  function update(request: Buffer, decoded: DnsMessage, record: (rcode: number, tsigError?: string) => void): Buffer | Promise<Buffer> {
    let signed: SignedMessage | undefined;
    try {
      signed = readTsig(request);
    } catch {
      record(Rcode.FORMERR);
      return reply(decoded, Rcode.FORMERR);
    }
    let key: TsigKey | undefined;
    if (signed !== undefined) {
      key = keys.get(canonicalName(signed.tsig.keyName));
      const verdict = key === undefined ? 'BADKEY' : verifyTsig(signed, key, now());
      if (verdict === 'BADKEY' || verdict === 'BADSIG') {
        // RFC 8945 §5.3.2: the server cannot sign with a key it does not trust for this message.
        record(Rcode.NOTAUTH, verdict);
        return appendTsigError(reply(decoded, Rcode.NOTAUTH), signed.tsig, TsigErrorCode[verdict], now());
      }
      if (verdict === 'BADTIME') {
        record(Rcode.NOTAUTH, verdict);
        const otherData = Buffer.alloc(6);
        otherData.writeUInt16BE(Math.floor(now() / 2 ** 32), 0);
        otherData.writeUInt32BE(now() >>> 0, 2);
        return signMessage(reply(decoded, Rcode.NOTAUTH), key!, {
          timeSigned: signed.tsig.timeSigned, requestMac: signed.tsig.mac, error: TsigErrorCode.BADTIME, otherData,
        }).wire;
      }
    } else if (keys.size > 0) {
      record(Rcode.REFUSED);
      return reply(decoded, Rcode.REFUSED);
    }
    const sign = (message: Buffer): Buffer =>
      signed === undefined || key === undefined ? message : signMessage(message, key, { timeSigned: now(), requestMac: signed.tsig.mac }).wire;

    const zoneEntry = decoded.questions[0];
    const zone = zoneEntry === undefined ? undefined : canonicalName(zoneEntry.name);
    if (decoded.questions.length !== 1 || zoneEntry?.type !== RecordType.SOA || zone === undefined) {
      record(Rcode.FORMERR);
      return sign(reply(decoded, Rcode.FORMERR));
    }
    if (!zones.includes(zone)) {
      record(Rcode.NOTAUTH);
      return sign(reply(decoded, Rcode.NOTAUTH));
    }
    for (const change of decoded.authorities) {
      if (zoneOf(canonicalName(change.name)) !== zone) {
        record(Rcode.NOTZONE);
        return sign(reply(decoded, Rcode.NOTZONE));
      }
    }
    // RFC 2136 §3.4.2: additions (zone class), RRset deletions (ANY, empty), single-record deletions (NONE).
    for (const change of decoded.authorities) {
      const name = canonicalName(change.name);
      const existing = records.get(name) ?? [];
      if (change.class === RecordClass.IN) {
        if (!existing.some((entry) => sameRecord(entry, change))) records.set(name, [...existing, { ...change, name }]);
      } else if (change.class === RecordClass.ANY) {
        records.set(name, existing.filter((entry) => change.type !== RecordType.ANY && entry.type !== change.type));
      } else if (change.class === RecordClass.NONE) {
        records.set(name, existing.filter((entry) => !sameRecord(entry, change)));
      } else {
        record(Rcode.FORMERR);
        return sign(reply(decoded, Rcode.FORMERR));
      }
      if (records.get(name)?.length === 0) records.delete(name);
    }
    serial += 1;
    updates.push({ zone, keyName: key?.name, records: decoded.authorities });
    record(Rcode.NOERROR);
    const answered = sign(reply(decoded, Rcode.NOERROR));
    const onTxtChange = options.onTxtChange;
    if (onTxtChange === undefined) return answered;
    const changed = [...new Set(decoded.authorities.filter((change) => change.type === RecordType.TXT || change.type === RecordType.ANY)
      .map((change) => canonicalName(change.name)))];
    return (async () => {
      for (const name of changed) await onTxtChange(name, server.txt(name));
      return answered;
    })();
  }

  /** An answer echoing the question (for UPDATE, the zone section: RFC 2136 §3.8) and nothing else. */
  function reply(request: DnsMessage, rcode: number): Buffer {
    return encodeMessage({ ...responseHeader(request, rcode), questions: request.questions, answers: [], authorities: [], additionals: [] });
  }

  const { udp, tcp, port } = await bindBoth((message, transport) => answer(message, transport));
  server = {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    txt: (name) => (records.get(canonicalName(name)) ?? [])
      .flatMap((entry) => (entry.type === RecordType.TXT && entry.data.kind === 'txt' ? [entry.data.strings.join('')] : [])),
    log,
    updates,
    close: () => new Promise<void>((resolve) => {
      udp.close();
      tcp.close(() => resolve());
      for (const socket of openSockets.get(tcp) ?? []) socket.destroy();
    }),
  };
  t?.after(() => server.close());
  return server;
}

function sameRecord(a: DnsRecord, b: DnsRecord): boolean {
  if (a.type !== b.type || canonicalName(a.name) !== canonicalName(b.name)) return false;
  if (a.data.kind === 'txt' && b.data.kind === 'txt') return a.data.strings.join('\u0000') === b.data.strings.join('\u0000');
  if (a.data.kind === 'name' && b.data.kind === 'name') return canonicalName(a.data.name) === canonicalName(b.data.name);
  return false;
}

function responseHeader(request: DnsMessage, rcode: number): Omit<DnsMessage, 'questions' | 'answers' | 'authorities' | 'additionals'> {
  return {
    id: request.id, isResponse: true, opcode: request.opcode, isAuthoritative: true, isTruncated: false,
    recursionDesired: request.recursionDesired, recursionAvailable: false, rcode,
  };
}

/** The header of a message that did not decode, enough to answer FORMERR to the right ID. */
function headerOnly(request: Buffer): DnsMessage {
  const flags = request.readUInt16BE(2);
  return {
    id: request.readUInt16BE(0), isResponse: false, opcode: (flags >> 11) & 0xf, isAuthoritative: false,
    isTruncated: false, recursionDesired: (flags & 0x0100) !== 0, recursionAvailable: false, rcode: 0,
    questions: [], answers: [], authorities: [], additionals: [],
  };
}

const openSockets = new WeakMap<Server, Set<Socket>>();

type Answerer = (message: Buffer, transport: 'udp' | 'tcp') => Buffer | Promise<Buffer> | undefined;

/** Binds UDP on a free port, then TCP on the same one, trying again when another program holds that TCP port. */
async function bindBoth(answer: Answerer): Promise<{ udp: UdpSocket; tcp: Server; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const tcp = createServer();
    const sockets = new Set<Socket>();
    openSockets.set(tcp, sockets);
    const isBound = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!isBound) {
      udp.close();
      if (attempt >= 20) throw new Error('could not bind UDP and TCP on one port');
      continue;
    }
    udp.on('message', (message, remote) => {
      void Promise.resolve(answer(message, 'udp')).then((reply) => {
        try {
          if (reply !== undefined) udp.send(reply, remote.port, remote.address);
        } catch {
          // closed while the answer was being prepared
        }
      });
    });
    tcp.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= pending.readUInt16BE(0) + 2) {
          const size = pending.readUInt16BE(0);
          const message = Buffer.from(pending.subarray(2, size + 2));
          pending = pending.subarray(size + 2);
          void Promise.resolve(answer(message, 'tcp')).then((reply) => {
            if (reply === undefined || socket.destroyed) return;
            const length = Buffer.alloc(2);
            length.writeUInt16BE(reply.length);
            socket.write(Buffer.concat([length, reply]));
          });
        }
      });
    });
    return { udp, tcp, port };
  }
}
