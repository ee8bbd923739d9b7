/**
 * What an operation consumed. `inputTokens` include `cachedInputTokens` and `outputTokens` include `reasoningTokens`,
 * as OpenAI reports them (the SDK folds Anthropic's and Gemini's separate counts in).
 */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
  /** Billable requests or API calls. */
  requests?: number;
  /** Bytes stored or transferred. */
  bytes?: number;
  /** Provider-specific units: emails, SMS segments, images, minutes. */
  units?: number;
}

/** True when nothing was consumed. */
export function isEmptyUsage(usage: Usage | undefined | null): boolean {
  return !usage || !(usage.inputTokens || usage.outputTokens || usage.cachedInputTokens || usage.reasoningTokens || usage.requests || usage.bytes || usage.units);
}
