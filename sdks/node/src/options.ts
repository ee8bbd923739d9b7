import { basename } from 'node:path';
import type { ExporterOptions } from './export/exporter.js';
import type { OtlpOptions } from './export/otlpTransport.js';
import type { Transport } from './export/transport.js';
import type { RateCard } from './pricing/rateCard.js';
import { samplingProblems, type SamplingOptions } from './sampling.js';

export type Output = 'server' | 'console' | 'file' | 'otlp';

/** Everything the SDK can be told in code; unset values come from the PANOPTIC_* environment (docs/sdk-node.md). */
export interface PanopticOptions {
  /** False turns every call into a no-op (PANOPTIC_ENABLED). */
  enabled?: boolean;
  /** The Panoptic server's base address (PANOPTIC_ENDPOINT). */
  endpoint?: string;
  /** The workspace's ingestion key (PANOPTIC_API_KEY); never printed. */
  apiKey?: string;
  /** This application's service name (PANOPTIC_SERVICE; default the package name npm gives, or the script's name). */
  service?: string;
  /** Where events go (PANOPTIC_OUTPUT): server (default), console, file or otlp. */
  output?: Output;
  /** The JSON-lines file for `file` (PANOPTIC_FILE). */
  file?: string;
  /** Your own transport; wins over `output`. */
  transport?: Transport;
  /** The OTLP transport's settings for `otlp` (default from OTEL_EXPORTER_OTLP_*). */
  otlp?: OtlpOptions;
  /** More provider hosts, host or host:port → provider (PANOPTIC_HOSTS=llm.internal:8443=openai,mail.internal=postmark). */
  hosts?: Record<string, string>;
  export?: ExporterOptions;
  sampling?: SamplingOptions;
  /** The prices used (default: the server's card shipped in the package). */
  rateCard?: RateCard;
  /** Patch fetch and http(s) so provider calls are captured (default true). */
  capture?: boolean;
  /** Where the one start-up line about a bad configuration goes (default console.warn). */
  logger?: (line: string) => void;
}

/** The options with every default filled in, and what is wrong with them. */
export interface ResolvedOptions {
  enabled: boolean;
  endpoint?: string;
  apiKey?: string;
  service?: string;
  output: Output;
  file?: string;
  transport?: Transport;
  otlp?: OtlpOptions;
  hosts: Record<string, string>;
  export: Required<ExporterOptions>;
  sampling: SamplingOptions;
  rateCard?: RateCard;
  capture: boolean;
  logger: (line: string) => void;
  problems: string[];
  /** False when there is nowhere to send events: disabled, or the server output with neither endpoint nor key. */
  configured: boolean;
}

const OUTPUTS: Output[] = ['server', 'console', 'file', 'otlp'];

/**
 * Reads the options: what code sets wins, then PANOPTIC_* variables, then the .NET configuration names
 * (`Panoptic__Export__BatchSize`), so one deployment's environment configures services in both languages.
 */
export function resolveOptions(code: PanopticOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const problems: string[] = [];
  const value = (key: string, variable?: string): string | undefined => {
    const text = (variable ? env[variable] : undefined) || env['Panoptic__' + key.replaceAll(':', '__')];
    return text && text.trim() ? text.trim() : undefined;
  };
  const parse = <T>(current: T | undefined, key: string, variable: string | undefined, read: (t: string) => T | undefined, expected: string): T | undefined => {
    if (current !== undefined) return current;
    const text = value(key, variable);
    if (text === undefined) return undefined;
    const parsed = read(text);
    if (parsed === undefined) problems.push(`${variable ?? 'Panoptic__' + key.replaceAll(':', '__')} must be ${expected}, got '${shorten(text)}'.`);
    return parsed;
  };

  const enabled = parse(code.enabled, 'Enabled', 'PANOPTIC_ENABLED', readBool, 'true or false') ?? true;
  const endpoint = code.endpoint ?? value('Endpoint', 'PANOPTIC_ENDPOINT');
  const apiKey = code.apiKey ?? value('ApiKey', 'PANOPTIC_API_KEY');
  const output = parse(code.output, 'Output', 'PANOPTIC_OUTPUT', (t) => OUTPUTS.find((o) => o === t.toLowerCase()), 'server, console, file or otlp') ?? 'server';
  const exportOptions: Required<ExporterOptions> = {
    queueCapacity: parse(code.export?.queueCapacity, 'Export:QueueCapacity', undefined, readInteger, 'a whole number') ?? 10_000,
    batchSize: parse(code.export?.batchSize, 'Export:BatchSize', undefined, readInteger, 'a whole number') ?? 500,
    flushIntervalMs: parse(code.export?.flushIntervalMs, 'Export:FlushInterval', undefined, readDuration, 'a duration such as 00:00:01') ?? 1000,
    retryDelayMs: parse(code.export?.retryDelayMs, 'Export:RetryDelay', undefined, readDuration, 'a duration such as 00:00:00.5') ?? 500,
    maxRetryDelayMs: parse(code.export?.maxRetryDelayMs, 'Export:MaxRetryDelay', undefined, readDuration, 'a duration such as 00:00:30') ?? 30_000,
  };
  const sampling: SamplingOptions = {
    ...code.sampling,
    rate: parse(code.sampling?.rate, 'Sampling:Rate', 'PANOPTIC_SAMPLE_RATE', readNumber, 'a number from 0 to 1'),
    alwaysKeepCostUsd: parse(code.sampling?.alwaysKeepCostUsd, 'Sampling:AlwaysKeepCostUsd', undefined, readNumber, 'an amount in US dollars'),
  };
  const resolved: ResolvedOptions = {
    enabled, endpoint, apiKey, output, export: exportOptions, sampling,
    service: code.service ?? value('Service', 'PANOPTIC_SERVICE') ?? defaultService(env),
    file: code.file ?? value('File', 'PANOPTIC_FILE'),
    transport: code.transport,
    otlp: code.otlp,
    hosts: { ...readHosts(value('Hosts', 'PANOPTIC_HOSTS'), problems), ...code.hosts },
    rateCard: code.rateCard,
    capture: code.capture ?? true,
    logger: code.logger ?? ((line) => console.warn(line)),
    problems,
    configured: enabled && (code.transport !== undefined || output !== 'server' || endpoint !== undefined || apiKey !== undefined),
  };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedOptions): void {
  const problems = o.problems;
  if (o.enabled && !o.transport) {
    if (o.output === 'server' && (o.endpoint !== undefined || o.apiKey !== undefined)) {
      if (o.endpoint === undefined) problems.push('endpoint (PANOPTIC_ENDPOINT) is missing: the address of your Panoptic server, e.g. https://panoptic.example.com.');
      else if (!isHttpUrl(o.endpoint)) {
        problems.push(`endpoint (PANOPTIC_ENDPOINT) must be an absolute http:// or https:// address, got '${o.endpoint.includes('@') ? '(a value with credentials, not shown)' : shorten(o.endpoint)}'.`);
      }
      if (o.apiKey === undefined) problems.push('apiKey (PANOPTIC_API_KEY) is missing: create an ingestion key with POST /api/v1/keys.');
      else if (/\s/.test(o.apiKey)) problems.push('apiKey (PANOPTIC_API_KEY) contains whitespace; copy the key exactly as it was shown.');
    }
    if (o.output === 'file' && !o.file) problems.push('file (PANOPTIC_FILE) is missing: the JSON-lines file to append events to.');
  }
  const e = o.export;
  if (!(Number.isInteger(e.queueCapacity) && e.queueCapacity >= 1 && e.queueCapacity <= 10_000_000)) problems.push(`export.queueCapacity must be between 1 and 10000000, got ${e.queueCapacity}.`);
  if (!(Number.isInteger(e.batchSize) && e.batchSize >= 1 && e.batchSize <= 10_000)) problems.push(`export.batchSize must be between 1 and 10000, got ${e.batchSize}.`);
  if (!(e.flushIntervalMs > 0)) problems.push('export.flushIntervalMs must be positive.');
  if (!(e.retryDelayMs > 0)) problems.push('export.retryDelayMs must be positive.');
  if (!(e.maxRetryDelayMs >= e.retryDelayMs)) problems.push('export.maxRetryDelayMs must not be shorter than retryDelayMs.');
  problems.push(...samplingProblems(o.sampling));
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function readBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function readInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function readNumber(text: string): number | undefined {
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : undefined;
}

/** A .NET TimeSpan as configuration writes it ([d.]hh:mm:ss[.fff]), or plain milliseconds. */
export function readDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000;
}

/** `host[:port]=provider,...`. */
function readHosts(list: string | undefined, problems: string[]): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const raw of (list ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const equals = entry.lastIndexOf('=');
    if (equals <= 0 || equals === entry.length - 1) problems.push(`PANOPTIC_HOSTS entries are host[:port]=provider, got '${shorten(entry)}'.`);
    else hosts[entry.slice(0, equals).trim().toLowerCase()] = entry.slice(equals + 1).trim();
  }
  return hosts;
}

function defaultService(env: NodeJS.ProcessEnv): string | undefined {
  if (env.npm_package_name) return env.npm_package_name;
  const script = process.argv[1];
  return script ? basename(script).replace(/\.[cm]?[jt]s$/, '') : undefined;
}

function shorten(text: string): string {
  return text.length > 80 ? text.slice(0, 80) + '…' : text;
}
