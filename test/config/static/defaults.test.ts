import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultStaticConfig } from '../../../src/config/static/load.js';
import { listEntryPoints } from '../../../src/config/static/static-config.js';
import { load } from './support.js';

describe('static configuration defaults', () => {
  it('gives an entryPoint Traefik\'s defaults', () => {
    const entryPoint = load(['--entryPoints.web.address=:80']).config.entryPoints.web;

    assert.deepEqual(entryPoint, {
      address: ':80',
      allowACMEByPass: false,
      reusePort: false,
      asDefault: false,
      transport: {
        lifeCycle: { requestAcceptGraceTimeout: 0, graceTimeOut: 10_000 },
        respondingTimeouts: { readTimeout: 60_000, writeTimeout: 0, idleTimeout: 180_000 },
        keepAliveMaxRequests: 0,
        keepAliveMaxTime: 0,
      },
      forwardedHeaders: { insecure: false, trustedIPs: [], connection: [], notAppendXForwardedFor: false, addXForwardedSchemeHeaders: false },
      http: { middlewares: [], encodeQuerySemicolons: false, sanitizePath: true, maxHeaderBytes: 1_048_576, underscoreHeadersStrategy: 'keep' },
      http2: { maxConcurrentStreams: 250, maxDecoderHeaderTableSize: 4096, maxEncoderHeaderTableSize: 4096 },
      udp: { timeout: 3000 },
      observability: { accessLogs: true, metrics: true, tracing: true, traceVerbosity: 'minimal' },
    });
  });

  it('gives the sections that are always present their defaults', () => {
    const config = defaultStaticConfig();

    assert.deepEqual(config.global, { checkNewVersion: true, sendAnonymousUsage: false, notAppendXForwardedFor: false });
    assert.equal(config.providers.providersThrottleDuration, 2000);
    assert.equal(config.providers.precedence[0], 'kubernetesgateway');
    assert.equal(config.providers.file, undefined);
    assert.deepEqual(config.log, { level: 'ERROR', format: 'common', noColor: false, maxSize: 0, maxAge: 0, maxBackups: 0, compress: false });
    assert.deepEqual(config.core, { defaultRuleSyntax: 'v3' });
    assert.equal(config.api, undefined);
    assert.equal(config.ping, undefined);
    assert.deepEqual(Object.keys(config.entryPoints), ['http']);
  });

  it('fills an enabled section with its defaults', () => {
    const { config } = load([
      '--entryPoints.web.address=:80',
      '--entryPoints.web.http.redirections.entryPoint.to=:443',
      '--entryPoints.web.http.encodedCharacters.allowEncodedSlash=false',
      '--entryPoints.web.proxyProtocol',
      '--api',
      '--providers.file.directory=/etc/junction',
    ]);
    const web = config.entryPoints.web!;

    assert.deepEqual(web.http.redirections?.entryPoint, { to: ':443', scheme: 'https', permanent: true, priority: Number.MAX_SAFE_INTEGER - 1 });
    assert.deepEqual(web.http.encodedCharacters, {
      allowEncodedSlash: false,
      allowEncodedBackSlash: true,
      allowEncodedNullCharacter: true,
      allowEncodedSemicolon: true,
      allowEncodedPercent: true,
      allowEncodedQuestionMark: true,
      allowEncodedHash: true,
    });
    assert.deepEqual(web.proxyProtocol, { insecure: false, trustedIPs: [] });
    assert.deepEqual(config.api, { basePath: '/', insecure: false, dashboard: true, debug: false, disableDashboardAd: false, dashboardName: '' });
    assert.deepEqual(config.providers.file, { directory: '/etc/junction', watch: true, debugLogGeneratedTemplate: false });
    assert.deepEqual(Object.keys(config.entryPoints), ['web']);
  });

  it('lists the entryPoints with their parsed addresses', () => {
    const { config } = load(['--entryPoints.web.address=:80', '--entryPoints.dns.address=[::]:53/udp']);

    assert.deepEqual(
      listEntryPoints(config).map(({ name, address }) => ({ name, address })),
      [
        { name: 'web', address: { host: '', port: 80, protocol: 'tcp' } },
        { name: 'dns', address: { host: '::', port: 53, protocol: 'udp' } },
      ],
    );
  });
});
