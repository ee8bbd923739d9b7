import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { track, flush, close, stats, ServerTransport } from '@panoptic/sdk';
import { listen, readBody, start, until } from './helpers.mjs';

afterEach(() => close());

const runNode = (script) => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('.', import.meta.url), timeout: 20_000 });

/** A Panoptic stand-in for POST /api/v1/events that answers `statuses` in turn (then 200) and keeps each body. */
async function fakeServer(statuses = []) {
  const posts = [];
  const server = await listen(async (request, response) => {
    const body = await readBody(request);
    posts.push({ auth: request.headers.authorization, url: request.url, events: JSON.parse(body).events });
    const status = statuses.shift() ?? 200;
    response.writeHead(status, status === 429 ? { 'retry-after': '0' } : {});
    response.end('{}');
  });
  return { ...server, posts };
}

test('serverTransport_500ThenOk_RetriedWithTheSameEventIds', async () => {
  const server = await fakeServer([500, 503, 429]);
  try {
    await start({ transport: new ServerTransport(server.url, 'pan_ik_secret'), export: { flushIntervalMs: 5, retryDelayMs: 5 } });
    for (let i = 0; i < 3; i++) track({ provider: 'openai', operation: `op${i}` });
    assert.equal(await flush(), true);
    assert.equal(server.posts.length, 4);
    const ids = server.posts.map((p) => p.events.map((e) => e.id).join());
    assert.equal(new Set(ids).size, 1, 'every attempt carries the same ids');
    assert.equal(server.posts[0].auth, 'Bearer pan_ik_secret');
    assert.equal(server.posts[0].url, '/api/v1/events');
    assert.deepEqual({ sent: stats().sent, retries: stats().retries, failed: stats().failed }, { sent: 3, retries: 3, failed: 0 });
  } finally {
    await server.close();
  }
});

test('serverTransport_WrongKey_PermanentFailureCountedAndKeyNeverShown', async () => {
  const server = await fakeServer([401]);
  const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
  const messages = [];
  const listener = (m) => messages.push(m.message);
  subscribe('panoptic:sdk', listener);
  try {
    await start({ transport: new ServerTransport(server.url, 'pan_ik_topsecret') });
    track({ provider: 'x' });
    await flush();
    assert.equal(stats().failed, 1);
    assert.equal(server.posts.length, 1);
    assert.ok(messages.some((m) => m.includes('401') && m.includes('PANOPTIC_API_KEY')));
    assert.ok(messages.every((m) => !m.includes('topsecret')));
  } finally {
    unsubscribe('panoptic:sdk', listener);
    await server.close();
  }
});

test('exporter_ServerDown_MemoryBoundedDropsCountedCallerNeverWaits', async () => {
  const dead = await listen(() => {});
  const port = dead.port;
  await dead.close();
  await start({ transport: new ServerTransport(`http://127.0.0.1:${port}`, 'k'), export: { queueCapacity: 1000, batchSize: 100, flushIntervalMs: 5, retryDelayMs: 5, maxRetryDelayMs: 20 } });
  const started = performance.now();
  for (let i = 0; i < 50_000; i++) track({ provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 10 } });
  const perCall = ((performance.now() - started) * 1000) / 50_000;
  await until(() => stats().retries >= 3);
  const s = stats();
  assert.ok(s.queued + s.inFlight <= 1100, `held ${s.queued + s.inFlight}`);
  assert.ok(s.dropped >= 48_900, `dropped ${s.dropped}`);
  assert.equal(s.sent, 0);
  assert.ok(perCall < 50, `${perCall} µs per call`);
  await close(200);
  assert.ok(stats().failed === 0); // closed: counters reset with the tracker
});

test('exporter_Batches_SizeAndIntervalRespected', async () => {
  const { memoryTransport } = await import('./helpers.mjs');
  const transport = memoryTransport();
  await start({ transport, export: { batchSize: 10, flushIntervalMs: 50 } });
  for (let i = 0; i < 25; i++) track({ provider: 'x' });
  await until(() => transport.batches.length >= 2, 1000);
  assert.deepEqual(transport.batches.slice(0, 2).map((b) => b.length), [10, 10]);
  await until(() => transport.events.length === 25, 1000); // the partial batch after the interval
  assert.equal(transport.batches.length, 3);
});

test('exporter_TransportThrows_CountedAsRetryAndNeverReachesCaller', async () => {
  let calls = 0;
  await start({ transport: { async send() { if (++calls < 3) throw new Error('boom'); return { ok: true }; } }, export: { retryDelayMs: 1 } });
  track({ provider: 'x' });
  assert.equal(await flush(), true);
  assert.deepEqual([stats().sent, stats().retries], [1, 2]);
});

test('process_BeforeExit_SendsWhatIsQueuedThenExits', async () => {
  const server = await fakeServer([503]);
  try {
    const script = `
      import { init, track } from '@panoptic/sdk';
      init({ endpoint: ${JSON.stringify(server.url)}, apiKey: 'k', export: { flushIntervalMs: 60000, retryDelayMs: 10 } });
      for (let i = 0; i < 7; i++) track({ provider: 'openai' });`;
    await runNode(script); // the parent must stay free to answer: not spawnSync
    assert.equal(server.posts.length, 2); // the 503, then the retry, before the process ended
    assert.equal(server.posts[1].events.length, 7);
  } finally {
    await server.close();
  }
});

test('process_BeforeExitServerDown_GivesUpWithinFiveSeconds', async () => {
  const script = `
    import { init, track } from '@panoptic/sdk';
    init({ endpoint: 'http://127.0.0.1:1', apiKey: 'k', export: { retryDelayMs: 10 } });
    track({ provider: 'openai' });`;
  const started = Date.now();
  await runNode(script);
  assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
});
