import { h } from './dom.js';
import {
  entryPointsView,
  middlewareDetailView,
  middlewaresView,
  overviewView,
  routerDetailView,
  routersView,
  serviceDetailView,
  servicesView,
  type Protocol,
} from './views.js';

/** How often the current view is fetched again: the dashboard follows configuration changes without a reload. */
const refreshMs = 2000;

const view = document.getElementById('view')!;
const live = document.getElementById('live')!;

/** Picks the view of a location hash (`#/http/routers/api@file`). */
function viewFor(hash: string): () => Promise<HTMLElement> {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const [first, kind, name] = parts;
  if (first === 'entrypoints') return entryPointsView;
  if (first === 'http' || first === 'tcp' || first === 'udp') {
    const protocol: Protocol = first;
    const decoded = name === undefined || name === '' ? undefined : decodeURIComponent(name);
    switch (kind) {
      case 'routers':
        return decoded === undefined ? () => routersView(protocol) : () => routerDetailView(protocol, decoded);
      case 'services':
        return decoded === undefined ? () => servicesView(protocol) : () => serviceDetailView(protocol, decoded);
      case 'middlewares':
        return decoded === undefined ? () => middlewaresView(protocol) : () => middlewareDetailView(protocol, decoded);
    }
  }
  return overviewView;
}

let generation = 0;

/** Renders the current view; a render that a newer one overtook is dropped. */
async function render(): Promise<void> {
  const current = ++generation;
  const hash = location.hash;
  try {
    const content = await viewFor(hash)();
    if (current !== generation) return;
    view.replaceChildren(content);
    live.classList.remove('stale');
    live.textContent = `live · ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (current !== generation) return;
    live.classList.add('stale');
    live.textContent = 'disconnected';
    if (view.childElementCount === 0) view.replaceChildren(h('p', { class: 'failure' }, String(error)));
  }
  for (const anchor of document.querySelectorAll('nav a')) anchor.classList.toggle('active', anchor.getAttribute('href') === (hash || '#/'));
}

window.addEventListener('hashchange', () => void render());
setInterval(() => void render(), refreshMs);
void render();
