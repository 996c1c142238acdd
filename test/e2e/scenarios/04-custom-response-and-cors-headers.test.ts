import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText } from '../../support/upstream.js';

/** The seven headers of middleware cross-header, as the client must receive them. */
const expected: Record<string, string> = {
  myname: 'shenyi',
  myage: '19',
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS, PUT, DELETE, UPDATE',
  'access-control-allow-headers': 'Origin, X-Requested-With, Content-Type, Accept, Authorization',
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'Content-Length, Access-Control-Allow-Origin, Access-Control-Allow-Headers, Cache-Control, Content-Language, Content-Type',
};

const preflight = { origin: 'http://a.example', 'access-control-request-method': 'PUT' };

describe('scenario 04: custom response headers and CORS headers (cross-header)', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '04-custom-response-and-cors-headers', {
      handlers: {
        // A whoami that already answers with Myname: x, and with 204 to OPTIONS, to tell its status from Junction's.
        myngx: (request, response) => {
          response.writeHead(request.method === 'OPTIONS' ? 204 : 200, { 'content-type': 'text/plain; charset=utf-8', myname: 'x' });
          response.end(request.method === 'OPTIONS' ? undefined : whoamiText('myngx', request));
        },
      },
    });
  });
  after(() => run?.close());

  it('answers tk2.jtthink.com from myngx with the seven headers', async () => {
    const response = await run.send('web', '/', { host: 'tk2.jtthink.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'myngx');
    for (const [name, value] of Object.entries(expected)) assert.equal(response.headers[name], value, name);
  });

  it('sets the headers rather than adding to them: the backend\'s Myname: x gives way to the one Myname: shenyi', async () => {
    const response = await run.send('web', '/', { host: 'tk2.jtthink.com' });

    assert.equal(response.headers.myname, 'shenyi');
    assert.equal(response.headers['access-control-allow-origin'], '*');
  });

  it('sends none of the headers to the backend: they are response headers only', async () => {
    const response = await run.send('web', '/', { host: 'tk2.jtthink.com' });

    for (const name of Object.keys(expected)) assert.equal(response.echo.header(name), undefined, name);
  });

  it('forwards a preflight to the backend, since only customResponseHeaders are set, and adds the seven headers to its answer', async () => {
    const received = run.backend('myngx').requests.length;

    const response = await run.send('web', '/', { host: 'tk2.jtthink.com', method: 'OPTIONS', headers: preflight });

    assert.equal(response.status, 204);
    assert.equal(run.backend('myngx').requests.length, received + 1);
    assert.equal(run.backend('myngx').lastRequest.method, 'OPTIONS');
    for (const [name, value] of Object.entries(expected)) assert.equal(response.headers[name], value, name);
  });

  it('answers 404 for another host, without the headers', async () => {
    const response = await run.send('web', '/', { host: 'other.example' });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
    for (const name of Object.keys(expected)) assert.equal(response.headers[name], undefined, name);
  });
});

/** The README's CORS variant as the seed user would apply it: the Middleware with the dedicated options. */
const corsMiddleware = `apiVersion: traefik.containo.us/v1alpha1
kind: Middleware
metadata:
  name: cross-header
  namespace: tk
spec:
  headers:
    customResponseHeaders:
      Myname: "shenyi"
      Myage: "19"
    accessControlAllowOriginList: ["http://a.example"]
    accessControlAllowMethods: [POST, GET, OPTIONS, PUT, DELETE, UPDATE]
    accessControlAllowHeaders: [Origin, X-Requested-With, Content-Type, Accept, Authorization]
    accessControlAllowCredentials: true
    accessControlExposeHeaders: [Content-Length, Cache-Control]
    accessControlMaxAge: 100
    addVaryHeader: true
`;

describe('scenario 04, README notes: the dedicated CORS options instead of customResponseHeaders', () => {
  let run: ScenarioRun;
  before(async () => {
    const { crd } = readScenario('04-custom-response-and-cors-headers');
    run = await startScenario(undefined, '04-custom-response-and-cors-headers', {
      crd: crd.replace(/apiVersion: traefik\.containo\.us\/v1alpha1\nkind: Middleware\n[\s\S]*?\n---\n/, `${corsMiddleware}---\n`),
      dynamic: `
http:
  routers:
    myngx-headers:
      entryPoints: [web]
      rule: "Host(\`tk2.jtthink.com\`)"
      middlewares: [cross-header]
      service: myngx
  middlewares:
    cross-header:
      headers:
        customResponseHeaders:
          Myname: "shenyi"
          Myage: "19"
        accessControlAllowOriginList: ["http://a.example"]
        accessControlAllowMethods: [POST, GET, OPTIONS, PUT, DELETE, UPDATE]
        accessControlAllowHeaders: [Origin, X-Requested-With, Content-Type, Accept, Authorization]
        accessControlAllowCredentials: true
        accessControlExposeHeaders: [Content-Length, Cache-Control]
        accessControlMaxAge: 100
        addVaryHeader: true
  services:
    myngx:
      loadBalancer:
        servers:
          - url: "http://127.0.0.1:{{PORT_myngx}}"
`,
    });
  });
  after(() => run?.close());

  it('answers the preflight itself with 200, echoing the allowed origin, without calling the backend', async () => {
    const received = run.backend('myngx').requests.length;

    const response = await run.send('web', '/', { host: 'tk2.jtthink.com', method: 'OPTIONS', headers: preflight });

    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], '0');
    assert.equal(response.headers['access-control-allow-origin'], 'http://a.example');
    assert.equal(response.headers['access-control-allow-methods'], 'POST,GET,OPTIONS,PUT,DELETE,UPDATE');
    assert.equal(response.headers['access-control-allow-headers'], 'Origin,X-Requested-With,Content-Type,Accept,Authorization');
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    assert.equal(response.headers['access-control-max-age'], '100');
    assert.equal(response.headers.myname, undefined);
    assert.equal(run.backend('myngx').requests.length, received);
  });

  it('adds the CORS headers, Vary: Origin and the custom headers to a request from the allowed origin', async () => {
    const response = await run.send('web', '/', { host: 'tk2.jtthink.com', headers: { origin: 'http://a.example' } });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'myngx');
    assert.equal(response.headers['access-control-allow-origin'], 'http://a.example');
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    assert.equal(response.headers['access-control-expose-headers'], 'Content-Length,Cache-Control');
    assert.equal(response.headers.vary, 'Origin');
    assert.equal(response.headers.myname, 'shenyi');
  });

  it('gives no Access-Control-Allow-Origin to another origin', async () => {
    const response = await run.send('web', '/', { host: 'tk2.jtthink.com', headers: { origin: 'http://b.example' } });

    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});
