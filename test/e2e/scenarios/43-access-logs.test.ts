import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const host = 'who.qikqiak.com';
const curl = { 'User-Agent': 'tester/1.0', Referer: 'http://ref.example/', Accept: '*/*' };

async function logLines(run: ScenarioRun, count: number): Promise<string[]> {
  const file = join(run.junction.dir, 'access.log');
  return until(
    async () => {
      const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
      return lines.length >= count ? lines : undefined;
    },
    { timeoutMs: 5000, message: `${count} lines in access.log` },
  );
}

async function start(t: TestContext, staticText?: string): Promise<ScenarioRun> {
  return startScenario(t, '43-access-logs', staticText === undefined ? {} : { static: staticText });
}

describe('scenario 43: access logs (--accesslog=true, fields keep, headers drop)', () => {
  it('appends one common-format line per request, with router, server URL and duration', async (t) => {
    const run = await start(t);

    const response = await run.send('web', '/notls/a?q=1', { host, headers: curl });
    assert.equal(response.status, 200);

    const [line] = await logLines(run, 1);
    const whoami = run.backend('whoami').port;
    // Differs from the README's step 1: with headers.defaultMode drop Traefik's common format prints "-" for
    // the referer and the user agent (they are request headers; its own tests show `"-" "-"` for this case).
    const expected = new RegExp(
      `^127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "GET /notls/a\\?q=1 HTTP/1\\.1" 200 ${response.body.length} "-" "-" 1 "${run.routerName('ingressroute-demo')}" "http://127\\.0\\.0\\.1:${whoami}" \\d+ms$`,
    );
    assert.match(line!, expected);
  });

  it('logs a request no router matches with status 404, router "-" and server URL "-", and counts every request', async (t) => {
    const run = await start(t);

    await run.send('web', '/notls/a?q=1', { host, headers: curl });
    assert.equal((await run.send('web', '/', { host: 'nope.example', headers: curl })).status, 404);
    await run.send('web', '/notls/a?q=1', { host, headers: curl });

    const lines = await logLines(run, 3);
    assert.match(lines[1]!, /"GET \/ HTTP\/1\.1" 404 19 "-" "-" 2 "-" "-" \d+ms$/);
    assert.match(lines[2]!, new RegExp(`" 200 \\d+ "-" "-" 3 "${run.routerName('ingressroute-demo')}" `));
  });

  it('with format json keeps every core field and no header fields; with headers keep, request_User-Agent appears', async (t) => {
    const files = readScenario('43-access-logs');
    const json = files.static.replace('accessLog:\n', 'accessLog:\n  format: json\n');
    const dropped = await start(t, json);
    await dropped.send('web', '/notls/a', { host, headers: curl });
    const entry = JSON.parse((await logLines(dropped, 1))[0]!) as Record<string, unknown>;
    for (const field of ['ClientHost', 'RequestMethod', 'RequestPath', 'DownstreamStatus', 'RouterName', 'ServiceName', 'Duration', 'ServiceURL', 'OriginStatus', 'RetryAttempts', 'StartUTC', 'entryPointName']) {
      assert.ok(field in entry, field);
    }
    assert.deepEqual(Object.keys(entry).filter((key) => /^(request|downstream|origin)_/.test(key)), []);

    const kept = await start(t, json.replace('defaultMode: drop', 'defaultMode: keep'));
    await kept.send('web', '/notls/a', { host, headers: curl });
    const keptEntry = JSON.parse((await logLines(kept, 1))[0]!) as Record<string, unknown>;
    assert.equal(keptEntry['request_User-Agent'], 'tester/1.0');
  });

  it('writes DEBUG lines to the general log and no access line there', async (t) => {
    const run = await start(t);

    await run.send('web', '/notls/a?q=1', { host, headers: curl });
    await logLines(run, 1);

    assert.match(run.junction.output(), / DBG /);
    assert.doesNotMatch(run.junction.output(), /"GET \/notls\/a\?q=1 HTTP\/1\.1"/);
  });
});
