import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configPath } from '../../../src/config/errors.js';
import { parseConfigPath } from '../../../src/providers/file/config-path.js';
import { readFileProviderSnapshot } from '../../../src/providers/file/file-provider.js';
import { tempDir } from './file-test-support.js';

const yaml = [
  'HTTP:', //                                        1
  '  routers:', //                                   2
  '    api:', //                                     3
  '      rule: Host(`example.com`)', //              4
  '      service: app', //                           5
  '    "app.v2":', //                                6
  '      rule: "Host(`v2.example.com`)"', //         7
  '  Services:', //                                  8
  '    app:', //                                     9
  '      loadBalancer:', //                          10
  '        servers:', //                             11
  '          - url: http://10.0.0.5', //             12
  '          - url: "http//10.0.0.6"', //            13
  '',
].join('\n');

const toml = [
  '# services', //                                   1
  '[http.services.app.loadBalancer]', //             2
  '  passHostHeader = true', //                      3
  '', //                                             4
  '[[http.services.app.loadBalancer.servers]]', //   5
  '  url = "http://10.0.0.5"', //                    6
  '[[http.services.app.loadBalancer.servers]]', //   7
  '  url = "http://10.0.0.6"', //                    8
  '', //                                             9
  '[http.routers."app.v2"]', //                      10
  '  rule = "Host(`v2`)"', //                        11
  '  middlewares = ["auth", "strip"]', //            12
  '', //                                             13
  '[tcp.routers.db]', //                             14
  '  tls = { passthrough = true, options = "modern" }', // 15
  '',
].join('\n');

describe('file provider locate', () => {
  it('finds YAML paths by line and column, matching keys ignoring case', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, yaml);

    const { locate } = await readFileProviderSnapshot({ filename, watch: false });
    assert.ok(locate);

    const cases: Array<{ description: string; path: string; expected: string | undefined }> = [
      { description: 'a scalar value', path: 'http.routers.api.rule', expected: `${filename}:4:13` },
      { description: 'a name', path: 'http.routers.api', expected: `${filename}:3:5` },
      { description: 'a quoted name', path: configPath('http', 'routers', 'app.v2', 'rule'), expected: `${filename}:7:13` },
      { description: 'a list item', path: 'http.services.app.loadBalancer.servers[1]', expected: `${filename}:13:13` },
      { description: 'a field of a list item', path: 'http.services.app.loadBalancer.servers[1].url', expected: `${filename}:13:18` },
      { description: 'keys in another case', path: 'http.Routers.api.Rule', expected: `${filename}:4:13` },
      { description: 'a qualified name', path: 'http.routers.api@file.service', expected: `${filename}:5:16` },
      { description: 'a missing field, at its router', path: 'http.routers.api.middlewares', expected: `${filename}:3:5` },
      { description: 'an unknown name', path: 'http.routers.nope.rule', expected: undefined },
      { description: 'an index past the list, at the list', path: 'http.services.app.loadBalancer.servers[5]', expected: `${filename}:11:9` },
      { description: 'text that is not a path', path: 'http..routers', expected: undefined },
    ];
    for (const { description, path, expected } of cases) {
      assert.equal(locate(path), expected, description);
    }
  });

  it('finds TOML paths on a best-effort line search', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.toml');
    await writeFile(filename, toml);

    const { locate, errors } = await readFileProviderSnapshot({ filename, watch: false });
    assert.deepEqual(errors, []);
    assert.ok(locate);

    const cases: Array<{ description: string; path: string; expected: string | undefined }> = [
      { description: 'a value under a table header', path: 'http.services.app.loadBalancer.passHostHeader', expected: `${filename}:3:20` },
      { description: 'an array of tables element', path: 'http.services.app.loadBalancer.servers[1].url', expected: `${filename}:8:9` },
      { description: 'a quoted name in a header', path: 'http.routers["app.v2"].rule', expected: `${filename}:11:10` },
      { description: 'an element of an inline array', path: 'http.routers["app.v2"].middlewares[1]', expected: `${filename}:12:26` },
      { description: 'a key of an inline table', path: 'tcp.routers.db.tls.options', expected: `${filename}:15:41` },
      { description: 'a missing field, at its router', path: 'tcp.routers.db.service', expected: `${filename}:14:1` },
      { description: 'an unknown name', path: 'tcp.routers.web.rule', expected: undefined },
    ];
    for (const { description, path, expected } of cases) {
      assert.equal(locate(path), expected, description);
    }
  });

  it('finds a path in the file of a directory that defines its name', async (t) => {
    const directory = await tempDir(t);
    await mkdir(join(directory, 'team'));
    await writeFile(join(directory, 'a.yml'), 'http:\n  routers:\n    web:\n      rule: Host(`w`)\n');
    await writeFile(join(directory, 'team', 'b.yml'), 'tls:\n  certificates:\n    - certFile: /a.crt\n      keyFile: /a.key\n');
    await writeFile(join(directory, 'team', 'c.yml'), '# c\nhttp:\n  routers:\n    api:\n      rule: Host(`a`)\n');

    const { locate } = await readFileProviderSnapshot({ directory, watch: false });
    assert.ok(locate);

    assert.equal(locate('http.routers.api.rule'), `${join(directory, 'team', 'c.yml')}:5:13`);
    assert.equal(locate('http.routers.web.rule'), `${join(directory, 'a.yml')}:4:13`);
    assert.equal(locate('tls.certificates[0].keyFile'), `${join(directory, 'team', 'b.yml')}:4:16`);
    assert.equal(locate('tls.certificates[1].keyFile'), undefined);
  });

  it('splits configuration paths into keys as configPath formats them', () => {
    const cases: Array<{ description: string; keys: Array<string | number> }> = [
      { description: 'plain keys', keys: ['http', 'routers', 'api', 'rule'] },
      { description: 'a name with a dot', keys: ['http', 'routers', 'app.v2', 'rule'] },
      { description: 'a name with a quote and a bracket', keys: ['http', 'routers', 'a"b]c', 'rule'] },
      { description: 'list indexes', keys: ['http', 'services', 'app', 'loadBalancer', 'servers', 0, 'url'] },
      { description: 'an index at the top', keys: ['tls', 'certificates', 12] },
    ];
    for (const { description, keys } of cases) {
      assert.deepEqual(parseConfigPath(configPath(...keys)), keys, description);
    }
    assert.equal(parseConfigPath(''), undefined);
    assert.equal(parseConfigPath('http["unterminated'), undefined);
  });
});
