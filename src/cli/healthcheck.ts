import { request } from 'node:http';
import { listEntryPoints } from '../config/static/static-config.js';
import { loadForCommand } from './static-config.js';

/** Calls the running instance's `/ping` on its ping entryPoint; exits 0 when it answers 200, as `traefik healthcheck`. */
export async function healthcheck(argv: readonly string[]): Promise<number> {
  const loaded = loadForCommand(argv);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`static configuration error: ${error.message}\n`);
    return 1;
  }
  const ping = loaded.config.ping;
  if (ping === undefined) {
    process.stderr.write('please enable `ping` to use health check\n');
    return 1;
  }
  const entryPoint = listEntryPoints(loaded.config).find((candidate) => candidate.name === ping.entryPoint);
  if (entryPoint === undefined) {
    process.stderr.write(`ping: entryPoint "${ping.entryPoint}" does not exist\n`);
    return 1;
  }
  const host = entryPoint.address.host === '' || entryPoint.address.host === '0.0.0.0' ? '127.0.0.1' : entryPoint.address.host === '::' ? '::1' : entryPoint.address.host;
  const status = await new Promise<number>((resolve) => {
    const call = request({ host, port: entryPoint.address.port, path: '/ping', timeout: 5000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    call.on('timeout', () => call.destroy(new Error('timeout')));
    call.on('error', (error) => {
      process.stderr.write(`error calling healthcheck: ${error.message}\n`);
      resolve(0);
    });
    call.end();
  });
  if (status === 200) {
    process.stdout.write('OK: /ping\n');
    return 0;
  }
  process.stderr.write(`bad healthcheck status: ${status}\n`);
  return 1;
}
