import { performance } from 'node:perf_hooks';
import { getContext, toBaggageHeader } from '../context.js';
import { describe, report } from '../diagnostics.js';
import { state } from '../state.js';
import type { Tracker } from '../tracker.js';
import { isEventStream, isJson, recordCall, ResponseObserver, serviceUsage, statusFailure, type Call } from './observer.js';
import type { ProviderHosts } from './providerHosts.js';

const PATCHED = Symbol.for('@panoptic/sdk.fetch');

/** Replaces globalThis.fetch with one that records provider calls and carries the context to other hosts. */
export function installFetchCapture(hosts: () => ProviderHosts): void {
  const current = globalThis.fetch as typeof fetch & { [PATCHED]?: true };
  if (typeof current !== 'function' || current[PATCHED]) return;
  const original = current;
  state.originalFetch ??= original;
  const captured = function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    let url: URL;
    try {
      url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    } catch {
      return original(input, init); // let fetch report the bad address as it always does
    }
    const match = hosts().matchUrl(url);
    if (!match) return original(input, withBaggage(input, init));
    const tracker = state.tracker;
    if (!tracker) return original(input, init);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const call: Call = { match, method, path: url.pathname, started: performance.now(), context: getContext() };
    return original(input, init).then(
      (response) => observe(tracker, call, response, init),
      (error) => {
        recordCall(tracker, call, undefined, error);
        throw error;
      },
    );
  } as typeof fetch & { [PATCHED]?: true };
  captured[PATCHED] = true;
  globalThis.fetch = captured;
}

/** Adds the context as a `baggage` header, unless there is none or the caller set baggage itself. */
function withBaggage(input: string | URL | Request, init: RequestInit | undefined): RequestInit | undefined {
  const context = state.context.getStore();
  if (!context) return init;
  try {
    const header = toBaggageHeader(getContext());
    if (!header) return init;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (headers.has('baggage')) return init;
    headers.set('baggage', header);
    return { ...init, headers };
  } catch (e) {
    report('error', `adding baggage failed: ${describe(e)}`);
    return init;
  }
}

function observe(tracker: Tracker, call: Call, response: Response, init: RequestInit | undefined): Response {
  try {
    const contentType = response.headers.get('content-type');
    const stream = isEventStream(contentType);
    if (call.match.isLlm && response.ok && response.body && (stream || isJson(contentType))) {
      return observedResponse(response, new ResponseObserver(tracker, call, response.status, stream));
    }
    const requestBytes = typeof init?.body === 'string' ? Buffer.byteLength(init.body) : init?.body instanceof Uint8Array ? init.body.byteLength : undefined;
    const responseBytes = Number(response.headers.get('content-length') ?? '') || undefined;
    recordCall(tracker, call, serviceUsage(call, response.status, requestBytes, responseBytes), statusFailure(response.status, response.statusText));
  } catch (e) {
    report('error', `observing a response failed: ${describe(e)}`);
  }
  return response;
}

/**
 * The same response with a body that passes every chunk through unchanged, as the caller pulls it (no read-ahead,
 * no buffering), showing each to the observer on its way.
 */
function observedResponse(response: Response, observer: ResponseObserver): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (e) {
        observer.finish(false, e);
        controller.error(e);
        return;
      }
      if (chunk.done) {
        observer.finish(true);
        controller.close();
        return;
      }
      observer.saw(chunk.value);
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      observer.finish(false);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const observed = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // A constructed Response has no url, redirected or type of its own; clients read them (openai reports the url).
  Object.defineProperties(observed, {
    url: { value: response.url },
    redirected: { value: response.redirected },
    type: { value: response.type },
  });
  return observed;
}
