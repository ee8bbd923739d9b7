/** A provider recognised by host, and whether its responses carry LLM token usage. */
export interface ProviderMatch {
  provider: string;
  isLlm: boolean;
}

// A copy of providers.json (src/Panoptic.Sdk/Providers/providers.json), where every provider Panoptic meters is named
// once; exported (not from the package) for test/providerHosts.test.mjs, which fails when the two differ.
export const LLM_PROVIDERS: ReadonlySet<string> = new Set([
  'openai', 'azure_openai', 'anthropic', 'gemini', 'vertex_ai', 'aws_bedrock', 'mistral', 'groq', 'openrouter', 'deepseek',
  'together', 'cohere', 'xai', 'perplexity', 'fireworks', 'huggingface', 'ollama', 'vllm',
]);

export const EXACT: ReadonlyMap<string, string> = new Map([
  ['api.openai.com', 'openai'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'gemini'],
  ['api.mistral.ai', 'mistral'],
  ['api.groq.com', 'groq'],
  ['openrouter.ai', 'openrouter'],
  ['api.deepseek.com', 'deepseek'],
  ['api.together.xyz', 'together'],
  ['api.together.ai', 'together'],
  ['api.cohere.com', 'cohere'],
  ['api.cohere.ai', 'cohere'],
  ['api.x.ai', 'xai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.fireworks.ai', 'fireworks'],
  ['api.stripe.com', 'stripe'],
  ['files.stripe.com', 'stripe'],
  ['api.resend.com', 'resend'],
  ['api.sendgrid.com', 'sendgrid'],
  ['api.postmarkapp.com', 'postmark'],
  ['api.mailgun.net', 'mailgun'],
  ['api.eu.mailgun.net', 'mailgun'],
  ['api.twilio.com', 'twilio'],
  ['storage.googleapis.com', 'gcs'],
]);

export const SUFFIXES: readonly (readonly [string, string])[] = [
  ['.openai.azure.com', 'azure_openai'],
  ['.cognitiveservices.azure.com', 'azure_openai'],
  ['-aiplatform.googleapis.com', 'vertex_ai'],
  ['.r2.cloudflarestorage.com', 'r2'],
  ['.blob.core.windows.net', 'azure_blob'],
  ['.digitaloceanspaces.com', 'digitalocean_spaces'],
  ['.backblazeb2.com', 'backblaze_b2'],
];

/**
 * Which provider a request goes to, by host: exact hosts, host suffixes (Azure OpenAI resources, S3 buckets), and the
 * application's own additions (host or host:port → provider, e.g. an OpenAI-compatible proxy or a test stand-in).
 */
export class ProviderHosts {
  private readonly custom: Map<string, string> | undefined;

  constructor(custom?: Record<string, string>) {
    const entries = Object.entries(custom ?? {});
    if (entries.length > 0) this.custom = new Map(entries.map(([host, provider]) => [host.toLowerCase(), provider]));
  }

  /** The provider for `hostname` (lower case, as URL gives it) and `port` ('' for the scheme's default). */
  match(hostname: string, port: string): ProviderMatch | undefined {
    const host = hostname.toLowerCase();
    if (this.custom) {
      const provider = (port ? this.custom.get(`${host}:${port}`) : undefined) ?? this.custom.get(host);
      if (provider) return { provider, isLlm: LLM_PROVIDERS.has(provider) };
    }
    const provider = EXACT.get(host) ?? bySuffix(host);
    return provider ? { provider, isLlm: LLM_PROVIDERS.has(provider) } : undefined;
  }

  /** The provider for a URL (IPv6 literals without their brackets). */
  matchUrl(url: URL): ProviderMatch | undefined {
    return this.match(url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname, url.port);
  }
}

function bySuffix(host: string): string | undefined {
  for (const [suffix, provider] of SUFFIXES) if (host.endsWith(suffix)) return provider;
  // S3: s3.amazonaws.com, s3.eu-west-1.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com.
  if (host.endsWith('.amazonaws.com') && (host.startsWith('s3.') || host.startsWith('s3-') || host.includes('.s3.') || host.includes('.s3-'))) return 's3';
  return undefined;
}
