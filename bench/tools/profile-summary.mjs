#!/usr/bin/env node
// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`).
import { readFileSync } from 'node:fs';

const [file, limit = '30'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: profile-summary.mjs FILE.cpuprofile [COUNT]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map();
profile.samples.forEach((id, index) => {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  selfTime.set(key, (selfTime.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...selfTime.values()].reduce((sum, value) => sum + value, 0);
for (const [key, time] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, Number(limit))) {
  process.stdout.write(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
}
