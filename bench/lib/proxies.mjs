// The proxies under test and their configurations. Each proxy has one launcher per mode it supports
// ("http", "https", "tcp", and Junction's own variants); a launcher returns the command to start and the
// files it needs. A mode a proxy cannot serve is `unsupported(reason)` and shows as n/a in the report.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCommand, runCommand } from './processes.mjs';
import { junctionDynamic, junctionStatic } from './junction-config.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const servers = fileURLToPath(new URL('../servers/', import.meta.url));

export const unsupported = (reason) => ({ unsupported: reason });

/** nginx's main configuration around an `http` or `stream` block. */
function nginxConf({ dir, workers, body, loadModule }) {
  return `${loadModule ? `load_module ${loadModule};\n` : ''}worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events {
    worker_connections 4096;
}
${body}
`;
}

const nginxTempPaths = (dir) =>
  ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `    ${name}_temp_path ${dir}/${name}_temp;`).join('\n');

/** The upstream every proxy forwards to: 200 with a 100-byte body, keep-alive, no access log. */
export function upstreamLauncher({ dir, port, workers }) {
  const body = 'x'.repeat(99) + '\n';
  return {
    command: 'nginx',
    args: ['-p', `${dir}/`, '-e', 'stderr', '-c', `${dir}/nginx.conf`],
    files: {
      'nginx.conf': nginxConf({
        dir,
        workers,
        body: `http {
    access_log off;
${nginxTempPaths(dir)}
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:${port} backlog=4096;
        location / {
            default_type text/plain;
            return 200 "${body.replace('\n', '\\n')}";
        }
    }
}`,
      }),
    },
  };
}

const nginx = {
  id: 'nginx',
  label: 'nginx',
  processes: 'worker_processes 2',
  programs: ['nginx'],
  modes: {
    http: (ctx) => nginxProxy(ctx, false),
    https: (ctx) => nginxProxy(ctx, true),
    tcp: (ctx) => {
      if (!ctx.nginxStream.available) return unsupported(ctx.nginxStream.reason);
      return {
        command: 'nginx',
        args: ['-p', `${ctx.dir}/`, '-e', 'stderr', '-c', `${ctx.dir}/nginx.conf`],
        files: {
          'nginx.conf': nginxConf({
            dir: ctx.dir,
            workers: 2,
            loadModule: ctx.nginxStream.loadModule,
            body: `stream {
    server {
        listen 127.0.0.1:${ctx.port};
        proxy_pass 127.0.0.1:${ctx.upstreamPort};
    }
}`,
          }),
        },
      };
    },
  },
};

function nginxProxy(ctx, tls) {
  return {
    command: 'nginx',
    args: ['-p', `${ctx.dir}/`, '-e', 'stderr', '-c', `${ctx.dir}/nginx.conf`],
    files: {
      'nginx.conf': nginxConf({
        dir: ctx.dir,
        workers: 2,
        body: `http {
    access_log off;
${nginxTempPaths(ctx.dir)}
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    upstream backend {
        server 127.0.0.1:${ctx.upstreamPort};
        keepalive 256;
        keepalive_requests 10000000;
    }
    server {
        listen 127.0.0.1:${ctx.port}${tls ? ' ssl' : ''} backlog=4096;
${tls ? `        ssl_certificate ${ctx.cert.certFile};\n        ssl_certificate_key ${ctx.cert.keyFile};\n` : ''}        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}`,
      }),
    },
  };
}

/** Whether the installed nginx has the stream module (nginx-light has not), and how to load it. */
export function detectNginxStream(dir) {
  if (!hasCommand('nginx')) return { available: false, reason: 'nginx is not installed' };
  const candidates = [undefined, '/usr/lib/nginx/modules/ngx_stream_module.so', '/usr/share/nginx/modules/ngx_stream_module.so'];
  for (const loadModule of candidates) {
    if (loadModule !== undefined && !existsSync(loadModule)) continue;
    const conf = nginxConf({ dir, workers: 1, loadModule, body: 'stream {\n    server {\n        listen 127.0.0.1:1;\n        proxy_pass 127.0.0.1:2;\n    }\n}' });
    const file = join(dir, 'stream-test.conf');
    writeFileSync(file, conf);
    const result = runCommand('nginx', ['-t', '-p', `${dir}/`, '-e', 'stderr', '-c', file]);
    if (result.status === 0) return { available: true, loadModule };
  }
  return { available: false, reason: 'the installed nginx has no stream module (nginx-light lacks it; libnginx-mod-stream adds it)' };
}

const haproxy = {
  id: 'haproxy',
  label: 'HAProxy',
  processes: 'nbthread 2',
  programs: ['haproxy'],
  modes: {
    http: (ctx) => haproxyLauncher(ctx, 'http', ''),
    https: (ctx) => haproxyLauncher(ctx, 'http', ` ssl crt ${ctx.cert.pemFile}`),
    tcp: (ctx) => haproxyLauncher(ctx, 'tcp', ''),
  },
};

function haproxyLauncher(ctx, mode, bindOptions) {
  return {
    command: 'haproxy',
    args: ['-db', '-f', `${ctx.dir}/haproxy.cfg`],
    files: {
      'haproxy.cfg': `global
    nbthread 2
    maxconn 4096

defaults
    mode ${mode}
    timeout connect 5s
    timeout client 300s
    timeout server 300s

frontend bench
    bind 127.0.0.1:${ctx.port}${bindOptions}
    default_backend upstream

backend upstream
    server upstream 127.0.0.1:${ctx.upstreamPort}
`,
    },
  };
}

const caddy = {
  id: 'caddy',
  label: 'Caddy',
  processes: 'GOMAXPROCS default (2)',
  programs: ['caddy'],
  modes: {
    http: (ctx) => caddyLauncher(ctx, `http://:${ctx.port}`, ''),
    https: (ctx) => caddyLauncher(ctx, `https://:${ctx.port}`, `    tls ${ctx.cert.certFile} ${ctx.cert.keyFile}\n`),
    tcp: () => unsupported('Caddy proxies TCP only with the layer4 plugin, which Debian does not ship'),
  },
};

function caddyLauncher(ctx, site, tls) {
  return {
    command: 'caddy',
    args: ['run', '--config', `${ctx.dir}/Caddyfile`, '--adapter', 'caddyfile'],
    // Caddy keeps state under $HOME / $XDG_*; keep it in the temporary directory.
    env: { HOME: ctx.dir, XDG_DATA_HOME: ctx.dir, XDG_CONFIG_HOME: ctx.dir },
    files: {
      Caddyfile: `{
    admin off
    auto_https off
    default_sni bench.test
}

${site} {
    bind 127.0.0.1
${tls}    reverse_proxy 127.0.0.1:${ctx.upstreamPort}
}
`,
    },
  };
}

/** A Node proxy script from bench/servers/, run by this Node. */
function nodeScript(script, ctx, tls) {
  const args = [join(servers, script), '--port', String(ctx.port), '--upstream', `127.0.0.1:${ctx.upstreamPort}`];
  if (tls) args.push('--cert', ctx.cert.certFile, '--key', ctx.cert.keyFile);
  return { command: process.execPath, args, cwd: repo };
}

const nodeHttpProxy = {
  id: 'node-http-proxy',
  label: 'node-http-proxy',
  processes: '1 process',
  modules: ['http-proxy'],
  modes: {
    http: (ctx) => nodeScript('node-http-proxy.mjs', ctx, false),
    https: (ctx) => nodeScript('node-http-proxy.mjs', ctx, true),
  },
};

const fastifyHttpProxy = {
  id: 'fastify-http-proxy',
  label: '@fastify/http-proxy',
  processes: '1 process',
  modules: ['fastify', '@fastify/http-proxy'],
  modes: {
    http: (ctx) => nodeScript('fastify-http-proxy.mjs', ctx, false),
    https: (ctx) => nodeScript('fastify-http-proxy.mjs', ctx, true),
  },
};

const nodeNetPipe = {
  id: 'node-net-pipe',
  label: 'Node net pipe',
  processes: '1 process',
  modes: { tcp: (ctx) => nodeScript('tcp-pipe.mjs', ctx, false) },
};

/** Junction modes, each written in Traefik's configuration format (lib/junction-config.mjs). */
function junctionProxy({ id, label, workers, processes }) {
  const launcher = (variant) => (ctx) => {
    const dynamicFile = `${ctx.dir}/dynamic.yml`;
    const { dynamic, request } = junctionDynamic(variant, ctx);
    return {
      command: process.execPath,
      args: [join(ctx.junctionRoot, 'dist/src/cli/junction.js'), `--configFile=${ctx.dir}/static.yml`, ...(workers > 1 ? [`--workers=${workers}`] : [])],
      cwd: ctx.dir,
      files: { 'static.yml': junctionStatic(variant, ctx, dynamicFile), 'dynamic.yml': dynamic },
      request,
      workers,
    };
  };
  return {
    id,
    label,
    processes,
    isJunction: true,
    modes: Object.fromEntries(['http', 'https', 'tcp', 'routes-1', 'routes-10k', 'realistic', 'middlewares'].map((variant) => [variant, launcher(variant)])),
  };
}

export const proxies = [
  nginx,
  haproxy,
  caddy,
  nodeHttpProxy,
  fastifyHttpProxy,
  nodeNetPipe,
  junctionProxy({ id: 'junction', label: 'Junction', workers: 2, processes: '--workers=2' }),
  junctionProxy({ id: 'junction-1w', label: 'Junction 1 worker', workers: 1, processes: '1 process (no --workers)' }),
];

export const proxyById = new Map(proxies.map((proxy) => [proxy.id, proxy]));
