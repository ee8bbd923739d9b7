// Prints the Node SDK's figures; run through run.sh (which builds the SDK first).
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';

const sdkRoot = new URL('../../sdks/node/', import.meta.url);
const require = createRequire(sdkRoot);
const sdk = await import(new URL('dist/esm/index.js', sdkRoot).href);
const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
const mode = process.argv[2] ?? 'overhead';
const memorySeconds = Number(process.argv[3] ?? 180);
const sink = { async send() { return { ok: true }; } };
const pureFetch = globalThis.fetch;

/** Mean nanoseconds per call of `fn` over `rounds` rounds of `calls`, after `between` (untimed) each round; the best round and the median. */
async function perCall(fn, { calls = 10_000, rounds = 60, between = async () => {} } = {}) {
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) fn(i);
    results.push(((performance.now() - started) * 1e6) / calls);
    await between();
  }
  results.sort((a, b) => a - b);
  return { best: results[0], median: results[Math.floor(results.length / 2)] };
}
const fmt = ({ best, median }) => `${(median / 1000).toFixed(3)} µs median (best round ${(best / 1000).toFixed(3)} µs)`;

if (mode === 'overhead') {
// 1. track() versus an OpenTelemetry span, same run, same shape of work.
await sdk.close();
const off = await perCall(() => sdk.track({ provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', usage: { inputTokens: 1200, outputTokens: 300 } }));
sdk.init({ transport: sink, capture: false, export: { queueCapacity: 20_000, batchSize: 10_000 } });
const op = { provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1000 } };
const tracked = await sdk.withContext({ tenantId: 'acme', userId: 'ann', feature: 'chat' }, () =>
  perCall(() => sdk.track(op), { between: () => sdk.flush() }));
const workOp = { provider: 'openai', model: 'gpt-4o-mini', operation: 'chat' };
const trackedWork = await sdk.withContext({ tenantId: 'acme' }, () => perCall((i) => sdk.track(workOp, () => i + 1), { between: () => sdk.flush() }));
const spans = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const tracer = provider.getTracer('bench');
const otel = await perCall(() => {
  const span = tracer.startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 300 } });
  span.end();
}, { between: async () => spans.reset() });
console.log(`track(), SDK not initialised:                 ${fmt(off)}`);
console.log(`track(finished op), exporter on, in context:  ${fmt(tracked)}`);
console.log(`track(op, work), exporter on, in context:     ${fmt(trackedWork)}`);
console.log(`OpenTelemetry span start+end (in-memory exp.): ${fmt(otel)}`);
await sdk.close();

// 2. HTTP capture on a streamed completion: the same loopback stream read with fetch, uncaptured and captured.
const chunks = Array.from({ length: 100 }, (_, i) => `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"word${i} "}}],"usage":null}\n\n`);
chunks.push('data: {"id":"c","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":100}}\n\n', 'data: [DONE]\n\n');
const body = chunks.join('');
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const chunk of chunks) response.write(chunk);
  response.end();
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const streamUrl = `http://127.0.0.1:${server.address().port}/v1/chat/completions`;
sdk.init({ transport: sink, hosts: { [`127.0.0.1:${server.address().port}`]: 'openai' } });
const captured = globalThis.fetch;
async function readStream(f) {
  const response = await f(streamUrl, { method: 'POST', body: '{"stream":true}' });
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  if (bytes !== Buffer.byteLength(body)) throw new Error('stream changed');
}
const timings = { plain: [], captured: [] };
for (let i = 0; i < 50; i++) await readStream(i % 2 ? pureFetch : captured); // warm-up
for (let block = 0; block < 20; block++) {
  for (const [name, f] of [['plain', pureFetch], ['captured', captured]]) {
    const started = performance.now();
    for (let i = 0; i < 25; i++) await readStream(f);
    timings[name].push((performance.now() - started) / 25);
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const plainMs = median(timings.plain);
const capturedMs = median(timings.captured);
console.log(`streamed completion (102 SSE chunks, loopback), uncaptured fetch: ${(plainMs * 1000).toFixed(0)} µs per request`);
console.log(`streamed completion, captured fetch:                              ${(capturedMs * 1000).toFixed(0)} µs per request (+${((capturedMs - plainMs) * 1000).toFixed(0)} µs, ${(((capturedMs - plainMs) / plainMs) * 100).toFixed(1)}%)`);
console.log(`  events recorded: ${sdk.stats().sent + sdk.stats().queued + sdk.stats().inFlight}`);
await sdk.close();
server.close();

console.log(`  rss after the overhead runs: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
}

if (mode === 'memory') {
// 3. Memory with the server unreachable: a steady 5,000 operations a second into a closed port.
const dead = createServer();
dead.listen(0, '127.0.0.1');
await once(dead, 'listening');
const deadPort = dead.address().port;
await new Promise((r) => dead.close(r));
sdk.init({ endpoint: `http://127.0.0.1:${deadPort}`, apiKey: 'pan_ik_bench', capture: false, export: { retryDelayMs: 500, maxRetryDelayMs: 30_000 } });
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
global.gc?.();
const startMemory = process.memoryUsage();
let peakRss = startMemory.rss;
let peakHeap = startMemory.heapUsed;
const started = Date.now();
console.log(`memory, server unreachable for ${memorySeconds} s at 5,000 track()/s: start rss ${mb(startMemory.rss)} MB, heap ${mb(startMemory.heapUsed)} MB`);
await new Promise((resolve) => {
  let lastReport = started;
  const timer = setInterval(() => {
    for (let i = 0; i < 500; i++) sdk.track({ provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 100, outputTokens: 20 }, attributes: { i } });
    const now = Date.now();
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    if (now - lastReport >= 30_000) {
      lastReport = now;
      const s = sdk.stats();
      console.log(`  t=${Math.round((now - started) / 1000)} s: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, queued ${s.queued + s.inFlight}, dropped ${s.dropped}, retries ${s.retries}`);
    }
    if (now - started >= memorySeconds * 1000) {
      clearInterval(timer);
      resolve();
    }
  }, 100);
});
global.gc?.();
const end = process.memoryUsage();
const s = sdk.stats();
console.log(`  end: rss ${mb(end.rss)} MB (peak ${mb(peakRss)}), heap ${mb(end.heapUsed)} MB (peak ${mb(peakHeap)}), held ${s.queued + s.inFlight} events, dropped ${s.dropped}, retries ${s.retries}, sent ${s.sent}`);
await sdk.close(100);
}
