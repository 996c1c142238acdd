import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  canonicalName, decodeMessage, DnsFormatError, encodeName, encodeRecordBytes, readUncompressedName, RecordClass, RecordType,
} from './dns-message.js';

/**
 * Transaction signatures (TSIG, RFC 8945): an HMAC over a DNS message and a few signature variables, in a TSIG
 * record appended as the message's last additional record. A response's MAC also covers the request's MAC.
 */

/** The HMAC algorithms lego's rfc2136 provider accepts, by their DNS names, and the hash each uses. */
export const tsigAlgorithms = {
  'hmac-sha1.': 'sha1',
  'hmac-sha224.': 'sha224',
  'hmac-sha256.': 'sha256',
  'hmac-sha384.': 'sha384',
  'hmac-sha512.': 'sha512',
} as const;

export type TsigAlgorithm = keyof typeof tsigAlgorithms;

/** Whether `name` (with its trailing dot) is an algorithm this code signs with. */
export function isTsigAlgorithm(name: string): name is TsigAlgorithm {
  return Object.hasOwn(tsigAlgorithms, name);
}

export interface TsigKey {
  /** The key's name, canonical (lowercase, trailing dot) as it is signed. */
  readonly name: string;
  readonly algorithm: TsigAlgorithm;
  readonly secret: Buffer;
}

/** TSIG's own error codes (RFC 8945 §3), carried in the record with RCODE NOTAUTH. */
export const TsigErrorCode = { BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

const tsigErrorNames: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(TsigErrorCode).map(([name, code]) => [code, name]),
);

/** The TSIG error's mnemonic (`BADSIG`), or its number. */
export function tsigErrorName(code: number): string {
  return tsigErrorNames[code] ?? `TSIG error ${code}`;
}

/** A TSIG record's fields (RFC 8945 §4.2). */
export interface TsigRecord {
  readonly keyName: string;
  readonly algorithm: string;
  /** Seconds since the epoch (a 48-bit field). */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Buffer;
}

/** The fudge lego (and miekg/dns) sign with: the signature is valid five minutes either side of its time. */
export const defaultFudgeSeconds = 300;

export interface SignOptions {
  readonly timeSigned: number;
  readonly fudge?: number;
  /** For a response: the MAC of the request it answers. */
  readonly requestMac?: Buffer;
  readonly error?: number;
  readonly otherData?: Buffer;
}

/** Appends a TSIG record to `message` (whose ARCOUNT does not count it yet); returns the signed bytes and the MAC. */
export function signMessage(message: Buffer, key: TsigKey, options: SignOptions): { readonly wire: Buffer; readonly mac: Buffer } {
  const fields = {
    keyName: key.name,
    algorithm: key.algorithm,
    timeSigned: options.timeSigned,
    fudge: options.fudge ?? defaultFudgeSeconds,
    originalId: message.readUInt16BE(0),
    error: options.error ?? 0,
    otherData: options.otherData ?? Buffer.alloc(0),
  };
  const mac = computeMac(key, message, fields, options.requestMac);
  const record = encodeRecordBytes({
    name: key.name,
    type: RecordType.TSIG,
    class: RecordClass.ANY,
    ttl: 0,
    data: { kind: 'raw', bytes: encodeTsigData({ ...fields, mac }) },
  });
  const wire = Buffer.concat([message, record]);
  wire.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { wire, mac };
}

/**
 * Appends the unsigned TSIG record a server answers with when it cannot sign (RFC 8945 §5.3.2: BADKEY, BADSIG):
 * the request's key and algorithm names, an empty MAC and the error.
 */
export function appendTsigError(message: Buffer, request: TsigRecord, error: number, timeSigned: number): Buffer {
  const record = encodeRecordBytes({
    name: canonicalName(request.keyName),
    type: RecordType.TSIG,
    class: RecordClass.ANY,
    ttl: 0,
    data: {
      kind: 'raw',
      bytes: encodeTsigData({
        algorithm: request.algorithm, timeSigned, fudge: request.fudge, mac: Buffer.alloc(0),
        originalId: message.readUInt16BE(0), error, otherData: Buffer.alloc(0),
      }),
    },
  });
  const wire = Buffer.concat([message, record]);
  wire.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return wire;
}

/** A message whose TSIG record was taken off: the bytes its MAC covers, and the record. */
export interface SignedMessage {
  /** The message as it was before signing: without the TSIG record, ARCOUNT one less, the original ID. */
  readonly unsigned: Buffer;
  readonly tsig: TsigRecord;
}

/** Takes the TSIG record off `wire`; undefined when the message carries none. A TSIG record that is not last is malformed. */
export function readTsig(wire: Buffer): SignedMessage | undefined {
  const { message, lastAdditionalOffset } = decodeMessage(wire);
  const tsigIndex = message.additionals.findIndex((record) => record.type === RecordType.TSIG);
  if (tsigIndex === -1) return undefined;
  if (tsigIndex !== message.additionals.length - 1 || lastAdditionalOffset === undefined) {
    throw new DnsFormatError('the TSIG record is not the last record');
  }
  const record = message.additionals[tsigIndex]!;
  if (record.data.kind !== 'raw') throw new DnsFormatError('unreadable TSIG record');
  const tsig = decodeTsigData(record.name, record.data.bytes);
  const unsigned = Buffer.from(wire.subarray(0, lastAdditionalOffset));
  unsigned.writeUInt16BE(tsig.originalId, 0);
  unsigned.writeUInt16BE(message.additionals.length - 1, 10);
  return { unsigned, tsig };
}

/** Why a signature was refused, as the TSIG error a server would answer; undefined when it is good. */
export type TsigVerdict = undefined | 'BADKEY' | 'BADSIG' | 'BADTIME';

/** Checks a signed message against `key` at `nowSeconds`; a response also needs the MAC of its request. */
export function verifyTsig(signed: SignedMessage, key: TsigKey, nowSeconds: number, requestMac?: Buffer): TsigVerdict {
  const { tsig } = signed;
  if (canonicalName(tsig.keyName) !== key.name || canonicalName(tsig.algorithm) !== key.algorithm) return 'BADKEY';
  const expected = computeMac(key, signed.unsigned, tsig, requestMac);
  // RFC 8945 §5.2.2.1: a MAC shorter than the hash is a truncation this code does not accept.
  if (tsig.mac.length !== expected.length || !timingSafeEqual(tsig.mac, expected)) return 'BADSIG';
  if (Math.abs(nowSeconds - tsig.timeSigned) > tsig.fudge) return 'BADTIME';
  return undefined;
}

type TsigVariables = Omit<TsigRecord, 'mac'>;

/** RFC 8945 §4.3.3: [request MAC] + message + TSIG variables (names canonical and uncompressed). */
function computeMac(key: TsigKey, message: Buffer, variables: TsigVariables, requestMac: Buffer | undefined): Buffer {
  const hmac = createHmac(tsigAlgorithms[key.algorithm], key.secret);
  if (requestMac !== undefined) {
    const size = Buffer.alloc(2);
    size.writeUInt16BE(requestMac.length);
    hmac.update(size);
    hmac.update(requestMac);
  }
  hmac.update(message);
  hmac.update(encodeName(canonicalName(variables.keyName)));
  const classAndTtl = Buffer.alloc(6);
  classAndTtl.writeUInt16BE(RecordClass.ANY, 0);
  classAndTtl.writeUInt32BE(0, 2);
  hmac.update(classAndTtl);
  hmac.update(encodeName(canonicalName(variables.algorithm)));
  const tail = Buffer.alloc(12);
  writeUint48(tail, variables.timeSigned, 0);
  tail.writeUInt16BE(variables.fudge, 6);
  tail.writeUInt16BE(variables.error, 8);
  tail.writeUInt16BE(variables.otherData.length, 10);
  hmac.update(tail);
  hmac.update(variables.otherData);
  return hmac.digest();
}

function encodeTsigData(record: Omit<TsigRecord, 'keyName'>): Buffer {
  const algorithm = encodeName(canonicalName(record.algorithm));
  const fixed = Buffer.alloc(10);
  writeUint48(fixed, record.timeSigned, 0);
  fixed.writeUInt16BE(record.fudge, 6);
  fixed.writeUInt16BE(record.mac.length, 8);
  const tail = Buffer.alloc(6);
  tail.writeUInt16BE(record.originalId, 0);
  tail.writeUInt16BE(record.error, 2);
  tail.writeUInt16BE(record.otherData.length, 4);
  return Buffer.concat([algorithm, fixed, record.mac, tail, record.otherData]);
}

function decodeTsigData(keyName: string, data: Buffer): TsigRecord {
  const { name: algorithm, end } = readUncompressedName(data, 0);
  if (end + 10 > data.length) throw new DnsFormatError('TSIG record too short');
  const timeSigned = readUint48(data, end);
  const fudge = data.readUInt16BE(end + 6);
  const macSize = data.readUInt16BE(end + 8);
  const macEnd = end + 10 + macSize;
  if (macEnd + 6 > data.length) throw new DnsFormatError('TSIG record too short');
  const mac = Buffer.from(data.subarray(end + 10, macEnd));
  const originalId = data.readUInt16BE(macEnd);
  const error = data.readUInt16BE(macEnd + 2);
  const otherLength = data.readUInt16BE(macEnd + 4);
  if (macEnd + 6 + otherLength !== data.length) throw new DnsFormatError('TSIG record has a wrong length');
  const otherData = Buffer.from(data.subarray(macEnd + 6));
  return { keyName, algorithm, timeSigned, fudge, mac, originalId, error, otherData };
}

function writeUint48(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt16BE(Math.floor(value / 2 ** 32) & 0xffff, offset);
  buffer.writeUInt32BE(value >>> 0, offset + 2);
}

function readUint48(buffer: Buffer, offset: number): number {
  return buffer.readUInt16BE(offset) * 2 ** 32 + buffer.readUInt32BE(offset + 2);
}
