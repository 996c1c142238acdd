import type { Dispatcher } from 'undici';

/** A dispatcher for a server whose port no socket can use: every request fails as a refused dial. */
export function unreachableDispatcher(address: string): Dispatcher {
  return {
    dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const error = Object.assign(new Error(`dial tcp: address ${address}: invalid port`), { code: 'ECONNREFUSED' });
      queueMicrotask(() => handler.onError?.(error));
      return true;
    },
  } as unknown as Dispatcher;
}
