import type { ContextValues } from './context.js';
import type { Usage } from './pricing/usage.js';

/** One tracked operation as the SDK holds it until export. Serialised by `eventToJson` in the server's shape. */
export interface CostEvent {
  /** 32 hex digits, made once per operation: the server ignores an id it already has. */
  id: string;
  /** When the operation ended, Unix milliseconds. */
  timestamp: number;
  provider: string;
  service?: string;
  model?: string;
  operation?: string;
  context: ContextValues;
  attributes?: Record<string, unknown>;
  usage?: Usage;
  costUsd?: number;
  rateCardVersion?: string;
  totalMs: number;
  executionMs?: number;
  overheadMs?: number;
  failed: boolean;
  errorType?: string;
  errorMessage?: string;
  traceId?: string;
  spanId?: string;
  sampleRate: number;
  usageEstimated: boolean;
}

/** The attributes sent: the context's, plan and request id, the event's own on top, sample rate and estimate marks. */
export function allAttributes(e: CostEvent): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...e.context.attributes };
  if (e.context.plan !== undefined) attributes.plan = e.context.plan;
  if (e.context.requestId !== undefined) attributes.request_id = e.context.requestId;
  if (e.attributes) Object.assign(attributes, e.attributes);
  if (e.sampleRate < 1) attributes.sample_rate = e.sampleRate;
  if (e.usageEstimated) attributes.usage_estimated = true;
  return attributes;
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/** One event as the server's `POST /api/v1/events` reads it (the same shape as the .NET SDK's EventJson). */
export function eventToJson(e: CostEvent): Record<string, unknown> {
  const json: Record<string, unknown> = { id: e.id, timestamp: new Date(e.timestamp).toISOString(), provider: e.provider };
  if (e.service !== undefined) json.service = e.service;
  if (e.model !== undefined) json.model = e.model;
  if (e.operation !== undefined) json.operation = e.operation;
  if (e.context.tenantId !== undefined) json.tenant_id = e.context.tenantId;
  if (e.context.userId !== undefined) json.user_id = e.context.userId;
  if (e.context.feature !== undefined) json.feature = e.context.feature;
  const attributes = allAttributes(e);
  if (Object.keys(attributes).length > 0) json.attributes = attributes;
  const usage = usageJson(e.usage);
  if (usage) json.usage = usage;
  if (e.costUsd !== undefined) json.cost = { amount: e.costUsd, currency: 'USD' };
  const timing: Record<string, number> = { total_ms: round3(e.totalMs) };
  if (e.executionMs !== undefined) timing.execution_ms = round3(e.executionMs);
  if (e.overheadMs !== undefined) timing.overhead_ms = round3(e.overheadMs);
  json.timing = timing;
  json.status = e.failed ? 'error' : 'ok';
  if (e.failed) {
    const error: Record<string, string> = {};
    if (e.errorType !== undefined) error.type = e.errorType;
    if (e.errorMessage !== undefined) error.message = e.errorMessage;
    json.error = error;
  }
  if (e.traceId) json.trace_id = e.traceId;
  if (e.spanId) json.span_id = e.spanId;
  return json;
}

function usageJson(usage: Usage | undefined): Record<string, number> | undefined {
  if (!usage) return undefined;
  const json: Record<string, number> = {};
  const put = (name: string, value: number | undefined) => {
    if (value) json[name] = value;
  };
  put('input_tokens', usage.inputTokens);
  put('output_tokens', usage.outputTokens);
  put('cached_input_tokens', usage.cachedInputTokens);
  put('reasoning_tokens', usage.reasoningTokens);
  put('requests', usage.requests);
  put('bytes', usage.bytes);
  put('units', usage.units);
  return Object.keys(json).length > 0 ? json : undefined;
}

/**
 * The event as one line of JSON. Attributes that cannot be serialised (a cycle, a BigInt) are dropped rather than
 * losing the event: the cost still counts.
 */
export function serializeEvent(e: CostEvent): string {
  const json = eventToJson(e);
  try {
    return JSON.stringify(json);
  } catch {
    delete json.attributes;
    return JSON.stringify(json);
  }
}
