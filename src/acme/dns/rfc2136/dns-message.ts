/**
 * The DNS wire format (RFC 1035 §4) for what dynamic updates need: queries, UPDATE messages (RFC 2136 §2, whose
 * zone, prerequisite and update sections sit where a query's question, answer and authority are) and their
 * answers. Encoding never compresses names; decoding follows compression pointers. Record data is kept raw except
 * for the types this provider reads (SOA, CNAME, TXT).
 */

export const RecordType = { A: 1, NS: 2, CNAME: 5, SOA: 6, TXT: 16, AAAA: 28, OPT: 41, TSIG: 250, ANY: 255 } as const;
export const RecordClass = { IN: 1, NONE: 254, ANY: 255 } as const;
export const Opcode = { QUERY: 0, UPDATE: 5 } as const;
export const Rcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5,
  YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10,
} as const;

const rcodeNames: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(Rcode).map(([name, code]) => [code, name]));

/** The RCODE's mnemonic (`NOTAUTH`), or its number when it has none here. */
export function rcodeName(rcode: number): string {
  return rcodeNames[rcode] ?? `RCODE${rcode}`;
}

export interface SoaData {
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

/** A record's data: decoded for the types this code reads, raw bytes for the rest (and for empty deletions). */
export type RecordData =
  | { readonly kind: 'txt'; readonly strings: readonly string[] }
  | { readonly kind: 'soa'; readonly soa: SoaData }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'raw'; readonly bytes: Buffer };

export interface DnsRecord {
  /** Absolute name with its trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly data: RecordData;
}

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export interface DnsHeader {
  readonly id: number;
  readonly isResponse: boolean;
  readonly opcode: number;
  readonly isAuthoritative: boolean;
  readonly isTruncated: boolean;
  readonly recursionDesired: boolean;
  readonly recursionAvailable: boolean;
  readonly rcode: number;
}

/** A whole message; for UPDATE, `questions` is the zone section, `answers` the prerequisites, `authorities` the updates. */
export interface DnsMessage extends DnsHeader {
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

/** The message is not valid DNS wire format. */
export class DnsFormatError extends Error {
  constructor(reason: string) {
    super(`malformed DNS message: ${reason}`);
    this.name = 'DnsFormatError';
  }
}

/** Encodes `message` without name compression. */
export function encodeMessage(message: DnsMessage): Buffer {
  const writer = new Writer();
  writer.u16(message.id);
  writer.u16(
    (message.isResponse ? 0x8000 : 0) | ((message.opcode & 0xf) << 11) | (message.isAuthoritative ? 0x0400 : 0)
    | (message.isTruncated ? 0x0200 : 0) | (message.recursionDesired ? 0x0100 : 0)
    | (message.recursionAvailable ? 0x0080 : 0) | (message.rcode & 0xf),
  );
  writer.u16(message.questions.length);
  writer.u16(message.answers.length);
  writer.u16(message.authorities.length);
  writer.u16(message.additionals.length);
  for (const question of message.questions) {
    writer.name(question.name);
    writer.u16(question.type);
    writer.u16(question.class);
  }
  for (const record of [...message.answers, ...message.authorities, ...message.additionals]) encodeRecord(writer, record);
  return writer.toBuffer();
}

/** Encodes one record (owner, type, class, TTL, RDLENGTH and RDATA). */
export function encodeRecordBytes(record: DnsRecord): Buffer {
  const writer = new Writer();
  encodeRecord(writer, record);
  return writer.toBuffer();
}

/** Encodes a name in canonical uncompressed form (RFC 4034 §6.2 lowercases it; callers decide). */
export function encodeName(name: string): Buffer {
  const writer = new Writer();
  writer.name(name);
  return writer.toBuffer();
}

function encodeRecord(writer: Writer, record: DnsRecord): void {
  writer.name(record.name);
  writer.u16(record.type);
  writer.u16(record.class);
  writer.u32(record.ttl);
  const lengthAt = writer.reserveU16();
  const start = writer.length;
  const data = record.data;
  switch (data.kind) {
    case 'txt':
      for (const text of data.strings) {
        const bytes = Buffer.from(text, 'utf8');
        if (bytes.length > 255) throw new DnsFormatError(`TXT string longer than 255 bytes in ${record.name}`);
        writer.u8(bytes.length);
        writer.bytes(bytes);
      }
      break;
    case 'soa':
      writer.name(data.soa.mname);
      writer.name(data.soa.rname);
      writer.u32(data.soa.serial);
      writer.u32(data.soa.refresh);
      writer.u32(data.soa.retry);
      writer.u32(data.soa.expire);
      writer.u32(data.soa.minimum);
      break;
    case 'name':
      writer.name(data.name);
      break;
    case 'raw':
      writer.bytes(data.bytes);
      break;
  }
  writer.patchU16(lengthAt, writer.length - start);
}

/** Where each section's records start, so that a TSIG record can be cut off the bytes it signs. */
export interface DecodedMessage {
  readonly message: DnsMessage;
  /** The offset of the last additional record, when there is one (a TSIG record must be last). */
  readonly lastAdditionalOffset: number | undefined;
}

/** Decodes a whole message; throws DnsFormatError on anything malformed or trailing. */
export function decodeMessage(buffer: Buffer): DecodedMessage {
  const reader = new Reader(buffer);
  const id = reader.u16();
  const flags = reader.u16();
  const counts = [reader.u16(), reader.u16(), reader.u16(), reader.u16()] as const;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push({ name: reader.name(), type: reader.u16(), class: reader.u16() });
  const sections: DnsRecord[][] = [[], [], []];
  let lastAdditionalOffset: number | undefined;
  for (let section = 0; section < 3; section++) {
    for (let i = 0; i < counts[section + 1]!; i++) {
      if (section === 2) lastAdditionalOffset = reader.offset;
      sections[section]!.push(decodeRecord(reader));
    }
  }
  if (reader.offset !== buffer.length) throw new DnsFormatError(`${buffer.length - reader.offset} bytes after the last record`);
  return {
    message: {
      id,
      isResponse: (flags & 0x8000) !== 0,
      opcode: (flags >> 11) & 0xf,
      isAuthoritative: (flags & 0x0400) !== 0,
      isTruncated: (flags & 0x0200) !== 0,
      recursionDesired: (flags & 0x0100) !== 0,
      recursionAvailable: (flags & 0x0080) !== 0,
      rcode: flags & 0xf,
      questions,
      answers: sections[0]!,
      authorities: sections[1]!,
      additionals: sections[2]!,
    },
    lastAdditionalOffset,
  };
}

/** Reads only the header flags: enough to see truncation before a full decode. */
export function isTruncatedMessage(buffer: Buffer): boolean {
  return buffer.length >= 4 && (buffer.readUInt16BE(2) & 0x0200) !== 0;
}

function decodeRecord(reader: Reader): DnsRecord {
  const name = reader.name();
  const type = reader.u16();
  const klass = reader.u16();
  const ttl = reader.u32();
  const length = reader.u16();
  const end = reader.offset + length;
  if (end > reader.buffer.length) throw new DnsFormatError(`record ${name} runs past the end of the message`);
  let data: RecordData;
  if (length === 0) {
    data = { kind: 'raw', bytes: Buffer.alloc(0) };
  } else if (type === RecordType.TXT) {
    const strings: string[] = [];
    while (reader.offset < end) {
      const size = reader.u8();
      strings.push(reader.bytes(size).toString('utf8'));
    }
    data = { kind: 'txt', strings };
  } else if (type === RecordType.SOA) {
    data = {
      kind: 'soa',
      soa: {
        mname: reader.name(), rname: reader.name(),
        serial: reader.u32(), refresh: reader.u32(), retry: reader.u32(), expire: reader.u32(), minimum: reader.u32(),
      },
    };
  } else if (type === RecordType.CNAME || type === RecordType.NS) {
    data = { kind: 'name', name: reader.name() };
  } else {
    data = { kind: 'raw', bytes: Buffer.from(reader.bytes(length)) };
  }
  if (reader.offset !== end) throw new DnsFormatError(`record ${name} has a wrong data length`);
  return { name, type, class: klass, ttl, data };
}

/** Compares names as DNS does: without regard to ASCII case, with or without the root's dot. */
export function sameName(a: string, b: string): boolean {
  return canonicalName(a) === canonicalName(b);
}

/** Lowercase with the trailing dot (RFC 4034 §6.2). */
export function canonicalName(name: string): string {
  const lowered = name.toLowerCase();
  return lowered.endsWith('.') ? lowered : `${lowered}.`;
}

class Writer {
  #buffer = Buffer.alloc(512);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  u8(value: number): void {
    this.#ensure(1);
    this.#buffer.writeUInt8(value, this.#length);
    this.#length += 1;
  }

  u16(value: number): void {
    this.#ensure(2);
    this.#buffer.writeUInt16BE(value, this.#length);
    this.#length += 2;
  }

  u32(value: number): void {
    this.#ensure(4);
    this.#buffer.writeUInt32BE(value >>> 0, this.#length);
    this.#length += 4;
  }

  bytes(value: Uint8Array): void {
    this.#ensure(value.length);
    this.#buffer.set(value, this.#length);
    this.#length += value.length;
  }

  reserveU16(): number {
    const at = this.#length;
    this.u16(0);
    return at;
  }

  patchU16(at: number, value: number): void {
    this.#buffer.writeUInt16BE(value, at);
  }

  name(name: string): void {
    const labels = name === '.' || name === '' ? [] : (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
    let total = 1;
    for (const label of labels) {
      const bytes = Buffer.from(label, 'ascii');
      if (bytes.length === 0 || bytes.length > 63) throw new DnsFormatError(`invalid label in name "${name}"`);
      total += bytes.length + 1;
      this.u8(bytes.length);
      this.bytes(bytes);
    }
    if (total > 255) throw new DnsFormatError(`name "${name}" is longer than 255 bytes`);
    this.u8(0);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.#buffer.subarray(0, this.#length));
  }

  #ensure(size: number): void {
    if (this.#length + size <= this.#buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.#buffer.length * 2, this.#length + size));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

class Reader {
  readonly buffer: Buffer;
  offset = 0;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  u8(): number {
    this.#need(1);
    return this.buffer.readUInt8(this.offset++);
  }

  u16(): number {
    this.#need(2);
    const value = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.#need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(size: number): Buffer {
    this.#need(size);
    const value = this.buffer.subarray(this.offset, this.offset + size);
    this.offset += size;
    return value;
  }

  /** Reads a possibly compressed name; pointers may only point backwards, which also rules out loops. */
  name(): string {
    const labels: string[] = [];
    let position = this.offset;
    let resumeAt: number | undefined;
    let limit = position;
    for (;;) {
      if (position >= this.buffer.length) throw new DnsFormatError('name runs past the end of the message');
      const size = this.buffer[position]!;
      if ((size & 0xc0) === 0xc0) {
        if (position + 1 >= this.buffer.length) throw new DnsFormatError('truncated compression pointer');
        const target = ((size & 0x3f) << 8) | this.buffer[position + 1]!;
        if (target >= limit) throw new DnsFormatError('compression pointer does not point backwards');
        resumeAt ??= position + 2;
        limit = target;
        position = target;
        continue;
      }
      if ((size & 0xc0) !== 0) throw new DnsFormatError('unknown label type');
      position += 1;
      if (size === 0) break;
      if (position + size > this.buffer.length) throw new DnsFormatError('label runs past the end of the message');
      labels.push(this.buffer.toString('latin1', position, position + size));
      position += size;
    }
    this.offset = resumeAt ?? position;
    return labels.length === 0 ? '.' : `${labels.join('.')}.`;
  }

  #need(size: number): void {
    if (this.offset + size > this.buffer.length) throw new DnsFormatError('message ends too early');
  }
}

/** Reads an uncompressed name (as inside TSIG data) at `offset` of `buffer`; returns it and where it ends. */
export function readUncompressedName(buffer: Buffer, offset: number): { readonly name: string; readonly end: number } {
  const labels: string[] = [];
  let position = offset;
  for (;;) {
    if (position >= buffer.length) throw new DnsFormatError('name runs past the end of its data');
    const size = buffer[position]!;
    if ((size & 0xc0) !== 0) throw new DnsFormatError('compressed name where none is allowed');
    position += 1;
    if (size === 0) break;
    if (position + size > buffer.length) throw new DnsFormatError('label runs past the end of its data');
    labels.push(buffer.toString('latin1', position, position + size));
    position += size;
  }
  return { name: labels.length === 0 ? '.' : `${labels.join('.')}.`, end: position };
}
