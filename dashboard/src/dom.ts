/** Small DOM builders: every text from the API goes through text nodes, never through HTML. */

export type Child = Node | string | number | undefined | null | false;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** A coloured status badge (`enabled`, `warning`, `disabled`, `UP`, `DOWN`). */
export function badge(status: string | undefined): HTMLElement {
  const text = status ?? 'unknown';
  return h('span', { class: `status status-${text}`, 'data-status': text }, text);
}

/** The faults of an item, one per line; nothing when there are none. */
export function errorList(errors: readonly string[] | undefined): HTMLElement | undefined {
  if (errors === undefined || errors.length === 0) return undefined;
  return h('ul', { class: 'errors' }, ...errors.map((error) => h('li', { class: 'error' }, error)));
}

/** A link inside the dashboard. */
export function link(hash: string, text: string): HTMLAnchorElement {
  return h('a', { href: `#${hash}` }, text);
}

/** A list of names as inline code, comma separated. */
export function names(values: readonly string[] | undefined): HTMLElement {
  if (values === undefined || values.length === 0) return h('span', { class: 'muted' }, '—');
  const span = h('span');
  values.forEach((value, index) => {
    if (index > 0) span.append(', ');
    span.append(h('code', {}, value));
  });
  return span;
}

/** A table with a header row; `empty` shows when there are no rows. */
export function table(headers: readonly string[], rows: readonly HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('table', {}, h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', {}, header)))), h('tbody', {}, ...rows));
}
