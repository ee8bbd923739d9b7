import type { CostEvent } from '../event.js';

/** What a transport reports for one batch. */
export type SendResult =
  | { ok: true }
  | { ok: false; retry: true; error: string; retryAfterMs?: number }
  | { ok: false; retry: false; error: string };

export const SendResult = {
  ok: { ok: true } as SendResult,
  retryable: (error: string, retryAfterMs?: number): SendResult => ({ ok: false, retry: true, error, retryAfterMs }),
  permanent: (error: string): SendResult => ({ ok: false, retry: false, error }),
};

/**
 * Where batches of events go. The exporter sends one batch at a time; a transport reports failure through its
 * result (a throw counts as a retryable failure). The events of a retried batch keep their ids.
 */
export interface Transport {
  send(batch: readonly CostEvent[], signal: AbortSignal): Promise<SendResult>;
  close?(): Promise<void> | void;
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 300_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), 300_000);
}
