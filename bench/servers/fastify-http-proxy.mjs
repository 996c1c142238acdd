// @fastify/http-proxy in front of one upstream (undici pool, keep-alive by default).
// usage: fastify-http-proxy.mjs --port P --upstream HOST:PORT [--cert FILE --key FILE]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fastifyHttpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } } });
const app = Fastify({
  logger: false,
  keepAliveTimeout: 75_000,
  ...(values.cert ? { https: { cert: readFileSync(values.cert), key: readFileSync(values.key) } } : {}),
});
await app.register(fastifyHttpProxy, { upstream: `http://${values.upstream}` });
await app.listen({ port: Number(values.port), host: '127.0.0.1' });
