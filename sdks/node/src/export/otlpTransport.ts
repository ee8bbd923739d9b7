import { allAttributes, type CostEvent } from '../event.js';
import { sdkFetch } from '../state.js';
import { retryAfterMs, SendResult, type Transport } from './transport.js';

/** Where the OTLP transport sends spans. */
export interface OtlpOptions {
  /** The collector's base address (`/v1/traces` is appended), default OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318. */
  endpoint?: string;
  /** A full traces address, default OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; wins over `endpoint`. */
  tracesEndpoint?: string;
  /** Headers sent with each export, default from OTEL_EXPORTER_OTLP_HEADERS (`key=value,key2=value2`). */
  headers?: Record<string, string>;
  /** The resource's service.name. */
  serviceName?: string;
  timeoutMs?: number;
}

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

/**
 * Exports events as OpenTelemetry spans over OTLP/HTTP JSON, written by hand (no dependency). Each span starts and
 * ends when the operation did, is a child of the span current when it ran, and carries `gen_ai.*` and `panoptic.*`
 * attributes as the .NET OpenTelemetry transport does. Its span id is taken from the event id, so a retried export
 * repeats the same span and Panoptic's `/v1/traces` (which keys span events by trace and span id) counts it once.
 */
export class OtlpTransport implements Transport {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly serviceName: string;
  private readonly timeoutMs: number;

  constructor(options: OtlpOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const traces = options.tracesEndpoint ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const base = options.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
    this.url = traces ?? base.replace(/\/+$/, '') + '/v1/traces';
    this.headers = { 'content-type': 'application/json', ...(options.headers ?? parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS)) };
    this.serviceName = options.serviceName ?? 'unknown_service:node';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(batch: readonly CostEvent[], signal: AbortSignal): Promise<SendResult> {
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [attribute('service.name', this.serviceName)] },
        scopeSpans: [{ scope: { name: '@panoptic/sdk' }, spans: batch.map(toSpan) }],
      }],
    });
    let response: Response;
    try {
      response = await sdkFetch()(this.url, { method: 'POST', headers: this.headers, body, signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) });
    } catch (e) {
      return SendResult.retryable(`the OTLP endpoint is unreachable (${(e as any)?.cause?.code ?? (e as Error)?.name})`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return SendResult.ok;
    const status = response.status;
    if (status === 429 || status >= 500) return SendResult.retryable(`the OTLP endpoint answered ${status}`, retryAfterMs(response.headers.get('retry-after')));
    return SendResult.permanent(`the OTLP endpoint answered ${status}`);
  }
}

function toSpan(e: CostEvent): Record<string, unknown> {
  const endNs = BigInt(Math.round(e.timestamp * 1000)) * 1000n;
  const startNs = endNs - BigInt(Math.max(0, Math.round(e.totalMs * 1e6)));
  const attributes = [attribute('gen_ai.provider.name', e.provider), attribute('panoptic.event_id', e.id)];
  const add = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) attributes.push(attribute(key, value));
  };
  add('gen_ai.operation.name', e.operation);
  add('gen_ai.request.model', e.model);
  add('gen_ai.response.model', e.model);
  const usage = e.usage;
  if (usage && (usage.inputTokens || usage.outputTokens)) {
    add('gen_ai.usage.input_tokens', usage.inputTokens ?? 0);
    add('gen_ai.usage.output_tokens', usage.outputTokens ?? 0);
    if (usage.cachedInputTokens) add('gen_ai.usage.cache_read.input_tokens', usage.cachedInputTokens);
    if (usage.reasoningTokens) add('gen_ai.usage.reasoning.output_tokens', usage.reasoningTokens);
  }
  add('panoptic.service', e.service);
  add('panoptic.tenant_id', e.context.tenantId);
  add('panoptic.user_id', e.context.userId);
  add('panoptic.feature', e.context.feature);
  add('panoptic.cost_usd', e.costUsd);
  add('panoptic.rate_card', e.rateCardVersion);
  for (const [key, value] of Object.entries(allAttributes(e))) add('panoptic.' + key, typeof value === 'object' ? safeJson(value) : value);
  if (e.failed) add('error.type', e.errorType);
  const span: Record<string, unknown> = {
    // The event id's random half as span id; its whole as trace id when no trace was current.
    traceId: e.traceId ?? e.id,
    spanId: e.id.slice(16),
    name: e.operation ? `${e.operation} ${e.model ?? ''}`.trimEnd() : e.provider,
    kind: 3,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: endNs.toString(),
    attributes,
    status: e.failed ? { code: 2, message: e.errorMessage ?? '' } : { code: 0 },
  };
  if (e.traceId && e.spanId) span.parentSpanId = e.spanId;
  return span;
}

function attribute(key: string, value: unknown): { key: string; value: AnyValue } {
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'number') return { key, value: Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value } };
  return { key, value: { stringValue: String(value) } };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value` pairs separated by commas, values percent-decoded. */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of (text ?? '').split(',')) {
    const equals = entry.indexOf('=');
    if (equals <= 0) continue;
    try {
      headers[entry.slice(0, equals).trim().toLowerCase()] = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      headers[entry.slice(0, equals).trim().toLowerCase()] = entry.slice(equals + 1).trim();
    }
  }
  return headers;
}
