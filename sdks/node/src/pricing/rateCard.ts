import type { Usage } from './usage.js';
import { RATE_CARD_JSON } from './rateCardData.js';

interface DatedPrice {
  from: number;
  input: number;
  cachedInput: number | undefined;
  output: number;
  perRequest: number;
  perGb: number;
  perUnit: number;
}

interface Entry {
  provider: string;
  models: string[];
  prices: DatedPrice[];
}

const MAX_CACHED_MATCHES = 4096;

/**
 * Dated prices per provider and model (LLMs, USD per million tokens) or per provider (services: per request, per GB,
 * per unit) — the server's own card, copied into the package, priced by the same rules as the .NET RateCard.
 */
export class RateCard {
  private readonly matches = new Map<string, Entry | null>();

  private constructor(
    readonly version: string,
    private readonly llm: Entry[],
    private readonly services: Map<string, Entry>,
    private readonly overrides?: RateCard,
  ) {}

  /** The card shipped in this package (the server's `rate-card.json`). */
  static readonly embedded: RateCard = RateCard.parse(RATE_CARD_JSON);

  /** Reads a card from its JSON form; throws an Error naming what is wrong. */
  static parse(json: string): RateCard {
    let root: any;
    try {
      root = JSON.parse(json);
    } catch (e) {
      throw new Error(`rate card: not JSON (${(e as Error).message})`);
    }
    if (typeof root?.version !== 'string' || root.version.length === 0) throw new Error('rate card: version is required');
    const llm: Entry[] = [];
    for (const item of Array.isArray(root.llm) ? root.llm : []) {
      const provider = requireProvider(item, 'llm');
      const models = Array.isArray(item.models) ? item.models.map((m: unknown) => String(m ?? '')) : [];
      llm.push({ provider, models, prices: prices(item, provider) });
    }
    const services = new Map<string, Entry>();
    for (const item of Array.isArray(root.services) ? root.services : []) {
      const provider = requireProvider(item, 'service');
      services.set(provider, { provider, models: [], prices: prices(item, provider) });
    }
    return new RateCard(root.version, llm, services);
  }

  /** This card with `overrides` on top: what they price they win, anything else this card prices. */
  withOverrides(overrides: RateCard): RateCard {
    return new RateCard(`${this.version}+${overrides.version}`, this.llm, this.services, overrides);
  }

  /**
   * The cost in US dollars of `usage` at `at` (Unix ms), or undefined when no price is known for the provider and
   * model: an unknown model is unpriced, never free.
   */
  price(provider: string, model: string | undefined, usage: Usage, at: number = Date.now()): number | undefined {
    const overridden = this.overrides?.price(provider, model, usage, at);
    if (overridden !== undefined) return overridden;
    const key = normalizeProvider(provider);
    if (model) {
      const entry = this.match(key, model);
      const price = entry && priceAt(entry, at);
      if (price) {
        const input = usage.inputTokens ?? 0;
        const cached = Math.min(usage.cachedInputTokens ?? 0, input);
        return round((input - cached) * price.input + cached * (price.cachedInput ?? price.input) + (usage.outputTokens ?? 0) * price.output, 1e-6);
      }
    }
    const service = this.services.get(key);
    const rate = service && priceAt(service, at);
    if (rate) return round((usage.requests ?? 0) * rate.perRequest + ((usage.bytes ?? 0) / 1e9) * rate.perGb + (usage.units ?? 0) * rate.perUnit, 1);
    return undefined;
  }

  /** True when the card prices this provider and model (or, without a model, this service) at some date. */
  knows(provider: string, model?: string): boolean {
    if (this.overrides?.knows(provider, model)) return true;
    const key = normalizeProvider(provider);
    return model ? this.match(key, model) !== null : this.services.has(key);
  }

  /** An exact name first, then the longest matching prefix pattern (`gpt-4o-mini-*`), case-insensitively. */
  private match(provider: string, model: string): Entry | null {
    const cacheKey = provider + '\u0000' + model;
    const cached = this.matches.get(cacheKey);
    if (cached !== undefined) return cached;
    let best: Entry | null = null;
    let bestLength = -1;
    const lower = model.toLowerCase();
    for (const entry of this.llm) {
      if (entry.provider !== provider) continue;
      for (const pattern of entry.models) {
        const p = pattern.toLowerCase();
        const length = p.endsWith('*') ? (lower.startsWith(p.slice(0, -1)) ? p.length - 1 : -1) : p === lower ? Number.MAX_SAFE_INTEGER : -1;
        if (length > bestLength) [best, bestLength] = [entry, length];
      }
    }
    // Bounded, so hostile model names cannot grow it without end.
    if (this.matches.size < MAX_CACHED_MATCHES) this.matches.set(cacheKey, best);
    return best;
  }
}

/** Provider ids as the registry spells them; a few common aliases fold in (as in the .NET card). */
export function normalizeProvider(provider: string): string {
  const key = provider.trim().toLowerCase();
  switch (key) {
    case 'google': case 'google_genai': case 'gcp.gemini': case 'gcp.vertex_ai': case 'vertex_ai': return 'gemini';
    case 'azure.ai.openai': case 'azure_openai': case 'azure-openai': return 'openai';
    case 'aws.s3': case 'amazon-s3': return 's3';
    default: return key;
  }
}

/** The price in force at a time: the latest that started on or before it. */
function priceAt(entry: Entry, at: number): DatedPrice | undefined {
  for (let i = entry.prices.length - 1; i >= 0; i--) if (entry.prices[i]!.from <= at) return entry.prices[i];
  return undefined;
}

// Per-million prices times counts, scaled; rounded to a pico-dollar so float noise does not show in sums.
function round(amount: number, scale: number): number {
  return Math.round(amount * scale * 1e12) / 1e12;
}

function requireProvider(item: any, kind: string): string {
  if (typeof item?.provider !== 'string') throw new Error(`rate card: ${kind} entry without provider`);
  return normalizeProvider(item.provider);
}

function prices(item: any, provider: string): DatedPrice[] {
  const number = (p: any, name: string): number | undefined => (typeof p[name] === 'number' ? p[name] : undefined);
  const list: DatedPrice[] = (Array.isArray(item.prices) ? item.prices : []).map((p: any) => {
    const from = Date.parse(`${p?.from}T00:00:00Z`);
    if (Number.isNaN(from)) throw new Error(`rate card: ${provider} has a price without a valid "from" date`);
    return {
      from, input: number(p, 'input') ?? 0, cachedInput: number(p, 'cached_input'), output: number(p, 'output') ?? 0,
      perRequest: number(p, 'per_request') ?? 0, perGb: number(p, 'per_gb') ?? 0, perUnit: number(p, 'per_unit') ?? 0,
    };
  });
  if (list.length === 0) throw new Error(`rate card: ${provider} has no prices`);
  if (list.some((p) => p.input < 0 || p.output < 0 || (p.cachedInput ?? 0) < 0 || p.perRequest < 0 || p.perGb < 0 || p.perUnit < 0)) {
    throw new Error(`rate card: ${provider} has a negative price`);
  }
  return list.sort((a, b) => a.from - b.from);
}
