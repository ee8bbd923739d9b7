import { channel } from 'node:diagnostics_channel';

/**
 * Where the SDK reports its own trouble — never by throwing into the application: the `panoptic:sdk` diagnostics
 * channel (subscribe with `diagnostics_channel.subscribe('panoptic:sdk', ...)`), and standard error when
 * PANOPTIC_DEBUG is set. Messages never hold a key.
 */
export interface Diagnostic {
  level: 'info' | 'warn' | 'error';
  message: string;
}

const sdkChannel = channel('panoptic:sdk');

export function report(level: Diagnostic['level'], message: string): void {
  try {
    if (sdkChannel.hasSubscribers) sdkChannel.publish({ level, message } satisfies Diagnostic);
    if (process.env.PANOPTIC_DEBUG) process.stderr.write(`panoptic: ${level}: ${message}\n`);
  } catch {
    // A subscriber that throws is its own problem; reporting must never fail the caller.
  }
}

/** An error's message, cut to a line's length, for a diagnostic. */
export function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 300 ? text.slice(0, 300) + '…' : text;
}
