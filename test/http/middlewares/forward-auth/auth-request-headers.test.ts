import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { authRequestHeaders } from '../../../../src/http/middlewares/forward-auth/auth-request-headers.js';

function build(headers: IncomingHttpHeaders, options: { trust?: boolean; allowed?: string[]; method?: string; isTls?: boolean } = {}): { list: Array<[string, string]>; addedGzip: boolean } {
  const { headers: flat, addedGzip } = authRequestHeaders(
    { headers: { host: 'foo.bar', ...headers }, method: 'GET', clientIp: '10.0.0.9', isTls: options.isTls ?? false, target: '/path?q=1' },
    { trustForwardHeader: options.trust, allowed: new Set((options.allowed ?? []).map((name) => name.toLowerCase())), method: options.method ?? 'GET' },
  );
  const list: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) list.push([flat[i]!, flat[i + 1]!]);
  return { list, addedGzip };
}

describe('authRequestHeaders', () => {
  it('writes Go\'s canonical names, one line per value', () => {
    const { list } = build({ 'x-multi': ['a', 'b'], 'user-agent': 'ua' }, { trust: true });

    assert.deepEqual(list.filter(([name]) => name === 'X-Multi'), [['X-Multi', 'a'], ['X-Multi', 'b']]);
    assert.deepEqual(list[0], ['User-Agent', 'ua']);
  });

  it('sets X-Forwarded-Proto https and X-Forwarded-Port 443 on TLS', () => {
    const { list } = build({}, { trust: false, isTls: true });

    assert.deepEqual(list.filter(([name]) => name === 'X-Forwarded-Proto' || name === 'X-Forwarded-Port'), [['X-Forwarded-Proto', 'https'], ['X-Forwarded-Port', '443']]);
  });

  for (const { host, port } of [
    { host: 'foo.bar:8080', port: '8080' },
    { host: '[::1]:8443', port: '8443' },
    { host: '[::1]', port: '80' },
    { host: 'foo.bar:', port: '80' },
  ]) {
    it(`takes X-Forwarded-Port ${port} from Host ${host}`, () => {
      const { list } = build({ host }, { trust: false });

      assert.deepEqual(list.find(([name]) => name === 'X-Forwarded-Port'), ['X-Forwarded-Port', port]);
    });
  }

  it('asks for gzip unless the client chose an encoding, asked for a range or the method is HEAD', () => {
    assert.equal(build({}).addedGzip, true);
    assert.equal(build({ 'accept-encoding': 'br' }).addedGzip, false);
    assert.equal(build({ range: 'bytes=0-1' }).addedGzip, false);
    assert.equal(build({}, { method: 'HEAD' }).addedGzip, false);
  });

  it('never copies Host, Content-Length, Transfer-Encoding or Trailer', () => {
    const { list } = build({ 'content-length': '3', 'transfer-encoding': 'chunked', trailer: 'x' }, { trust: true });

    assert.deepEqual(list.map(([name]) => name).filter((name) => ['Host', 'Content-Length', 'Transfer-Encoding', 'Trailer'].includes(name)), []);
  });

  it('ignores HTTP/2 pseudo-headers', () => {
    const { list } = build({ ':method': 'GET', ':path': '/' } as IncomingHttpHeaders, { trust: true });

    assert.equal(list.some(([name]) => name.startsWith(':')), false);
  });
});
