import { readFileSync } from 'node:fs';

/** The package version, read from package.json beside the build. */
export function junctionVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

export async function version(): Promise<number> {
  process.stdout.write(`Version:      ${junctionVersion()}\nNode.js:      ${process.version}\nOS/Arch:      ${process.platform}/${process.arch}\n`);
  return 0;
}
