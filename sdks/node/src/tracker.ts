import { performance } from 'node:perf_hooks';
import { getContext, type ContextValues } from './context.js';
import { describe, report } from './diagnostics.js';
import type { Exporter } from './export/exporter.js';
import { newEventId } from './ids.js';
import type { RateCard } from './pricing/rateCard.js';
import { isEmptyUsage, type Usage } from './pricing/usage.js';
import type { Sampler } from './sampling.js';
import { activeSpan } from './traceContext.js';

/** What a tracked operation is: who is billed, for what, and what it consumed. */
export interface Operation {
  /** The provider billed (openai, anthropic, stripe, resend, s3). */
  provider: string;
  /** The model or resource used. */
  model?: string;
  /** What is done (chat, embeddings, send_email). */
  operation?: string;
  usage?: Usage;
  /** What it cost in US dollars, when you know; otherwise the rate card prices `usage`. */
  costUsd?: number;
  attributes?: Record<string, unknown>;
}

/** Prices, samples and queues operations for one exporter. Never throws. */
export class Tracker {
  constructor(
    readonly exporter: Exporter,
    private readonly service: string | undefined,
    private readonly rates: RateCard,
    private readonly sampler: Sampler,
  ) {}

  /** Records `operation`, which ran from `started` to `ended` (performance.now() milliseconds), in `context` (default: the current one). */
  record(operation: Operation, usage: Usage | undefined, started: number, ended: number, error?: unknown, estimated = false, context?: ContextValues): void {
    try {
      const at = Date.now();
      let cost = operation.costUsd;
      let version: string | undefined;
      if (cost === undefined && usage && !isEmptyUsage(usage)) {
        cost = this.rates.price(operation.provider, operation.model, usage, at);
        if (cost !== undefined) version = this.rates.version;
      }
      let rate = 1;
      const failed = error !== undefined && error !== null;
      if (!this.sampler.keepsAll && !failed && !(cost !== undefined && cost >= this.sampler.alwaysKeepCostUsd)) {
        rate = this.sampler.rateFor(operation.provider, operation.operation);
        if (rate < 1 && Math.random() >= rate) {
          this.exporter.countSampledOut();
          return;
        }
      }
      const span = activeSpan();
      const execution = ended - started;
      const overhead = performance.now() - ended;
      this.exporter.enqueue({
        id: newEventId(at), timestamp: at, provider: operation.provider, service: this.service, model: operation.model,
        operation: operation.operation, context: context ?? getContext(), attributes: operation.attributes, usage, costUsd: cost,
        rateCardVersion: version, totalMs: execution + overhead, executionMs: execution, overheadMs: overhead, failed,
        errorType: failed ? errorType(error) : undefined, errorMessage: failed ? errorMessage(error) : undefined,
        traceId: span?.traceId, spanId: span?.spanId, sampleRate: rate, usageEstimated: estimated,
      });
    } catch (e) {
      report('error', `recording an operation failed: ${describe(e)}`);
    }
  }
}

function errorType(error: unknown): string {
  if (error instanceof Error) {
    const name = error.constructor?.name;
    return name && name !== 'Error' && name !== 'Object' ? name : error.name || 'Error';
  }
  return typeof error;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : safeString(error);
  return message.length > 500 ? message.slice(0, 500) : message;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
