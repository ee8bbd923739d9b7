import { test, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { withContext, flush, close, eventToJson } from '@panoptic/sdk';
import { fakeOpenAI, listen, readBody, start, chatStream, until } from './helpers.mjs';

const fake = await fakeOpenAI();
after(() => fake.close());
afterEach(() => close());

const sentEvents = async (transport) => {
  await flush();
  return transport.events.map(eventToJson);
};
const client = () => new OpenAI({ apiKey: 'sk-test-secret', baseURL: `${fake.url}/v1`, maxRetries: 0 });

test('openaiClient_Json_UsageAndCostCapturedWithContext', async () => {
  const transport = await start({ fake });
  const openai = client();
  const reply = await withContext({ tenantId: 'acme', feature: 'support' }, () =>
    openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
  assert.equal(reply.choices[0].message.content, 'Hello there');
  const [event] = await sentEvents(transport);
  assert.equal(event.provider, 'openai');
  assert.equal(event.model, 'gpt-4o-mini');
  assert.equal(event.operation, 'POST /v1/chat/completions');
  assert.equal(event.tenant_id, 'acme');
  assert.deepEqual(event.usage, { input_tokens: 1200, output_tokens: 300, cached_input_tokens: 1000, reasoning_tokens: 50 });
  assert.equal(event.cost.amount, (200 * 0.15 + 1000 * 0.075 + 300 * 0.6) / 1e6);
  assert.equal(event.attributes?.usage_estimated, undefined);
  // A tenant id is not the provider's business.
  assert.equal(fake.hits.at(-1).headers.baggage, undefined);
});

test('openaiClient_Stream_UsageCapturedAndCallerReadsEveryChunk', async () => {
  const transport = await start({ fake });
  const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Hello there');
  const [event] = await sentEvents(transport);
  assert.deepEqual(event.usage, { input_tokens: 20, output_tokens: 3, cached_input_tokens: 10 });
  assert.equal(event.attributes?.usage_estimated, undefined);
  assert.ok(event.cost.amount > 0);
});

test('openaiClient_StreamWithoutUsage_EstimatedFromTextChunks', async () => {
  const transport = await start({ fake });
  const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [], stream: true, stream_options: { include_usage: false } });
  for await (const _ of stream) { /* read it all */ }
  const [event] = await sentEvents(transport);
  assert.deepEqual(event.usage, { output_tokens: 3 });
  assert.equal(event.attributes.usage_estimated, true);
});

test('fetch_Stream_BytesIdenticalToUncapturedAndUndelayed', async () => {
  const lines = chatStream(Array.from({ length: 50 }, (_, i) => `w${i} `));
  let release;
  const held = new Promise((r) => (release = r));
  const server = await listen(async (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(lines[0]);
    await held; // the upstream holds after its first chunk: the caller must still get that chunk
    for (const line of lines.slice(1)) response.write(line);
    response.end();
  });
  try {
    const transport = await start({ fake: server });
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    const reader = response.body.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value).toString(), lines[0]);
    release();
    const chunks = [Buffer.from(first.value)];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(Buffer.from(r.value));
    assert.ok(Buffer.concat(chunks).equals(Buffer.from(lines.join(''))));
    assert.equal(response.url, `${server.url}/v1/chat/completions`);
    const [event] = await sentEvents(transport);
    assert.equal(event.usage.input_tokens, 20);
  } finally {
    await server.close();
  }
});

test('fetch_AbandonedStream_RecordedOnceAsEstimated', async () => {
  const transport = await start({ fake });
  const response = await fetch(`${fake.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ stream: true, model: 'gpt-4o-mini' }) });
  const reader = response.body.getReader();
  await reader.read();
  await reader.cancel();
  const events = await sentEvents(transport);
  assert.equal(events.length, 1);
  assert.equal(events[0].attributes.usage_estimated, true);
});

test('fetch_ProviderErrors_RecordedFailedAndResponseUnchanged', async () => {
  const transport = await start({ fake });
  const response = await fetch(`${fake.url}/v1/models/missing`);
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), { error: { message: 'not found' } });
  const [event] = await sentEvents(transport);
  assert.equal(event.status, 'error');
  assert.equal(event.operation, 'GET /v1/models/missing');
  assert.deepEqual(event.error, { type: 'HttpError', message: 'the provider answered 404 Not Found' });
  assert.deepEqual(event.usage, { requests: 1 });
});

test('fetch_ProviderDown_RecordedFailedAndErrorReachesCaller', async () => {
  const dead = await listen(() => {});
  const port = dead.port;
  await dead.close();
  const transport = await start({ fake: { port } });
  await assert.rejects(fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST' }), TypeError);
  const [event] = await sentEvents(transport);
  assert.equal(event.status, 'error');
  assert.equal(event.error.type, 'TypeError');
});

test('fetch_OwnServices_GetBaggageProvidersNever', async () => {
  const hits = [];
  const own = await listen(async (request, response) => {
    hits.push(request.headers.baggage);
    response.end('ok');
  });
  try {
    await start({ fake });
    await withContext({ tenantId: 'acme', userId: 'ann', attributes: { secret: 1 } }, async () => {
      await (await fetch(own.url)).text();
      await (await fetch(own.url, { headers: { baggage: 'tenant_id=mine' } })).text();
      await (await fetch(new Request(own.url, { headers: { 'x-a': '1' } }))).text();
      await (await fetch(`${fake.url}/v1/chat/completions`, { method: 'POST', body: '{}' })).text();
    });
    await (await fetch(own.url)).text(); // outside any context: no header at all
    assert.deepEqual(hits, ['tenant_id=acme,user_id=ann', 'tenant_id=mine', 'tenant_id=acme,user_id=ann', undefined]);
    assert.equal(fake.hits.at(-1).headers.baggage, undefined);
  } finally {
    await own.close();
  }
});

test('httpModule_GzipStream_CapturedAndCallerGetsRawBytes', async () => {
  const body = gzipSync(Buffer.from(chatStream(['a', 'b']).join('')));
  const server = await listen((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
    response.write(body.subarray(0, 10));
    setTimeout(() => response.end(body.subarray(10)), 5);
  });
  try {
    const transport = await start({ fake: server });
    const received = await new Promise((resolve, reject) => {
      const request = httpRequest(`${server.url}/v1/chat/completions`, { method: 'POST' }, (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve(Buffer.concat(chunks)));
      });
      request.on('error', reject);
      request.end('{}');
    });
    assert.ok(received.equals(body));
    // The decompressor runs a tick behind the caller.
    await until(() => transport.events.length > 0 || flush().then(() => transport.events.length > 0));
    const [event] = await sentEvents(transport);
    assert.equal(event.model, 'gpt-4o-mini');
    assert.equal(event.usage.input_tokens, 20);
  } finally {
    await server.close();
  }
});

test('httpModule_NoResponseListener_ResponseStillDumpedAndErrorsStillThrow', async () => {
  const transport = await start({ fake });
  // http.get without a callback: Node dumps the unheard response; capture must not change that.
  const request = http.get(`${fake.url}/v1/models/x`);
  await new Promise((r) => request.on('close', r));
  const failing = http.get('http://127.0.0.1:1/');
  const error = await new Promise((r) => failing.on('error', r));
  assert.equal(error.code, 'ECONNREFUSED');
  const [event] = await sentEvents(transport);
  assert.equal(event.status, 'error'); // the 404
});

test('httpModule_OwnService_GetsBaggageHeader', async () => {
  const own = await listen(async (request, response) => {
    response.end(request.headers.baggage ?? 'none');
  });
  try {
    await start({ fake });
    const got = await withContext({ tenantId: 'acme' }, () => new Promise((resolve) => {
      http.get(own.url, async (response) => resolve(await readBody(response)));
    }));
    assert.equal(got, 'tenant_id=acme');
  } finally {
    await own.close();
  }
});

test('anthropicClient_StreamWithCacheTokens_CapturedAndPriced', async () => {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const events = [
    ['message_start', { type: 'message_start', message: { id: 'm1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: null, usage: { input_tokens: 12, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi there' } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 25 } }],
    ['message_stop', { type: 'message_stop' }],
  ];
  const body = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
  const server = await listen(async (request, response) => {
    await readBody(request);
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(body);
  });
  try {
    const transport = await start({ fake: server, provider: 'anthropic' });
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0 });
    const stream = await withContext({ tenantId: 'acme' }, () => anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream: true }));
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta') text += event.delta.text;
    assert.equal(text, 'Hi there');
    const [event] = await sentEvents(transport);
    assert.equal(event.provider, 'anthropic');
    assert.equal(event.tenant_id, 'acme');
    assert.deepEqual(event.usage, { input_tokens: 1212, output_tokens: 25, cached_input_tokens: 1000 });
    // claude-haiku-4-5: 1.00 input, 0.10 cached, 5.00 output per million; cache writes priced as input.
    assert.equal(event.cost.amount, (212 * 1 + 1000 * 0.1 + 25 * 5) / 1e6);
  } finally {
    await server.close();
  }
});
