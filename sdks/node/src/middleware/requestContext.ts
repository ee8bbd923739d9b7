import { performance } from 'node:perf_hooks';
import { fromBaggageHeader, mergeContext, type ContextValues } from '../context.js';
import { describe, report } from '../diagnostics.js';
import { randomHex } from '../ids.js';
import { state } from '../state.js';
import type { Tracker } from '../tracker.js';

/** What the framework middleware does besides setting the context from `resolve`. */
export interface MiddlewareOptions<Req> {
  /** The request's context (tenant from a claim or header, ...); may be async. A resolver that throws never fails the request. */
  resolve?: (request: Req) => ContextValues | undefined | null | Promise<ContextValues | undefined | null>;
  /** Read tenant, user, plan, feature and request id from an incoming `baggage` header (default true); turn off for internet-facing services. */
  readBaggage?: boolean;
  /** Record each request as provider `http.server`, operation `GET /orders/:id` (default true). */
  recordRequests?: boolean;
}

type Values = ContextValues | undefined | null;

/**
 * The context for a request: incoming baggage, then a request id (the baggage's, else a new one), then what the
 * resolver returns. Calls `next` with it — synchronously when the resolver is synchronous.
 */
export function resolveRequestContext<Req>(request: Req, baggage: string | string[] | undefined | null, options: MiddlewareOptions<Req>, next: (values: ContextValues) => void): void {
  let values: ContextValues = {};
  try {
    const incoming = options.readBaggage === false ? {} : fromBaggageHeader(baggage);
    values = mergeContext(incoming, { requestId: incoming.requestId ?? randomHex(8) });
  } catch (e) {
    report('error', `reading the request's baggage failed: ${describe(e)}`);
  }
  let resolved: Values | Promise<Values>;
  try {
    resolved = options.resolve?.(request);
  } catch (e) {
    report('error', `the context resolver threw: ${describe(e)}`);
    return next(values);
  }
  if (resolved && typeof (resolved as Promise<Values>).then === 'function') {
    (resolved as Promise<Values>).then(
      (mapped) => next(mergeContext(values, mapped)),
      (e) => {
        report('error', `the context resolver failed: ${describe(e)}`);
        next(values);
      },
    );
    return;
  }
  next(mergeContext(values, resolved as Values));
}

/**
 * What the Express middleware and the Fastify hook share: resolves the request's context, hands it to `prepare` (which
 * sets up the recording; its failure is reported, never thrown), then calls `next` once, inside the context. When
 * anything else fails it is reported as `who` failing, and `next` still runs.
 */
export function runInRequestContext<Req>(request: Req, baggage: string | string[] | undefined | null, options: MiddlewareOptions<Req>, who: string, prepare: (values: ContextValues) => void, next: () => void): void {
  let called = false;
  const proceed = () => {
    if (!called) {
      called = true;
      next();
    }
  };
  try {
    resolveRequestContext(request, baggage, options, (values) => {
      try {
        prepare(values);
      } catch (e) {
        report('error', `recording the request failed: ${describe(e)}`);
      }
      // The rest of the request (Express's next middleware, Fastify's hooks and handler) runs inside this call.
      state.context.run(values, proceed);
    });
  } catch (e) {
    report('error', `${who} failed: ${describe(e)}`);
    proceed();
  }
}

/** Starts timing a request; the returned function records it (once) with its route and status. */
export function requestRecorder(options: MiddlewareOptions<any>, values: ContextValues): ((method: string, route: string | undefined, status: number, error?: unknown) => void) | undefined {
  const tracker: Tracker | undefined = state.tracker;
  if (options.recordRequests === false || !tracker) return undefined;
  const started = performance.now();
  let done = false;
  return (method, route, status, error) => {
    const ended = performance.now();
    if (done) return;
    done = true;
    const failure = error ?? (status >= 500 ? Object.assign(new Error(`the request answered ${status}`), { name: 'HttpError' }) : undefined);
    // Frameworks report the end from socket callbacks, outside the request's context: record it in that context.
    state.context.run(values, () => tracker.record({ provider: 'http.server', costUsd: 0, operation: route ? `${method} ${route}` : method, attributes: { status_code: status } }, undefined, started, ended, failure));
  };
}
