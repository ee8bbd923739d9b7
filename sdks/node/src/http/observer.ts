import { performance } from 'node:perf_hooks';
import { describe, report } from '../diagnostics.js';
import type { ContextValues } from '../context.js';
import type { Usage } from '../pricing/usage.js';
import type { Operation, Tracker } from '../tracker.js';
import type { ProviderMatch } from './providerHosts.js';
import { modelInPath, routeOf } from './route.js';
import { UsageReader } from './usageReader.js';

/** One call to a recognised provider, as capture sees it: where it went and when it started. */
export interface Call {
  match: ProviderMatch;
  method: string;
  path: string;
  started: number;
  /** The context the call was made in: bodies end in callbacks that may run outside it. */
  context: ContextValues;
}

export function operationOf(call: Call, model?: string): Operation {
  return { provider: call.match.provider, model: model ?? modelInPath(call.path), operation: routeOf(call.method, call.path) };
}

/** A failed call's error (its status), or undefined for a success. */
export function statusFailure(status: number, statusText = ''): Error | undefined {
  if (status < 400) return undefined;
  const error = new Error(`the provider answered ${status}${statusText ? ' ' + statusText : ''}`);
  error.name = 'HttpError';
  return error;
}

const SENDS = new Set(['resend', 'sendgrid', 'postmark', 'mailgun', 'twilio']);
const STORAGE = new Set(['s3', 'r2', 'gcs', 'azure_blob']);

/** What a non-LLM call consumed: one request; an email or SMS sent; bytes put to or got from storage. */
export function serviceUsage(call: Call, status: number, requestBytes: number | undefined, responseBytes: number | undefined): Usage {
  if (status >= 400) return { requests: 1 };
  const units = call.method === 'POST' && SENDS.has(call.match.provider) ? 1 : 0;
  const bytes = STORAGE.has(call.match.provider) ? (call.method === 'PUT' ? requestBytes : call.method === 'GET' ? responseBytes : 0) ?? 0 : 0;
  return { requests: 1, units, bytes };
}

/** Records a call that is over as soon as its headers arrive (not an LLM body to read), or that failed outright. */
export function recordCall(tracker: Tracker, call: Call, usage: Usage | undefined, error: unknown): void {
  tracker.record(operationOf(call), usage, call.started, performance.now(), error, false, call.context);
}

export function isEventStream(contentType: string | null | undefined): boolean {
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream');
}

export function isJson(contentType: string | null | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return media.endsWith('json');
}

/**
 * Watches an LLM response body go by and records the call once: when the body ends (or the stream says it is over),
 * or when the caller abandons it (priced from what was seen, marked estimated).
 */
export class ResponseObserver {
  private readonly reader: UsageReader;
  private done = false;
  private broken = false;

  constructor(private readonly tracker: Tracker, private readonly call: Call, private readonly status: number, private readonly stream: boolean) {
    this.reader = new UsageReader(stream);
  }

  saw(bytes: Uint8Array): void {
    if (this.broken || this.done) return;
    try {
      this.reader.append(bytes);
      if (this.reader.sawEnd) this.finish(true);
    } catch (e) {
      // Never the caller's problem: stop reading usage, keep passing bytes through.
      this.broken = true;
      report('error', `reading usage failed: ${describe(e)}`);
    }
  }

  /** The body ended (`complete`), failed with `error`, or was abandoned. */
  finish(complete: boolean, error?: unknown): void {
    const ended = performance.now();
    if (this.done) return;
    this.done = true;
    try {
      if (!this.broken) this.reader.complete();
      complete ||= this.reader.sawEnd;
      let usage = this.reader.usage;
      const estimated = !complete || usage === undefined;
      if (usage === undefined && this.reader.textChunks > 0) usage = { outputTokens: this.reader.textChunks };
      this.tracker.record(operationOf(this.call, this.reader.model), usage, this.call.started, ended, error ?? statusFailure(this.status), estimated && (this.stream || !complete), this.call.context);
    } catch (e) {
      report('error', `recording a response failed: ${describe(e)}`);
    }
  }
}
