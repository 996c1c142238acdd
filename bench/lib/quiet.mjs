// How much CPU processes outside the benchmark use, and how much the hypervisor takes away (steal time):
// measurements on a busy machine are not comparable. Reads utime + stime of every process in /proc; the
// benchmark's own processes (its process groups) and kernel threads (which also carry the loopback
// traffic's soft interrupts) are not counted. Steal time comes from the `cpu` line of /proc/stat.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { sleep } from './processes.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Share of the CPUs used by other processes (or stolen) during a run above which the run is measured again. */
export const BUSY_SHARE = 0.05;

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]), start: fields[19] };
  } catch {
    return undefined;
  }
}

/** The machine's CPU time so far: all of it and the part stolen by the hypervisor, in ticks. */
function readCpuTimes() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: fields.reduce((sum, n) => sum + n, 0), steal: fields[7] ?? 0 };
}

/** CPU ticks used so far by every process that is not ours and not a kernel thread, and the machine's. */
export function snapshot(ownGroups) {
  const cpu = readCpuTimes();
  const result = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (stat === undefined || pid === 2 || stat.ppid === 2 || ownGroups().has(stat.pgrp)) continue;
    result.set(pid, stat);
  }
  return { at: Date.now(), processes: result, cpu };
}

/** Share of the CPU time (0–1) the hypervisor gave to others between two snapshots. */
export function stealShare(before, after) {
  const total = after.cpu.total - before.cpu.total;
  return total > 0 ? (after.cpu.steal - before.cpu.steal) / total : 0;
}

/** Share of the whole machine (0–1) used by foreign processes between two snapshots. */
export function foreignShare(before, after) {
  let ticks = 0;
  for (const [pid, stat] of after.processes) {
    const earlier = before.processes.get(pid);
    ticks += earlier !== undefined && earlier.start === stat.start ? stat.ticks - earlier.ticks : stat.ticks;
  }
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  return ticks / TICKS_PER_SECOND / seconds / cpus().length;
}

/**
 * Waits until foreign processes use less than `threshold` of the machine over two seconds, for at most
 * `maxWaitMs`. Returns the last share measured.
 */
export async function waitForQuiet(ownGroups, { threshold = BUSY_SHARE, maxWaitMs = 180_000, log } = {}) {
  const deadline = Date.now() + maxWaitMs;
  let warned = false;
  for (;;) {
    const before = snapshot(ownGroups);
    await sleep(2000);
    const share = foreignShare(before, snapshot(ownGroups));
    if (share < threshold || Date.now() >= deadline) {
      if (warned) log?.(share < threshold ? '  machine quiet again' : `  still busy (${(share * 100).toFixed(0)} % CPU); measuring anyway, the report marks it`);
      return share;
    }
    if (!warned) log?.(`  other processes use ${(share * 100).toFixed(0)} % of the CPUs; waiting up to ${maxWaitMs / 1000} s for the machine to be quiet`);
    warned = true;
  }
}
