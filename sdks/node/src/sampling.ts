/**
 * Which share of tracked operations is exported. Failed operations and costly ones are always kept, so sampling
 * thins out cheap, frequent calls, never the ones a bill is made of. A kept event carries its rate.
 */
export interface SamplingOptions {
  /** The share kept when no provider or operation rule applies, 0 to 1 (default 1). */
  rate?: number;
  /** Rates per provider (`openai` → 0.1). */
  providers?: Record<string, number>;
  /** Rates per `provider/operation` (`openai/POST /v1/embeddings` → 0.01); they win over `providers`. */
  operations?: Record<string, number>;
  /** An operation costing at least this (USD) is always kept (default 0.01). */
  alwaysKeepCostUsd?: number;
}

export class Sampler {
  readonly keepsAll: boolean;
  readonly alwaysKeepCostUsd: number;
  private readonly rate: number;
  private readonly providers: Record<string, number>;
  private readonly operations: Record<string, number>;

  constructor(options: SamplingOptions = {}) {
    this.rate = options.rate ?? 1;
    this.providers = options.providers ?? {};
    this.operations = options.operations ?? {};
    this.alwaysKeepCostUsd = options.alwaysKeepCostUsd ?? 0.01;
    this.keepsAll = this.rate >= 1 && Object.keys(this.providers).length === 0 && Object.keys(this.operations).length === 0;
  }

  rateFor(provider: string, operation: string | undefined): number {
    if (operation !== undefined) {
      const byOperation = this.operations[provider + '/' + operation];
      if (byOperation !== undefined) return byOperation;
    }
    return this.providers[provider] ?? this.rate;
  }
}

/** The problems with these rates, each naming its setting. */
export function samplingProblems(options: SamplingOptions): string[] {
  const problems: string[] = [];
  const isRate = (r: unknown) => typeof r === 'number' && r >= 0 && r <= 1;
  if (options.rate !== undefined && !isRate(options.rate)) problems.push(`sampling.rate (PANOPTIC_SAMPLE_RATE) must be between 0 and 1, got ${options.rate}.`);
  for (const [key, rate] of Object.entries(options.providers ?? {})) {
    if (!isRate(rate)) problems.push(`sampling.providers.${key} must be between 0 and 1, got ${rate}.`);
  }
  for (const [key, rate] of Object.entries(options.operations ?? {})) {
    if (!isRate(rate)) problems.push(`sampling.operations["${key}"] must be between 0 and 1, got ${rate}.`);
    if (key.indexOf('/') <= 0) problems.push(`sampling.operations["${key}"] must be written provider/operation.`);
  }
  if (options.alwaysKeepCostUsd !== undefined && !(options.alwaysKeepCostUsd >= 0)) {
    problems.push(`sampling.alwaysKeepCostUsd must not be negative, got ${options.alwaysKeepCostUsd}.`);
  }
  return problems;
}
