import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/**
 * A local stand-in for Alibaba Cloud DNS's RPC API (version 2015-01-09): DescribeDomains, DescribeDomainRecords,
 * AddDomainRecord and DeleteDomainRecord over an in-memory account. Every call must carry a valid signature,
 * computed here independently from the documented algorithm (not with the code under test), a fresh nonce and a
 * current timestamp; failures answer with the API's error codes.
 */
export interface FakeAlidns {
  readonly url: string;
  /** The account's records, as the API lists them. */
  readonly records: FakeRecord[];
  /** Each call's action and all its parameters (query and body), in order. */
  readonly calls: { readonly action: string; readonly parameters: Readonly<Record<string, string>> }[];
}

export interface FakeRecord {
  readonly RecordId: string;
  readonly DomainName: string;
  readonly RR: string;
  readonly Type: string;
  readonly Value: string;
  readonly TTL: number;
  readonly Line: string;
}

export interface FakeAlidnsOptions {
  readonly domains: readonly { readonly DomainName: string; readonly PunyCode?: string }[];
  /** AccessKey ID → secret (and the security token STS credentials must send). */
  readonly keys: Readonly<Record<string, { readonly secret: string; readonly securityToken?: string }>>;
  readonly records?: readonly Omit<FakeRecord, 'RecordId'>[];
  /** Called after a record of `domainName` was added or deleted, with the domain's records; the answer waits for it. */
  readonly onChange?: (domainName: string, records: readonly FakeRecord[]) => Promise<void> | void;
}

export async function startFakeAlidns(t: TestContext, options: FakeAlidnsOptions): Promise<FakeAlidns> {
  const records: FakeRecord[] = (options.records ?? []).map((record, index) => ({ ...record, RecordId: String(1000 + index) }));
  const calls: FakeAlidns['calls'] = [];
  const nonces = new Set<string>();
  let nextId = 5000;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const parameters: Record<string, string> = {};
      const url = new URL(request.url ?? '/', 'http://fake');
      for (const [name, value] of url.searchParams) parameters[name] = value;
      if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString())) parameters[name] = value;
      }
      handle(request, response, parameters);
    });
  });

  /** Tells `onChange` (and waits for it) before answering. */
  function changed(domainName: string, answer: () => void): void {
    if (options.onChange === undefined) return answer();
    void Promise.resolve(options.onChange(domainName, records.filter((record) => record.DomainName === domainName))).then(answer, answer);
  }

  function fail(response: ServerResponse, status: number, code: string, message: string): void {
    send(response, status, { RequestId: 'fake', HostId: 'alidns.aliyuncs.com', Code: code, Message: message });
  }

  function handle(request: IncomingMessage, response: ServerResponse, parameters: Record<string, string>): void {
    const action = parameters.Action ?? '';
    calls.push({ action, parameters });
    for (const name of ['Action', 'Format', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']) {
      if (parameters[name] === undefined) return fail(response, 400, 'MissingParameter', `${name} is mandatory for this action.`);
    }
    if (parameters.Version !== '2015-01-09') return fail(response, 400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    if (parameters.SignatureMethod !== 'HMAC-SHA1' || parameters.SignatureVersion !== '1.0') {
      return fail(response, 400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
    }
    const key = options.keys[parameters.AccessKeyId!];
    if (key === undefined) return fail(response, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (key.securityToken !== undefined && parameters.SecurityToken !== key.securityToken) {
      return fail(response, 400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken mismatch with the AccessKey.');
    }
    if (expectedSignature(request.method ?? 'GET', parameters, key.secret) !== parameters.Signature) {
      return fail(response, 400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
    }
    if (nonces.has(parameters.SignatureNonce!)) return fail(response, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.add(parameters.SignatureNonce!);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(parameters.Timestamp!) || Math.abs(Date.parse(parameters.Timestamp!) - Date.now()) > 15 * 60_000) {
      return fail(response, 400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }

    const domainNames = new Set(options.domains.map((domain) => domain.DomainName));
    switch (action) {
      case 'DescribeDomains': {
        const pageNumber = Number(parameters.PageNumber ?? '1');
        const pageSize = Number(parameters.PageSize ?? '20');
        const page = options.domains.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
          .map((domain, index) => ({ DomainId: `d${index}`, DomainName: domain.DomainName, PunyCode: domain.PunyCode ?? domain.DomainName }));
        return send(response, 200, { RequestId: 'fake', TotalCount: options.domains.length, PageNumber: pageNumber, PageSize: pageSize, Domains: { Domain: page } });
      }
      case 'DescribeDomainRecords': {
        if (!domainNames.has(parameters.DomainName ?? '')) return fail(response, 400, 'InvalidDomainName.NoExist', 'The specified domain name does not exist.');
        const list = records.filter((record) => record.DomainName === parameters.DomainName).slice(0, Number(parameters.PageSize ?? '20'));
        return send(response, 200, { RequestId: 'fake', TotalCount: list.length, PageNumber: 1, PageSize: Number(parameters.PageSize ?? '20'), DomainRecords: { Record: list } });
      }
      case 'AddDomainRecord': {
        const { DomainName: domainName, RR: rr, Type: type, Value: value } = parameters;
        if (domainName === undefined || rr === undefined || type === undefined || value === undefined) {
          return fail(response, 400, 'MissingParameter', 'DomainName, RR, Type and Value are mandatory for this action.');
        }
        if (!domainNames.has(domainName)) return fail(response, 400, 'InvalidDomainName.NoExist', 'The specified domain name does not exist.');
        if (records.some((record) => record.DomainName === domainName && record.RR === rr && record.Type === type && record.Value === value)) {
          return fail(response, 400, 'DomainRecordDuplicate', 'The DNS record already exists.');
        }
        const record: FakeRecord = {
          RecordId: String(nextId++), DomainName: domainName, RR: rr, Type: type, Value: value,
          TTL: Number(parameters.TTL ?? '600'), Line: parameters.Line ?? 'default',
        };
        records.push(record);
        return changed(domainName, () => send(response, 200, { RequestId: 'fake', RecordId: record.RecordId }));
      }
      case 'DeleteDomainRecord': {
        const index = records.findIndex((record) => record.RecordId === parameters.RecordId);
        if (index === -1) return fail(response, 400, 'DomainRecordNotBelongToUser', 'The DNS record does not exist or does not belong to you.');
        const [removed] = records.splice(index, 1);
        return changed(removed!.DomainName, () => send(response, 200, { RequestId: 'fake', RecordId: parameters.RecordId }));
      }
      default:
        return fail(response, 404, 'InvalidAction.NotFound', `Specified api ${action} is not found.`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, records, calls };
}

/** The documented RPC signature: sorted, RFC 3986-encoded parameters; `METHOD&%2F&<encoded query>`; HMAC-SHA1 with secret + "&". */
export function expectedSignature(method: string, parameters: Readonly<Record<string, string>>, secret: string): string {
  const encode = (text: string): string => Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
  const query = Object.entries(parameters)
    .filter(([name]) => name !== 'Signature')
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');
  return createHmac('sha1', `${secret}&`).update(`${method}&${encode('/')}&${encode(query)}`).digest('base64');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  response.end(JSON.stringify(body));
}
