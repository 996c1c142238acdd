// node-http-proxy (http-proxy) in front of one upstream, with a keep-alive agent.
// usage: node-http-proxy.mjs --port P --upstream HOST:PORT [--cert FILE --key FILE]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';
import httpProxy from 'http-proxy';

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } } });
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: `http://${values.upstream}`, agent, xfwd: false });
proxy.on('error', (error, _request, response) => {
  if (response.headersSent === false) response.writeHead(502);
  response.end();
});
const handler = (request, response) => proxy.web(request, response);
const server = values.cert
  ? https.createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) }, handler)
  : http.createServer(handler);
server.keepAliveTimeout = 75_000;
server.listen(Number(values.port), '127.0.0.1');
