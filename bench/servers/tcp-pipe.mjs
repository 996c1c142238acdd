// A minimal TCP pass-through with node:net: every connection is piped to the upstream.
// usage: tcp-pipe.mjs --port P --upstream HOST:PORT
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' } } });
const [host, port] = values.upstream.split(':');
net
  .createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host, port: Number(port), noDelay: true });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  })
  .listen(Number(values.port), '127.0.0.1');
