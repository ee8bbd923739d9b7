import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageReader, MAX_BODY_BYTES } from '../dist/esm/http/usageReader.js';

const sse = (...events) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');

function readAll(text, stream, chunkSize = 7) {
  const reader = new UsageReader(stream);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkSize) reader.append(bytes.subarray(i, i + chunkSize));
  reader.complete();
  return reader;
}

test('json_OpenAIChat_CachedAndReasoningTokens', () => {
  const reader = readAll(JSON.stringify({ model: 'gpt-5', usage: { prompt_tokens: 100, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 30 } } }), false);
  assert.equal(reader.model, 'gpt-5');
  assert.deepEqual(reader.usage, { inputTokens: 100, cachedInputTokens: 60, outputTokens: 40, reasoningTokens: 30 });
});

test('json_ResponsesApi_InputOutputDetails', () => {
  const reader = readAll(JSON.stringify({ object: 'response', model: 'o4-mini', output: [{ content: [{ text: 'hi' }] }], usage: { input_tokens: 10, output_tokens: 20, input_tokens_details: { cached_tokens: 4 }, output_tokens_details: { reasoning_tokens: 8 } } }), false);
  assert.deepEqual(reader.usage, { inputTokens: 10, cachedInputTokens: 4, outputTokens: 20, reasoningTokens: 8 });
});

test('json_Anthropic_CacheReadAndWriteAddedToInput', () => {
  const reader = readAll(JSON.stringify({ type: 'message', model: 'claude-sonnet-4-5', usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 9 } }), false);
  assert.deepEqual(reader.usage, { inputTokens: 125, cachedInputTokens: 100, outputTokens: 9, reasoningTokens: 0 });
});

test('json_Gemini_ThoughtsAddedToOutput', () => {
  const reader = readAll(JSON.stringify({ modelVersion: 'gemini-2.5-flash', usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, thoughtsTokenCount: 11, cachedContentTokenCount: 2 } }), false);
  assert.equal(reader.model, 'gemini-2.5-flash');
  assert.deepEqual(reader.usage, { inputTokens: 7, cachedInputTokens: 2, outputTokens: 14, reasoningTokens: 11 });
});

test('sse_OpenAIStream_UsageChunkAndDone', () => {
  const text = sse({ model: 'gpt-4o-mini', choices: [{ delta: { content: 'a' } }], usage: null }, { choices: [{ delta: { content: 'b' } }], usage: null },
    { choices: [], usage: { prompt_tokens: 9, completion_tokens: 2 } }, '[DONE]');
  for (const size of [1, 3, 64, 10_000]) {
    const reader = readAll(text, true, size);
    assert.equal(reader.model, 'gpt-4o-mini');
    assert.equal(reader.sawEnd, true);
    assert.deepEqual(reader.usage, { inputTokens: 9, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0 });
  }
});

test('sse_AnthropicStream_CumulativeCountsLastWins', () => {
  const text = 'event: message_start\r\n' + sse({ type: 'message_start', message: { model: 'claude-haiku-4-5', usage: { input_tokens: 30, cache_read_input_tokens: 70, output_tokens: 1 } } }).replace(/\n/g, '\r\n') +
    sse({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'Hi' } }, { type: 'message_delta', usage: { output_tokens: 42 } }, { type: 'message_stop' });
  const reader = readAll(text, true, 5);
  assert.equal(reader.model, 'claude-haiku-4-5');
  assert.equal(reader.sawEnd, true);
  assert.deepEqual(reader.usage, { inputTokens: 100, cachedInputTokens: 70, outputTokens: 42, reasoningTokens: 0 });
});

test('sse_NoUsageChunk_TextChunksCounted', () => {
  const reader = readAll(sse({ model: 'gpt-4o', choices: [{ delta: { content: 'a' } }] }, { choices: [{ delta: { content: 'b' } }] }, { choices: [{ delta: { content: '' } }] }, '[DONE]'), true);
  assert.equal(reader.usage, undefined);
  assert.equal(reader.textChunks, 2);
});

test('sse_MalformedChunks_SkippedAndWhatWasReadStands', () => {
  const text = sse({ model: 'gpt-4o', usage: { prompt_tokens: 3, completion_tokens: 1 } }) + 'data: {"usage": {"prompt_tokens": 9\n\ndata: \u0000\u00ff garbage\n\n' + 'data: [1,2,\n\n' + 'id: 7\nretry: 10\n: comment\n\n';
  const reader = readAll(text, true);
  assert.equal(reader.brokenChunks, 1); // the cut-off usage chunk; chunks without "usage" are not parsed once the model is known
  assert.deepEqual(reader.usage, { inputTokens: 3, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 });
});

test('json_MalformedOrHostileBodies_NeverThrow', () => {
  for (const body of ['{', 'null', '[]', '"usage"', '{"usage": "x"}', '{"usage": {"prompt_tokens": -5, "completion_tokens": 1e300, "cached_tokens": "7"}}', '\u0000\u0001']) {
    const reader = readAll(body, false);
    assert.equal(reader.usage, undefined, body);
  }
  const deep = '{"a":'.repeat(5000) + '{"usage":{"prompt_tokens":1}}' + '}'.repeat(5000);
  assert.doesNotThrow(() => readAll(deep, false, 65536));
});

test('sse_HugeLine_SkippedWithoutHoldingIt', () => {
  const reader = new UsageReader(true);
  const piece = Buffer.alloc(256 * 1024, 'x');
  reader.append(Buffer.from('data: {"model":"gpt-4o","junk":"'));
  for (let i = 0; i < 40; i++) reader.append(piece); // a 10 MB line
  reader.append(Buffer.from('"}\n\n'));
  reader.append(Buffer.from(sse({ model: 'gpt-4o', usage: { prompt_tokens: 4, completion_tokens: 2 } })));
  reader.complete();
  assert.equal(reader.usage.inputTokens, 4);
  assert.ok(reader.pending.length === 0);
});

test('json_BodyPastLimit_GivesUpWithoutUsage', () => {
  const reader = new UsageReader(false);
  const piece = Buffer.alloc(1024 * 1024, ' ');
  for (let i = 0; i <= MAX_BODY_BYTES / piece.length; i++) reader.append(piece);
  reader.append(Buffer.from('{"usage":{"prompt_tokens":5}}'));
  reader.complete();
  assert.equal(reader.usage, undefined);
});
