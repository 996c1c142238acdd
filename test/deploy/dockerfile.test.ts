import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { until } from '../support/until.js';
import { findObject, inRepository, podTemplateOf, readManifests } from './deploy-files.js';
import { deployInTestCluster } from './test-cluster-deployment.js';

interface Instruction {
  readonly keyword: string;
  readonly value: string;
}

/** The Dockerfile's instructions by build stage: continuation lines joined, comments left out. */
function dockerfileStages(text: string): Instruction[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [keyword, ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword!.toUpperCase(), value: rest.join(' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1]!.push(instruction);
  }
  return stages;
}

const stages = dockerfileStages(readFileSync(inRepository('Dockerfile'), 'utf8'));
const [buildStage, runStage] = [stages[0]!, stages[stages.length - 1]!];
const packageJson = JSON.parse(readFileSync(inRepository('package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
const ignored = readFileSync(inRepository('.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));

const values = (stage: Instruction[], keyword: string): string[] => stage.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.value);
const isIgnored = (path: string): boolean => ignored.some((pattern) => pattern.startsWith('*') ? path.endsWith(pattern.slice(1)) : path === pattern || path.startsWith(`${pattern}/`));

describe('Dockerfile', () => {
  it('builds with npm ci and npm run build on Node.js 20, then runs on Node.js 20 with production dependencies only', () => {
    assert.equal(stages.length, 2);
    assert.match(buildStage[0]!.value, /^node:20[-.\w]* AS build$/);
    assert.match(runStage[0]!.value, /^node:20[-.\w]*$/);
    assert.ok(values(buildStage, 'RUN').some((run) => run.startsWith('npm ci')));
    assert.ok(values(buildStage, 'RUN').includes('npm run build'));
    assert.ok(values(runStage, 'RUN').some((run) => /^npm ci --omit=dev\b/.test(run)));
  });

  it('runs as a numeric non-root user', () => {
    const users = values(runStage, 'USER');
    assert.equal(users.length, 1);
    const [uid, gid] = users[0]!.split(':').map(Number);
    assert.ok(Number.isInteger(uid) && uid! > 0, users[0]);
    assert.ok(gid === undefined || (Number.isInteger(gid) && gid > 0), users[0]);
    assert.equal(pod().securityContext?.['runAsUser'], uid);
  });

  it('starts the package\'s junction command from the files the package publishes', () => {
    const entrypoint = JSON.parse(values(runStage, 'ENTRYPOINT')[0]!) as string[];
    const appDirectory = values(runStage, 'WORKDIR')[0]!;

    assert.equal(entrypoint[0], 'node');
    assert.equal(relative(appDirectory, entrypoint[1]!), packageJson.bin['junction']);
    const copiedFromBuild = values(runStage, 'COPY').filter((copy) => copy.startsWith('--from=build')).map((copy) => copy.split(/\s+/)[1]!.replace(/^\/src\//, ''));
    assert.deepEqual(copiedFromBuild.sort(), [...packageJson.files].sort());
    assert.ok(packageJson.files.some((file) => packageJson.bin['junction']!.startsWith(`${file}/`)));
  });

  it('copies only files that exist in the repository and that .dockerignore lets through', () => {
    const sources = stages.flatMap((stage) => values(stage, 'COPY')).filter((copy) => !copy.startsWith('--from=')).flatMap((copy) => copy.split(/\s+/).slice(0, -1));
    assert.deepEqual(sources, ['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'dashboard', 'package.json', 'package-lock.json']);
    for (const source of sources) {
      assert.ok(existsSync(inRepository(source)), source);
      assert.equal(isIgnored(source), false, source);
    }
    for (const kept of ['node_modules', 'dist', '.git', 'test']) assert.ok(isIgnored(kept), kept);
  });

  it('exposes the container ports of deploy/junction.yaml and keeps HOME and TMPDIR in /tmp', () => {
    const exposed = values(runStage, 'EXPOSE').flatMap((line) => line.split(/\s+/)).map(Number);
    assert.deepEqual(exposed.sort(), (pod().containers[0]!.ports ?? []).map((port) => port.containerPort).sort());
    const environment = values(runStage, 'ENV').join(' ');
    assert.match(environment, /\bHOME=\/tmp\b/);
    assert.match(environment, /\bTMPDIR=\/tmp\b/);
    assert.deepEqual(values(runStage, 'VOLUME'), ['["/data"]']);
  });

  it('gives the image every package the built code imports: production dependencies are enough', async () => {
    const dependencies = Object.keys((JSON.parse(readFileSync(inRepository('package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const imported = new Set<string>();
    for (const file of await builtFiles(inRepository('dist/src'))) {
      const text = readFileSync(file, 'utf8');
      const statements = text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm);
      for (const match of statements) {
        const specifier = match[1] ?? match[2] ?? match[3]!;
        if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
        imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }

    assert.ok(imported.has('undici'));
    assert.deepEqual([...imported].filter((name) => !dependencies.includes(name)), []);
  });

  it('gives an image that serves from a read-only root: nothing written outside HOME and TMPDIR', async (t) => {
    // The image's layout (/app with package.json, dist/ and node_modules; cwd /) in a scratch folder, read-only.
    const root = await mkdtemp(join(tmpdir(), 'junction-image-'));
    t.after(async () => {
      await chmodTree(root, 0o755);
      await rm(root, { recursive: true, force: true });
    });
    const app = join(root, 'app');
    const workingDirectory = join(root, 'root');
    const writable = join(root, 'tmp');
    await mkdir(workingDirectory, { recursive: true });
    await mkdir(writable);
    for (const file of packageJson.files) if (existsSync(inRepository(file))) await cp(inRepository(file), join(app, file), { recursive: true });
    await writeFile(join(app, 'package.json'), readFileSync(inRepository('package.json')));
    await symlink(inRepository('node_modules'), join(app, 'node_modules'), 'dir');
    await chmodTree(app, 0o555);
    await chmod(workingDirectory, 0o555);
    await chmod(root, 0o755);
    // As root, the test runs Junction as the image's user, so that the read-only modes hold as in a container.
    const [uid, gid] = values(runStage, 'USER')[0]!.split(':').map(Number) as [number, number];
    const user = process.getuid?.() === 0 && canRead({ uid, gid: gid ?? uid }, [process.execPath, join(app, packageJson.bin['junction']!), join(app, 'node_modules', 'undici', 'package.json')])
      ? { uid, gid: gid ?? uid }
      : undefined;
    if (user !== undefined) await chown(writable, user.uid, user.gid);
    else t.diagnostic(`running as uid ${process.getuid?.()}: the modes are not enforced, the listings below still are`);
    const before = await listing(root, [writable]);

    const { junction } = await deployInTestCluster(t, {
      bin: join(app, packageJson.bin['junction']!),
      cwd: workingDirectory,
      env: { PATH: process.env['PATH'] ?? '', HOME: writable, TMPDIR: writable, NODE_ENV: 'production' },
      ...(user === undefined ? {} : { user }),
    });
    assert.equal((await get(`http://127.0.0.1:${junction.ports['traefik']}/ping`)).status, 200);
    await until(async () => (await get(`http://127.0.0.1:${junction.ports['web']}/`, { headers: { host: 'whoami.example.com' } })).status === 200, { timeoutMs: 30_000, message: 'the example IngressRoute' });

    assert.deepEqual(await listing(root, [writable]), before);
    assert.doesNotMatch(junction.output(), /EACCES|EROFS|read-only file system/i);
  });
});

function pod() {
  return podTemplateOf(findObject(readManifests('deploy/junction.yaml'), 'Deployment', 'junction'));
}

/** Whether `user` can read every one of `paths` (a repository in a private home folder cannot be). */
function canRead(user: { uid: number; gid: number }, paths: readonly string[]): boolean {
  const probe = spawnSync(process.execPath, ['-e', `for (const path of ${JSON.stringify(paths)}) require('node:fs').accessSync(path, require('node:fs').constants.R_OK)`], { ...user, stdio: 'ignore' });
  return probe.status === 0;
}

/** The compiled JavaScript files under a folder. */
async function builtFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.js')).map((entry) => join(entry.parentPath, entry.name));
}

/** Sets the mode of a folder and everything in it, files without execute bits (symbolic links left alone). */
async function chmodTree(path: string, mode: number): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isSymbolicLink()) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chmodTree(child, mode);
    else await chmod(child, mode & 0o666);
  }
  await chmod(path, mode);
}

/**
 * Every file and folder under `root` with its size and modification time, except the `writable` folders: equal
 * listings before and after a run mean nothing was written there (root may ignore the read-only modes).
 */
async function listing(root: string, writable: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (writable.includes(child)) continue;
      const info = await stat(child).catch(() => undefined);
      if (entry.isSymbolicLink()) {
        lines.push(`${relative(root, child)} -> link`);
        continue;
      }
      lines.push(`${relative(root, child)} ${info?.size ?? '?'} ${info?.mtimeMs ?? '?'}`);
      if (entry.isDirectory()) await walk(child);
    }
  };
  await walk(root);
  return lines.sort();
}
