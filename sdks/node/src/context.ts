import { state } from './state.js';

/** Who and what an operation is for. Fields a scope leaves unset keep the outer scope's value. */
export interface ContextValues {
  tenantId?: string;
  userId?: string;
  plan?: string;
  feature?: string;
  requestId?: string;
  /** Free attributes: strings, numbers, booleans, or nested objects of the same; nested scopes merge them deeply. */
  attributes?: Record<string, unknown>;
}

/** Baggage keys, shared with the .NET SDK and the server's reading of span attributes. */
export const BaggageKeys = { tenantId: 'tenant_id', userId: 'user_id', plan: 'plan', feature: 'feature', requestId: 'request_id' } as const;

const EMPTY: ContextValues = Object.freeze({});
// W3C baggage allows 8192 bytes; a longer (hostile) header is read only that far.
const MAX_BAGGAGE = 8192;
type Field = keyof typeof BaggageKeys;
const FIELDS = Object.keys(BaggageKeys) as Field[];

/** The context in force here (empty outside any scope). */
export function getContext(): ContextValues {
  return state.context.getStore() ?? EMPTY;
}

/** Runs `fn` with `values` on top of the current context: the inner value wins per field, attributes merge deeply. */
export function withContext<T>(values: ContextValues, fn: () => T): T {
  return state.context.run(mergeContext(getContext(), values), fn);
}

/** `outer` with `inner` on top. */
export function mergeContext(outer: ContextValues, inner: ContextValues | undefined | null): ContextValues {
  if (!inner) return outer;
  const merged: ContextValues = {};
  for (const field of FIELDS) {
    const value = inner[field] ?? outer[field];
    if (value !== undefined && value !== null) merged[field] = String(value);
  }
  const attributes = mergeAttributes(outer.attributes, inner.attributes);
  if (attributes) merged.attributes = attributes;
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function mergeAttributes(outer: Record<string, unknown> | undefined, inner: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!inner || Object.keys(inner).length === 0) return outer;
  if (!outer || Object.keys(outer).length === 0) return inner;
  const merged: Record<string, unknown> = { ...outer };
  for (const [key, value] of Object.entries(inner)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? mergeAttributes(existing, value) : value;
  }
  return merged;
}

/**
 * The context in a W3C `baggage` header (`tenant_id=acme,user_id=ann`): entries split on commas, whitespace around
 * keys and values dropped, properties after `;` ignored, values percent-decoded (an invalid escape kept as written).
 * The first entry for a key wins; other keys are ignored.
 */
export function fromBaggageHeader(header: string | string[] | undefined | null): ContextValues {
  if (Array.isArray(header)) header = header.join(',');
  if (typeof header !== 'string' || header.length === 0) return EMPTY;
  if (header.length > MAX_BAGGAGE) header = header.slice(0, MAX_BAGGAGE);
  const values: ContextValues = {};
  for (const entry of header.split(',')) {
    const member = entry.split(';', 1)[0]!;
    const equals = member.indexOf('=');
    if (equals <= 0) continue;
    const key = member.slice(0, equals).trim();
    const field = FIELDS.find((f) => BaggageKeys[f] === key);
    if (!field || values[field] !== undefined) continue;
    values[field] = decode(member.slice(equals + 1).trim());
  }
  return values;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The well-known fields as a W3C `baggage` header value (percent-encoded); empty when there are none. */
export function toBaggageHeader(values: ContextValues): string {
  let header = '';
  for (const field of FIELDS) {
    const value = values[field];
    if (value === undefined || value === null) continue;
    header += (header ? ',' : '') + BaggageKeys[field] + '=' + encodeURIComponent(value);
  }
  return header;
}
