/** The trace and span of the OpenTelemetry span active here, when the application uses OpenTelemetry. */
export interface SpanIds {
  traceId: string;
  spanId: string;
}

// @opentelemetry/api keeps its globals under this registered symbol, and the active span under a context key made with
// Symbol.for: reading them needs no dependency on the package (and costs nothing when it is absent).
const API_KEY = Symbol.for('opentelemetry.js.api.1');
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const INVALID_TRACE = '00000000000000000000000000000000';

export function activeSpan(): SpanIds | undefined {
  const api = (globalThis as any)[API_KEY];
  if (!api?.context) return undefined;
  try {
    const span = api.context.active()?.getValue(SPAN_KEY);
    const ids = span?.spanContext?.();
    if (!ids || typeof ids.traceId !== 'string' || ids.traceId === INVALID_TRACE) return undefined;
    return { traceId: ids.traceId, spanId: ids.spanId };
  } catch {
    return undefined;
  }
}
