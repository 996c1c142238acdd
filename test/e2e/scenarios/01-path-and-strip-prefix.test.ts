import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

describe('scenario 01: exact Path rule and stripPrefix', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '01-path-and-strip-prefix');
  });
  after(() => run?.close());

  it('answers /abc on tk2.jtthink.com from myngx, which sees GET / with X-Forwarded-Prefix: /abc and the client Host', async () => {
    const response = await run.send('web', '/abc', { host: 'tk2.jtthink.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'myngx');
    assert.equal(response.echo.requestLine, 'GET / HTTP/1.1');
    assert.equal(response.echo.header('X-Forwarded-Prefix'), '/abc');
    assert.equal(response.echo.header('Host'), 'tk2.jtthink.com');
  });

  it('keeps the query string, which is not part of the Path match: /abc?x=1 reaches the backend as GET /?x=1', async () => {
    const response = await run.send('web', '/abc?x=1', { host: 'tk2.jtthink.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.requestLine, 'GET /?x=1 HTTP/1.1');
  });

  for (const path of ['/abc/', '/abc/def', '/abcd', '/ABC']) {
    it(`treats Path as exact and case-sensitive: ${path} answers 404 page not found and the backend receives nothing`, async () => {
      const received = run.backend('myngx').requests.length;

      const response = await run.send('web', path, { host: 'tk2.jtthink.com' });

      assert.equal(response.status, 404);
      assert.equal(response.body, '404 page not found\n');
      assert.equal(run.backend('myngx').requests.length, received);
    });
  }

  it('matches the host case-insensitively and ignores the port: Host TK2.JTTHINK.COM:8000 with /abc answers 200', async () => {
    const response = await run.send('web', '/abc', { host: 'TK2.JTTHINK.COM:8000' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'myngx');
  });

  it('answers 404 for any other host: tk1.jtthink.com with /abc', async () => {
    const response = await run.send('web', '/abc', { host: 'tk1.jtthink.com' });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });
});
