// Shared by the tests: a hand-written OpenAI stand-in on loopback, a transport that keeps what it is sent, and a
// way to start the SDK against both.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { init, close } from '@panoptic/sdk';

/** Starts `handler` on 127.0.0.1 at a free port; resolves { url, port, server, close }. */
export async function listen(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return { server, port, url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }) };
}

export async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export const chatJson = (model = 'gpt-4o-mini', usage = { prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1000 }, completion_tokens_details: { reasoning_tokens: 50 } }) => ({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
  usage: { total_tokens: 1500, ...usage },
});

/** The SSE body OpenAI streams: `words` as content chunks, then a usage chunk (unless `usage` is false), then [DONE]. */
export function chatStream(words = ['Hel', 'lo', ' there'], usage = true, model = 'gpt-4o-mini') {
  const lines = [];
  const chunk = (delta, extra = {}) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: delta === null ? [] : [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
  lines.push(chunk({ role: 'assistant', content: '' }));
  for (const word of words) lines.push(chunk({ content: word }));
  if (usage) lines.push(chunk(null, { usage: { prompt_tokens: 20, completion_tokens: words.length, total_tokens: 20 + words.length, prompt_tokens_details: { cached_tokens: 10 } } }));
  lines.push('data: [DONE]\n\n');
  return lines;
}

/** An OpenAI stand-in: chat completions as JSON, or streamed when the request asks; `hits` keeps each request's headers and body. */
export async function fakeOpenAI({ streamUsage = true, words } = {}) {
  const hits = [];
  const fake = await listen(async (request, response) => {
    const body = await readBody(request);
    hits.push({ method: request.method, url: request.url, headers: request.headers, body });
    let parsed = {};
    try { parsed = JSON.parse(body); } catch { /* not JSON */ }
    if (request.url.startsWith('/v1/chat/completions') && parsed.stream) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const line of chatStream(words, streamUsage && parsed.stream_options?.include_usage !== false, parsed.model)) {
        response.write(line);
        await new Promise((r) => setImmediate(r));
      }
      response.end();
    } else if (request.url.startsWith('/v1/chat/completions')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(chatJson(parsed.model)));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"not found"}}');
    }
  });
  return { ...fake, hits };
}

/** A transport that keeps every event it is sent (as the server's JSON), answering with `results` in turn, then ok. */
export function memoryTransport(results = []) {
  const events = [];
  const batches = [];
  return {
    events, batches,
    async send(batch) {
      batches.push(batch.map((e) => e.id));
      const result = results.shift() ?? { ok: true };
      if (result.ok) for (const e of batch) events.push(e);
      return result;
    },
  };
}

/** Starts the SDK over a memory transport, with the fake's host recognised as `provider`. */
export async function start({ fake, provider = 'openai', transport = memoryTransport(), ...options } = {}) {
  await close();
  init({ transport, hosts: fake ? { [`127.0.0.1:${fake.port}`]: provider } : undefined, export: { flushIntervalMs: 5, ...options.export }, service: 'tests', ...options });
  return transport;
}

/** Polls `check` until it returns a truthy value (or `timeoutMs` passes). */
export async function until(check, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
