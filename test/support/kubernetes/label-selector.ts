/** A compiled label selector: `app=web,tier!=db,env in (a,b),!legacy`. */
export type LabelSelector = (labels: Readonly<Record<string, string>> | undefined) => boolean;

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

/** Splits on commas outside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < selector.length; index++) {
    const char = selector[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(selector.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set !== null) {
    const [, key, operator, list] = set as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((value) => value.trim()));
    return operator === 'in' ? (labels) => key in labels && values.has(labels[key]!) : (labels) => !(key in labels) || !values.has(labels[key]!);
  }
  const inequality = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(text);
  if (inequality !== null) {
    const [, key, value] = inequality as unknown as [string, string, string];
    return (labels) => labels[key] !== value;
  }
  const equality = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(text);
  if (equality !== null) {
    const [, key, value] = equality as unknown as [string, string, string];
    return (labels) => labels[key] === value;
  }
  if (text.startsWith('!')) {
    const key = text.slice(1).trim();
    return (labels) => !(key in labels);
  }
  if (/^\S+$/.test(text)) return (labels) => text in labels;
  throw new Error(`invalid label selector requirement ${JSON.stringify(text)}`);
}

/** Parses a selector as the API server does; an empty selector matches everything. */
export function parseLabelSelector(selector: string | null | undefined): LabelSelector {
  const requirements = splitRequirements(selector ?? '').map(parseRequirement);
  return (labels) => requirements.every((requirement) => requirement(labels ?? {}));
}
