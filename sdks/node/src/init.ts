import { report } from './diagnostics.js';
import { Exporter, type ExporterStats } from './export/exporter.js';
import { JsonLinesTransport } from './export/jsonLinesTransport.js';
import { OtlpTransport } from './export/otlpTransport.js';
import { ServerTransport } from './export/serverTransport.js';
import type { Transport } from './export/transport.js';
import { installFetchCapture } from './http/fetchCapture.js';
import { installHttpCapture } from './http/nodeHttpCapture.js';
import { ProviderHosts } from './http/providerHosts.js';
import { resolveOptions, type PanopticOptions, type ResolvedOptions } from './options.js';
import { RateCard } from './pricing/rateCard.js';
import { Sampler } from './sampling.js';
import { state } from './state.js';
import { Tracker } from './tracker.js';

let hosts = new ProviderHosts();
let exitHook: (() => void) | undefined;

/**
 * Starts the SDK: reads the options (code first, then PANOPTIC_* variables), starts the exporter, patches fetch and
 * http(s) so provider calls are captured, and sends what is queued on `beforeExit`. A bad configuration is one log
 * line and leaves the SDK off; nothing configured leaves it off silently. Never throws. Returns whether it is on.
 */
export function init(options: PanopticOptions = {}): boolean {
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(options);
  } catch (e) {
    console.warn(`panoptic: could not read the configuration (${(e as Error)?.message}); tracking is off`);
    return false;
  }
  if (resolved.problems.length > 0) {
    resolved.logger(`panoptic: the configuration has ${resolved.problems.length} problem(s), tracking is off: ${resolved.problems.join(' ')}`);
    return false;
  }
  if (!resolved.configured) {
    report('info', 'Panoptic is off: no endpoint or key is configured (PANOPTIC_ENDPOINT, PANOPTIC_API_KEY)');
    return false;
  }
  const previous = state.tracker;
  const exporter = new Exporter(transportFor(resolved), resolved.export);
  state.tracker = new Tracker(exporter, resolved.service, resolved.rateCard ?? RateCard.embedded, new Sampler(resolved.sampling));
  if (previous) void previous.exporter.close();
  if (resolved.capture) instrument(resolved.hosts);
  if (!exitHook) {
    // beforeExit fires when the event loop is empty; close() sends what is left, then the loop empties again.
    exitHook = () => void state.tracker?.exporter.close();
    process.on('beforeExit', exitHook);
  }
  return true;
}

/** Patches fetch and http(s) for capture without starting an exporter (init calls it); `hosts` adds provider hosts. */
export function instrument(extraHosts?: Record<string, string>): void {
  if (extraHosts) hosts = new ProviderHosts(extraHosts);
  installFetchCapture(() => hosts);
  installHttpCapture(() => hosts);
}

function transportFor(o: ResolvedOptions): Transport {
  if (o.transport) return o.transport;
  switch (o.output) {
    case 'console': return new JsonLinesTransport();
    case 'file': return new JsonLinesTransport(o.file!);
    case 'otlp': return new OtlpTransport({ serviceName: o.service, ...o.otlp });
    default: return new ServerTransport(o.endpoint!, o.apiKey!);
  }
}

/** Sends what is queued; true when all of it was sent within `timeoutMs`. */
export function flush(timeoutMs = 5000): Promise<boolean> {
  return state.tracker?.exporter.flush(timeoutMs) ?? Promise.resolve(true);
}

/** Stops tracking and sends what is left (for up to `timeoutMs`). */
export async function close(timeoutMs = 5000): Promise<void> {
  const tracker = state.tracker;
  state.tracker = undefined;
  await tracker?.exporter.close(timeoutMs);
}

/** The exporter's counters: queued, in flight, sent, dropped, failed, sampled out, retries (zeros when off). */
export function stats(): ExporterStats {
  return state.tracker?.exporter.stats() ?? { queued: 0, inFlight: 0, sent: 0, dropped: 0, failed: 0, sampledOut: 0, retries: 0 };
}

/** True after a successful `init` and before `close`. */
export function isEnabled(): boolean {
  return state.tracker !== undefined;
}
