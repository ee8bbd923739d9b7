import { AsyncLocalStorage } from 'node:async_hooks';
import type { ContextValues } from './context.js';
import type { Tracker } from './tracker.js';

/**
 * The SDK's process-wide state. It lives on globalThis under a registered symbol so that the ESM and CommonJS builds,
 * loaded side by side in one process, share one context and one tracker instead of splitting them.
 */
export interface SdkState {
  readonly context: AsyncLocalStorage<ContextValues>;
  tracker: Tracker | undefined;
  originalFetch: typeof fetch | undefined;
}

const key = Symbol.for('@panoptic/sdk.state');
const holder = globalThis as unknown as Record<symbol, SdkState | undefined>;

export const state: SdkState = holder[key] ??= {
  context: new AsyncLocalStorage<ContextValues>(),
  tracker: undefined,
  originalFetch: globalThis.fetch,
};

/** The fetch the SDK itself uses (for export): the one there was before capture patched it. */
export function sdkFetch(): typeof fetch {
  return state.originalFetch ?? globalThis.fetch;
}
