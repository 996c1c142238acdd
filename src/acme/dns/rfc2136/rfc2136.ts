import { randomInt } from 'node:crypto';
import { defaultPollingIntervalMs, defaultPropagationTimeoutMs, defaultTtlSeconds, type DnsProvider } from '../dns-provider.js';
import { ProviderEnv } from '../provider-env.js';
import {
  canonicalName, decodeMessage, encodeMessage, Opcode, Rcode, rcodeName, RecordClass, RecordType,
  type DnsMessage, type DnsRecord,
} from './dns-message.js';
import { describe, exchangeDns, type NameserverAddress } from './dns-exchange.js';
import { readTsig, signMessage, tsigErrorName, verifyTsig, isTsigAlgorithm, type TsigKey } from './tsig.js';
import { readTsigKeyFile } from './tsig-key-file.js';

export interface Rfc2136Config {
  readonly nameserver: NameserverAddress;
  /** Zones to update, longest first; empty: the zone is found by asking the nameserver for SOA records. */
  readonly zones: readonly string[];
  /** Absent: updates are sent unsigned. */
  readonly tsig?: TsigKey | undefined;
  readonly ttlSeconds: number;
  readonly dnsTimeoutMs: number;
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly sequenceIntervalMs: number;
}

/** lego reads `DNSUPDATE_*` first and the older `RFC2136_*` name after. */
function oldName(name: string): string {
  return name.replace(/^DNSUPDATE_/, 'RFC2136_');
}

/** Reads lego's `DNSUPDATE_*` (or `RFC2136_*`) variables; `provider` is the name used (`rfc2136` or `dnsupdate`). */
export function rfc2136ConfigFromEnv(env: NodeJS.ProcessEnv, provider = 'rfc2136'): Rfc2136Config {
  const vars = new ProviderEnv(provider, env);
  const read = (name: string): string | undefined => vars.optional(name, [oldName(name)]);
  const { DNSUPDATE_NAMESERVER: nameserverText } = vars.requiredWithFallbacks([['DNSUPDATE_NAMESERVER', oldName('DNSUPDATE_NAMESERVER')]]);
  const nameserver = parseNameserver(nameserverText!, vars);

  let algorithmName = read('DNSUPDATE_TSIG_ALGORITHM') ?? 'hmac-sha1.';
  let keyName = read('DNSUPDATE_TSIG_KEY') ?? '';
  let secretText = read('DNSUPDATE_TSIG_SECRET') ?? '';
  if (canonicalName(algorithmName) === 'gss-tsig.') {
    throw vars.error('TSIG GSS (Kerberos, RFC 3645) is not supported yet; use an HMAC key');
  }
  const keyFile = read('DNSUPDATE_TSIG_FILE');
  if (keyFile !== undefined) {
    let key;
    try {
      key = readTsigKeyFile(keyFile);
    } catch (error) {
      throw vars.error(`read TSIG file ${keyFile}: ${(error as Error).message}`);
    }
    // As in lego, the file's algorithm replaces the variable's, and a file without one means hmac-sha1.
    algorithmName = key.algorithm === '' ? 'hmac-sha1.' : key.algorithm;
    keyName = key.name;
    secretText = key.secret;
  }
  const algorithm = algorithmName.endsWith('.') ? algorithmName : `${algorithmName}.`;
  if (!isTsigAlgorithm(algorithm)) throw vars.error(`unsupported TSIG algorithm: ${algorithm}`);

  let tsig: TsigKey | undefined;
  if (keyName !== '' && secretText !== '') {
    const secret = Buffer.from(secretText, 'base64');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(secretText) || secret.length === 0) {
      throw vars.error('DNSUPDATE_TSIG_SECRET: the TSIG secret is not valid base64');
    }
    tsig = { name: canonicalName(keyName), algorithm, secret };
  }

  const zones = (read('DNSUPDATE_ZONES') ?? '').split(',').map((zone) => zone.trim()).filter((zone) => zone !== '')
    .map(canonicalName)
    .sort((a, b) => labelCount(b) - labelCount(a));

  return {
    nameserver,
    zones,
    tsig,
    ttlSeconds: vars.integer('DNSUPDATE_TTL', defaultTtlSeconds, ['RFC2136_TTL']),
    dnsTimeoutMs: vars.secondsAsMs('DNSUPDATE_DNS_TIMEOUT', 10_000, ['RFC2136_DNS_TIMEOUT']),
    propagationTimeoutMs: vars.secondsAsMs(
      'DNSUPDATE_PROPAGATION_TIMEOUT', defaultPropagationTimeoutMs, ['RFC2136_PROPAGATION_TIMEOUT', 'DNSUPDATE_TIMEOUT'],
    ),
    pollingIntervalMs: vars.secondsAsMs('DNSUPDATE_POLLING_INTERVAL', defaultPollingIntervalMs, ['RFC2136_POLLING_INTERVAL']),
    sequenceIntervalMs: vars.secondsAsMs('DNSUPDATE_SEQUENCE_INTERVAL', defaultPropagationTimeoutMs, ['RFC2136_SEQUENCE_INTERVAL']),
  };
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`; port 53 when none is given, as lego's `net.SplitHostPort` handling. */
function parseNameserver(text: string, vars: ProviderEnv): NameserverAddress {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (match === null) throw vars.error(`DNSUPDATE_NAMESERVER: invalid address "${text}"; expected host or host:port`);
  const port = match[2] === undefined ? 53 : Number.parseInt(match[2], 10);
  if (port < 1 || port > 65535) throw vars.error(`DNSUPDATE_NAMESERVER: port "${match[2]}" is out of range 1-65535`);
  return { host: match[1]!, port };
}

/**
 * Publishes the challenge with DNS UPDATE (RFC 2136) messages signed with TSIG (RFC 8945), as lego's `rfc2136`
 * provider: to present, delete the TXT RRset at the name then add the record; to clean up, delete that one record.
 */
export class Rfc2136Provider implements DnsProvider {
  readonly name: string;
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  /** One challenge at a time: presenting one replaces the TXT RRset, so two at one name would erase each other. */
  readonly sequenceIntervalMs: number;
  readonly #config: Rfc2136Config;

  constructor(config: Rfc2136Config, name = 'rfc2136') {
    this.name = name;
    this.#config = config;
    this.propagationTimeoutMs = config.propagationTimeoutMs;
    this.pollingIntervalMs = config.pollingIntervalMs;
    this.sequenceIntervalMs = config.sequenceIntervalMs;
  }

  async present(_domain: string, fqdn: string, value: string): Promise<void> {
    const record = this.#txtRecord(fqdn, value, RecordClass.IN, this.#config.ttlSeconds);
    const removeRrset: DnsRecord = { name: record.name, type: RecordType.TXT, class: RecordClass.ANY, ttl: 0, data: { kind: 'raw', bytes: Buffer.alloc(0) } };
    try {
      await this.#update('INSERT', fqdn, [removeRrset, record]);
    } catch (error) {
      throw new Error(`${this.name}: failed to insert: ${(error as Error).message}`);
    }
  }

  async cleanup(_domain: string, fqdn: string, value: string): Promise<void> {
    try {
      await this.#update('REMOVE', fqdn, [this.#txtRecord(fqdn, value, RecordClass.NONE, 0)]);
    } catch (error) {
      throw new Error(`${this.name}: failed to remove: ${(error as Error).message}`);
    }
  }

  #txtRecord(fqdn: string, value: string, klass: number, ttl: number): DnsRecord {
    return { name: canonicalName(fqdn), type: RecordType.TXT, class: klass, ttl, data: { kind: 'txt', strings: [value] } };
  }

  async #update(action: 'INSERT' | 'REMOVE', fqdn: string, updates: readonly DnsRecord[]): Promise<void> {
    const { nameserver, dnsTimeoutMs, tsig } = this.#config;
    const zone = await this.#findZone(canonicalName(fqdn));
    const message: DnsMessage = {
      ...header(Opcode.UPDATE, false),
      questions: [{ name: zone, type: RecordType.SOA, class: RecordClass.IN }],
      answers: [],
      authorities: updates,
      additionals: [],
    };
    let wire = encodeMessage(message);
    let requestMac: Buffer | undefined;
    if (tsig !== undefined) {
      const signed = signMessage(wire, tsig, { timeSigned: nowSeconds() });
      wire = signed.wire;
      requestMac = signed.mac;
    }
    let answer: Buffer;
    try {
      answer = await exchangeDns(wire, nameserver, dnsTimeoutMs);
    } catch (error) {
      throw new Error(`DNS update failed: ${(error as Error).message}`);
    }
    const { message: reply } = decodeMessage(answer);
    const tsigNote = tsig === undefined ? '' : checkAnswerSignature(answer, tsig, requestMac!, reply.rcode);
    if (reply.rcode !== Rcode.NOERROR || tsigNote !== '') {
      throw new Error(`DNS update failed: server ${describe(nameserver)} replied ${rcodeName(reply.rcode)}${tsigNote} for ${action} ${zone}`);
    }
  }

  /** The zone that holds `fqdn`: from DNSUPDATE_ZONES when set, else the first name up the tree the nameserver has a SOA for. */
  async #findZone(fqdn: string): Promise<string> {
    const { zones, nameserver, dnsTimeoutMs } = this.#config;
    if (zones.length > 0) {
      for (const candidate of parentDomains(fqdn)) {
        const zone = zones.find((z) => candidate === z || candidate.endsWith(`.${z}`));
        if (zone !== undefined) return zone;
      }
      throw new Error(`zone for ${fqdn} not found`);
    }
    let lastFailure = '';
    for (const candidate of parentDomains(fqdn)) {
      const query = encodeMessage({
        ...header(Opcode.QUERY, true),
        questions: [{ name: candidate, type: RecordType.SOA, class: RecordClass.IN }],
        answers: [],
        authorities: [],
        // EDNS(0) with a 4096-byte UDP payload, as lego asks.
        additionals: [{ name: '.', type: RecordType.OPT, class: 4096, ttl: 0, data: { kind: 'raw', bytes: Buffer.alloc(0) } }],
      });
      let reply: DnsMessage;
      try {
        reply = decodeMessage(await exchangeDns(query, nameserver, dnsTimeoutMs)).message;
      } catch (error) {
        lastFailure = `: ${(error as Error).message}`;
        continue;
      }
      if (reply.rcode === Rcode.NXDOMAIN) continue;
      if (reply.rcode !== Rcode.NOERROR) throw new Error(`[fqdn=${fqdn}] unexpected response for '${candidate}': ${rcodeName(reply.rcode)}`);
      // A zone's apex cannot be a CNAME, so a name answering with one is not a zone.
      if (reply.answers.some((record) => record.type === RecordType.CNAME)) continue;
      const soa = reply.answers.find((record) => record.type === RecordType.SOA);
      if (soa !== undefined) return canonicalName(soa.name);
    }
    throw new Error(`[fqdn=${fqdn}] could not find the start of authority for '${fqdn}'${lastFailure}`);
  }
}

/**
 * A signed request's answer must be signed with the same key and cover the request's MAC (RFC 8945 §5.3);
 * returns what is wrong with it (` (TSIG BADSIG)`), or '' when the signature holds. An error answer the server
 * could not sign (it did not know the key or could not verify the request) names the TSIG error it carries.
 */
function checkAnswerSignature(answer: Buffer, key: TsigKey, requestMac: Buffer, rcode: number): string {
  const signed = readTsig(answer);
  if (signed === undefined) return rcode === Rcode.NOERROR ? ' (answer not signed)' : '';
  if (signed.tsig.error !== 0) return ` (TSIG ${tsigErrorName(signed.tsig.error)})`;
  const verdict = verifyTsig(signed, key, nowSeconds(), requestMac);
  return verdict === undefined ? '' : ` (answer's TSIG: ${verdict})`;
}

function header(opcode: number, recursionDesired: boolean): Omit<DnsMessage, 'questions' | 'answers' | 'authorities' | 'additionals'> {
  return {
    id: randomInt(0x10000),
    isResponse: false,
    opcode,
    isAuthoritative: false,
    isTruncated: false,
    recursionDesired,
    recursionAvailable: false,
    rcode: 0,
  };
}

/** `a.b.example.com.`, `b.example.com.`, `example.com.`, `com.`: the name and each parent but the root. */
function parentDomains(fqdn: string): string[] {
  const labels = fqdn.slice(0, -1).split('.');
  return labels.map((_, index) => `${labels.slice(index).join('.')}.`);
}

function labelCount(name: string): number {
  return name.split('.').length;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
