import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readFileProviderSnapshot } from '../../../src/providers/file/file-provider.js';
import { messages, tempDir } from './file-test-support.js';

describe('file provider reading', () => {
  it('reads one YAML file into plain values, section keys in their canonical spelling', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(
      filename,
      [
        'HTTP:',
        '  Routers:',
        '    API:',
        '      rule: Host(`example.com`)',
        '      service: app',
        '  services:',
        '    app:',
        '      loadBalancer:',
        '        servers:',
        '          - url: http://10.0.0.5:8080',
        '',
      ].join('\n'),
    );

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, {
      http: {
        routers: { API: { rule: 'Host(`example.com`)', service: 'app' } },
        services: { app: { loadBalancer: { servers: [{ url: 'http://10.0.0.5:8080' }] } } },
      },
    });
  });

  it('reads one TOML file into plain values', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.toml');
    await writeFile(
      filename,
      [
        '[http.routers.api]',
        '  rule = "Host(`example.com`)"',
        '  service = "app"',
        '',
        '[[http.services.app.loadBalancer.servers]]',
        '  url = "http://10.0.0.5:8080"',
        '',
        '[tcp.routers.db]',
        '  rule = "HostSNI(`*`)"',
        '  entryPoints = ["postgres"]',
        '',
      ].join('\n'),
    );

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, {
      http: {
        routers: { api: { rule: 'Host(`example.com`)', service: 'app' } },
        services: { app: { loadBalancer: { servers: [{ url: 'http://10.0.0.5:8080' }] } } },
      },
      tcp: { routers: { db: { rule: 'HostSNI(`*`)', entryPoints: ['postgres'] } } },
    });
    assert.equal(Object.getPrototypeOf(snapshot.config['http']), Object.prototype);
  });

  it('merges every YAML and TOML file of a directory and its subdirectories, skipping other and hidden files', async (t) => {
    const directory = await tempDir(t);
    await mkdir(join(directory, 'apps', 'team'), { recursive: true });
    await mkdir(join(directory, '..2024_01_01'), { recursive: true });
    await writeFile(join(directory, 'routers.yml'), 'http:\n  routers:\n    api: { rule: "Host(`a`)", service: app }\n');
    await writeFile(join(directory, 'apps', 'services.toml'), '[http.services.app.loadBalancer]\npassHostHeader = true\n');
    await writeFile(join(directory, 'apps', 'team', 'mw.YAML'), 'http:\n  middlewares:\n    strip: { stripPrefix: { prefixes: [/a] } }\n');
    await writeFile(join(directory, 'tls.yaml'), 'tls:\n  options:\n    modern: { minVersion: VersionTLS13 }\n');
    await writeFile(join(directory, 'README.md'), 'http: [not, read]\n');
    await writeFile(join(directory, '.routers.yml.swp'), 'garbage: [');
    await writeFile(join(directory, 'routers.yml~'), 'garbage: [');
    await writeFile(join(directory, '..2024_01_01', 'routers.yml'), 'http:\n  routers:\n    api: { rule: "Host(`a`)" }\n');

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, {
      http: {
        routers: { api: { rule: 'Host(`a`)', service: 'app' } },
        services: { app: { loadBalancer: { passHostHeader: true } } },
        middlewares: { strip: { stripPrefix: { prefixes: ['/a'] } } },
      },
      tls: { options: { modern: { minVersion: 'VersionTLS13' } } },
    });
  });

  it('reads a file reached through a symbolic link, as Kubernetes mounts ConfigMap keys', async (t) => {
    const directory = await tempDir(t);
    await mkdir(join(directory, '..data'));
    await writeFile(join(directory, '..data', 'dynamic.yml'), 'http:\n  routers:\n    api: { rule: "Host(`a`)" }\n');
    await symlink(join('..data', 'dynamic.yml'), join(directory, 'dynamic.yml'));

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, { http: { routers: { api: { rule: 'Host(`a`)' } } } });
  });

  it('reports a name defined in two files with both files, and leaves it out', async (t) => {
    const directory = await tempDir(t);
    await mkdir(join(directory, 'team'));
    await writeFile(join(directory, 'a.yml'), 'http:\n  routers:\n    api: { rule: "Host(`a`)" }\n    web: { rule: "Host(`w`)" }\n');
    await writeFile(join(directory, 'team', 'b.toml'), '[http.routers.api]\nrule = "Host(`b`)"\n');

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(messages(snapshot), ['http.routers.api: defined in both "a.yml" and "team/b.toml"']);
    assert.deepEqual(snapshot.config, { http: { routers: { web: { rule: 'Host(`w`)' } } } });
  });

  it('quotes names that need it in a duplicate-name message and names every file', async (t) => {
    const directory = await tempDir(t);
    for (const name of ['a.yml', 'b.yml', 'c.yml']) {
      await writeFile(join(directory, name), 'tcp:\n  services:\n    "db.v2": { loadBalancer: { servers: [] } }\n');
    }

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(messages(snapshot), ['tcp.services["db.v2"]: defined in "a.yml", "b.yml" and "c.yml"']);
    assert.deepEqual(snapshot.config, { tcp: { services: {} } });
  });

  it('concatenates TLS certificates of several files and keeps a repeated certificate once', async (t) => {
    const directory = await tempDir(t);
    await writeFile(
      join(directory, 'a.yml'),
      'tls:\n  certificates:\n    - { certFile: /a.crt, keyFile: /a.key }\n    - { certFile: /b.crt, keyFile: /b.key }\n',
    );
    await writeFile(
      join(directory, 'b.toml'),
      '[[tls.certificates]]\ncertFile = "/c.crt"\nkeyFile = "/c.key"\n[[tls.certificates]]\ncertFile = "/a.crt"\nkeyFile = "/a.key"\n',
    );

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, {
      tls: {
        certificates: [
          { certFile: '/a.crt', keyFile: '/a.key' },
          { certFile: '/b.crt', keyFile: '/b.key' },
          { certFile: '/c.crt', keyFile: '/c.key' },
        ],
      },
    });
  });

  it('takes an empty file, or one with only comments, as an empty configuration', async (t) => {
    const directory = await tempDir(t);
    await writeFile(join(directory, 'empty.yml'), '');
    await writeFile(join(directory, 'comments.yaml'), '# nothing yet\n');
    await writeFile(join(directory, 'empty.toml'), '');

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, {});
  });

  it('reports a YAML file that does not parse with file:line:col and takes nothing from it', async (t) => {
    const directory = await tempDir(t);
    await writeFile(join(directory, 'good.yml'), 'http:\n  routers:\n    web: { rule: "Host(`w`)" }\n');
    await writeFile(join(directory, 'bad.yml'), 'http:\n  routers:\n    api:\n      rule: "Host(`a`)\n');

    const snapshot = await readFileProviderSnapshot({ directory, watch: false });

    assert.deepEqual(messages(snapshot), [`${join(directory, 'bad.yml')}:5:1: missing closing "quote`]);
    assert.deepEqual(snapshot.config, { http: { routers: { web: { rule: 'Host(`w`)' } } } });
  });

  it('reports a TOML file that does not parse with file:line:col', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.toml');
    await writeFile(filename, '[http.routers.api]\nrule = = "Host(`a`)"\n');

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(messages(snapshot), [`${filename}:2:8: invalid value`]);
    assert.deepEqual(snapshot.config, {});
  });

  it('refuses a file whose top level is not a map', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, '# routers\n- api\n- web\n');

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(messages(snapshot), [`${filename}:2:1: expected a map at the top level, got a list`]);
    assert.deepEqual(snapshot.config, {});
  });

  it('reports a section that is not a map with its location and keeps the rest of the file', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, 'http:\n  routers: [api]\n  services:\n    app: {}\n');

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(messages(snapshot), [`http.routers: expected a map of names, got a list (${filename}:2:3)`]);
    assert.deepEqual(snapshot.config, { http: { routers: {}, services: { app: {} } } });
  });

  it('parses a Go template as written, so an unquoted action is an error that mentions templates', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, 'http:\n  routers:\n    api:\n      rule: {{ env "RULE" }}\n');

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(messages(snapshot), [
      `${filename}:4:14: a map key must be a string, not a map or a list (Go templates are not rendered)`,
    ]);
    assert.deepEqual(snapshot.config, {});
  });

  it('reports a missing file, a missing directory and an unsupported extension as errors, never throwing', async (t) => {
    const directory = await tempDir(t);
    const missingFile = join(directory, 'nope.yml');
    const missingDirectory = join(directory, 'nope.d');
    const json = join(directory, 'dynamic.json');
    await writeFile(json, '{}');

    const [file, folder, unsupported, nothing] = await Promise.all([
      readFileProviderSnapshot({ filename: missingFile, watch: false }),
      readFileProviderSnapshot({ directory: missingDirectory, watch: false }),
      readFileProviderSnapshot({ filename: json, watch: false }),
      readFileProviderSnapshot({ watch: false }),
    ]);

    assert.deepEqual(messages(file), [`${missingFile}: no such file or directory`]);
    assert.deepEqual(messages(folder), [`${missingDirectory}: no such file or directory`]);
    assert.deepEqual(messages(unsupported), [`${json}: unsupported file extension ".json"; expected .yml, .yaml or .toml`]);
    assert.deepEqual(messages(nothing), ['providers.file: neither "filename" nor "directory" is set']);
  });

  it('honours YAML anchors and merge keys', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(
      filename,
      'http:\n  routers:\n    api: &base\n      rule: Host(`a`)\n      entryPoints: [websecure]\n    admin:\n      <<: *base\n      rule: Host(`b`)\n',
    );

    const snapshot = await readFileProviderSnapshot({ filename, watch: false });

    assert.deepEqual(snapshot.errors, []);
    assert.deepEqual(snapshot.config, {
      http: {
        routers: {
          api: { rule: 'Host(`a`)', entryPoints: ['websecure'] },
          admin: { rule: 'Host(`b`)', entryPoints: ['websecure'] },
        },
      },
    });
  });
});
