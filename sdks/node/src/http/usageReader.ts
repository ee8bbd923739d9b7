import type { Usage } from '../pricing/usage.js';

export const MAX_BODY_BYTES = 8 << 20;
const MAX_LINE_BYTES = 1 << 20;
const MAX_DEPTH = 64;
const NEWLINE = 10;

type Scope = 'other' | 'message';

/**
 * Reads the model and token usage out of LLM responses as their bytes go by — a whole JSON body, or server-sent
 * events (OpenAI chat and Responses chunks, Anthropic message events, Gemini `alt=sse`) — by the rules of the .NET
 * SDK's UsageReader. It keeps only the current line of a stream (at most 1 MB; a longer one is skipped) and at most
 * 8 MB of a JSON body, and it never throws: a chunk it cannot read is skipped.
 */
export class UsageReader {
  model: string | undefined;
  /** Streamed chunks that carried text: the estimate of output tokens when no usage arrives. */
  textChunks = 0;
  sawUsage = false;
  /** The stream said it is over (`[DONE]`, `message_stop`): clients may stop reading there. */
  sawEnd = false;
  /** Data lines that were not JSON. */
  brokenChunks = 0;

  private pending: Buffer[] = [];
  private pendingLength = 0; // -1: inside a line too long to keep
  private overflow = false;
  // The last non-zero value per field: streams repeat usage cumulatively (Anthropic, Gemini) or once (OpenAI).
  private input = 0; private output = 0; private cached = 0; private reasoning = 0;
  private cacheRead = 0; private cacheCreation = 0; private thoughts = 0;

  constructor(private readonly stream: boolean) {}

  /** Feeds the next bytes of the body. */
  append(chunk: Uint8Array): void {
    if (this.overflow || chunk.length === 0) return;
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.stream) {
      if (this.pendingLength + bytes.length > MAX_BODY_BYTES) {
        this.overflow = true;
        this.pending = [];
        return;
      }
      // Copied: the caller owns the chunk and may reuse its memory.
      this.pending.push(Buffer.from(bytes));
      this.pendingLength += bytes.length;
      return;
    }
    while (bytes.length > 0) {
      const newline = bytes.indexOf(NEWLINE);
      if (newline < 0) {
        if (this.pendingLength >= 0 && this.pendingLength + bytes.length > MAX_LINE_BYTES) this.dropPending();
        else if (this.pendingLength >= 0) this.keep(bytes);
        return;
      }
      if (this.pendingLength > 0) {
        this.keep(bytes.subarray(0, newline));
        this.line(Buffer.concat(this.pending, this.pendingLength));
      } else if (this.pendingLength === 0) {
        this.line(bytes.subarray(0, newline));
      }
      this.pending = [];
      this.pendingLength = 0;
      bytes = bytes.subarray(newline + 1);
    }
  }

  /** The body is complete: reads a JSON body, or a last stream line without its newline. */
  complete(): void {
    if (!this.overflow && this.pendingLength > 0) {
      const rest = Buffer.concat(this.pending, this.pendingLength);
      if (this.stream) this.line(rest);
      else this.read(rest.toString('utf8'), false);
    }
    this.pending = [];
    this.pendingLength = 0;
  }

  /** The usage read, or undefined when the response carried none. */
  get usage(): Usage | undefined {
    if (!this.sawUsage) return undefined;
    // Anthropic counts cache reads and writes outside input_tokens; Gemini counts thoughts outside candidates.
    return {
      inputTokens: this.input + this.cacheRead + this.cacheCreation,
      cachedInputTokens: this.cacheRead > 0 ? this.cacheRead : this.cached,
      outputTokens: this.output + this.thoughts,
      reasoningTokens: this.thoughts > 0 ? this.thoughts : this.reasoning,
    };
  }

  private keep(bytes: Buffer): void {
    this.pending.push(Buffer.from(bytes));
    this.pendingLength += bytes.length;
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingLength = -1; // an absurd line: skip to its end
  }

  private line(bytes: Buffer): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    // "data:" — anything else (event:, id:, comments, blank lines) carries no usage.
    if (end < 5 || bytes[0] !== 100 || bytes[1] !== 97 || bytes[2] !== 116 || bytes[3] !== 97 || bytes[4] !== 58) return;
    const data = bytes.toString('utf8', 5, end).trimStart();
    if (data.length === 0) return;
    if (data === '[DONE]' || data.includes('"message_stop"')) {
      this.sawEnd = true;
      return;
    }
    // Once the model is known, a chunk without usage needs no parsing: count its text and move on.
    if (this.model !== undefined && !mayCarryUsage(data)) {
      if (carriesText(data)) this.textChunks++;
      return;
    }
    this.read(data, true);
  }

  private read(json: string, countText: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      this.brokenChunks++;
      return;
    }
    if (typeof value === 'object' && value !== null) this.visit(value as Record<string, unknown>, 'other', 1, countText);
  }

  private visit(node: Record<string, unknown> | unknown[], scope: Scope, depth: number, countText: boolean): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) this.visit(item as Record<string, unknown>, 'other', depth + 1, countText);
      return;
    }
    for (const key in node) {
      const value = node[key];
      if (typeof value === 'string') {
        if ((key === 'model' || key === 'modelVersion') && this.model === undefined && (depth === 1 || scope === 'message')) this.model = value;
        else if ((key === 'content' || key === 'text' || key === 'delta') && countText && value.length > 0) this.textChunks++;
      } else if (typeof value === 'object' && value !== null) {
        if ((key === 'usage' || key === 'usageMetadata') && !Array.isArray(value)) this.visitUsage(value as Record<string, unknown>);
        else this.visit(value as Record<string, unknown>, key === 'message' || key === 'response' ? 'message' : 'other', depth + 1, countText);
      }
    }
  }

  private visitUsage(usage: Record<string, unknown>): void {
    for (const key in usage) {
      const value = usage[key];
      if (typeof value === 'object' && value !== null) {
        const details = value as Record<string, unknown>;
        if (key === 'prompt_tokens_details' || key === 'input_tokens_details') this.count('cached', details.cached_tokens);
        else if (key === 'completion_tokens_details' || key === 'output_tokens_details') this.count('reasoning', details.reasoning_tokens);
        continue;
      }
      switch (key) {
        case 'prompt_tokens': case 'input_tokens': case 'promptTokenCount': this.count('input', value); break;
        case 'completion_tokens': case 'output_tokens': case 'candidatesTokenCount': this.count('output', value); break;
        case 'cachedContentTokenCount': this.count('cached', value); break;
        case 'cache_read_input_tokens': this.count('cacheRead', value); break;
        case 'cache_creation_input_tokens': this.count('cacheCreation', value); break;
        case 'thoughtsTokenCount': this.count('thoughts', value); break;
      }
    }
  }

  private count(field: 'input' | 'output' | 'cached' | 'reasoning' | 'cacheRead' | 'cacheCreation' | 'thoughts', value: unknown): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) return;
    this.sawUsage = true;
    this[field] = value;
  }
}

/** False only when the chunk surely has no usage numbers: no "usage" at all, or only `"usage":null`. */
function mayCarryUsage(data: string): boolean {
  const at = data.indexOf('sage');
  if (at < 0) return false;
  if (!data.startsWith('sage":null', at)) return true;
  return data.indexOf('sage', at + 4) >= 0;
}

/** Whether a chunk carries generated text: a non-empty "content", "text" or "delta" string. */
function carriesText(data: string): boolean {
  return nonEmptyString(data, '"content":') || nonEmptyString(data, '"text":') || nonEmptyString(data, '"delta":');
}

function nonEmptyString(data: string, name: string): boolean {
  const at = data.indexOf(name);
  if (at < 0) return false;
  let i = at + name.length;
  while (data.charCodeAt(i) === 32) i++;
  return data[i] === '"' && data[i + 1] !== '"' && i + 1 < data.length;
}
