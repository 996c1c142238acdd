/**
 * Code point sets as flat, sorted lists of inclusive ranges: `[lo0, hi0, lo1, hi1, ...]`.
 * Used to build the character classes of translated Go regular expressions.
 */
export type Ranges = number[];

export const MAX_CODE_POINT = 0x10ffff;

/** Returns the ranges sorted and merged, adjacent ranges joined. */
export function normalizeRanges(ranges: Ranges): Ranges {
  const pairs: Array<[number, number]> = [];
  for (let index = 0; index < ranges.length; index += 2) pairs.push([ranges[index]!, ranges[index + 1]!]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) {
      if (hi > out[last]!) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** Returns the code points of [0, 0x10FFFF] that are not in the (normalized) ranges. */
export function complementRanges(ranges: Ranges): Ranges {
  const normalized = normalizeRanges(ranges);
  const out: Ranges = [];
  let next = 0;
  for (let index = 0; index < normalized.length; index += 2) {
    const lo = normalized[index]!;
    if (lo > next) out.push(next, lo - 1);
    next = normalized[index + 1]! + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

// Unicode simple case folding orbits that lower/upper case round trips do not reveal,
// as Go's unicode.SimpleFold defines them (Kelvin sign, long s, final sigma, ...).
const EXTRA_ORBITS: readonly (readonly number[])[] = [
  [0x4b, 0x6b, 0x212a], [0x53, 0x73, 0x17f], [0xb5, 0x39c, 0x3bc], [0xc5, 0xe5, 0x212b], [0xdf, 0x1e9e],
  [0x1c4, 0x1c5, 0x1c6], [0x1c7, 0x1c8, 0x1c9], [0x1ca, 0x1cb, 0x1cc], [0x1f1, 0x1f2, 0x1f3],
  [0x345, 0x399, 0x3b9, 0x1fbe], [0x392, 0x3b2, 0x3d0], [0x395, 0x3b5, 0x3f5], [0x398, 0x3b8, 0x3d1, 0x3f4],
  [0x39a, 0x3ba, 0x3f0], [0x3a0, 0x3c0, 0x3d6], [0x3a1, 0x3c1, 0x3f1], [0x3a3, 0x3c2, 0x3c3],
  [0x3a6, 0x3c6, 0x3d5], [0x3a9, 0x3c9, 0x2126], [0x412, 0x432, 0x1c80], [0x414, 0x434, 0x1c81],
  [0x41e, 0x43e, 0x1c82], [0x421, 0x441, 0x1c83], [0x422, 0x442, 0x1c84, 0x1c85], [0x42a, 0x44a, 0x1c86],
  [0x462, 0x463, 0x1c87], [0x1c88, 0xa64a, 0xa64b], [0x1e60, 0x1e61, 0x1e9b],
  [0x1fb3, 0x1fbc], [0x1fc3, 0x1fcc], [0x1ff3, 0x1ffc],
];

let orbits: Map<number, readonly number[]> | undefined;
let foldable: number[] | undefined;

function singleCodePoint(text: string): number | undefined {
  const first = text.codePointAt(0);
  if (first === undefined) return undefined;
  return text.length === (first > 0xffff ? 2 : 1) ? first : undefined;
}

function buildOrbits(): Map<number, readonly number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  const union = (a: number, b: number): void => {
    const rootA = find(a);
    const rootB = find(b);
    if (!parent.has(rootB)) parent.set(rootB, rootB);
    if (rootA !== rootB) parent.set(rootA, rootB);
  };
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const text = String.fromCodePoint(cp);
    const lower = singleCodePoint(text.toLowerCase());
    if (lower !== undefined && lower !== cp && String.fromCodePoint(lower).toUpperCase() === text) union(cp, lower);
    const upper = singleCodePoint(text.toUpperCase());
    if (upper !== undefined && upper !== cp && String.fromCodePoint(upper).toLowerCase() === text) union(cp, upper);
  }
  // The Greek letters with ypogegrammeni pair up one to one.
  for (let offset = 0; offset < 8; offset++) {
    union(0x1f80 + offset, 0x1f88 + offset);
    union(0x1f90 + offset, 0x1f98 + offset);
    union(0x1fa0 + offset, 0x1fa8 + offset);
  }
  for (const orbit of EXTRA_ORBITS) for (const member of orbit.slice(1)) union(orbit[0]!, member);
  const classes = new Map<number, number[]>();
  for (const member of parent.keys()) {
    const root = find(member);
    let members = classes.get(root);
    if (members === undefined) classes.set(root, (members = []));
    members.push(member);
  }
  const result = new Map<number, readonly number[]>();
  for (const members of classes.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => a - b);
    for (const member of members) result.set(member, members);
  }
  return result;
}

function orbitTable(): Map<number, readonly number[]> {
  if (orbits === undefined) {
    orbits = buildOrbits();
    foldable = [...orbits.keys()].sort((a, b) => a - b);
  }
  return orbits;
}

/** Returns the code points that match `cp` case-insensitively (itself included), as Go's (?i) does. */
export function caseOrbit(cp: number): readonly number[] {
  return orbitTable().get(cp) ?? [cp];
}

/** Returns the ranges with every case variant of their members added. */
export function foldRanges(ranges: Ranges): Ranges {
  const table = orbitTable();
  const keys = foldable!;
  const out = ranges.slice();
  for (let index = 0; index < ranges.length; index += 2) {
    const lo = ranges[index]!;
    const hi = ranges[index + 1]!;
    let position = lowerBound(keys, lo);
    for (; position < keys.length && keys[position]! <= hi; position++) {
      for (const member of table.get(keys[position]!)!) out.push(member, member);
    }
  }
  return normalizeRanges(out);
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
