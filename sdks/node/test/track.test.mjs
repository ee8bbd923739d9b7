import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { track, wrap, begin, withContext, flush, close, stats, eventToJson } from '@panoptic/sdk';
import { memoryTransport, start } from './helpers.mjs';

afterEach(() => close());

const sent = async (transport) => {
  await flush();
  return transport.events.map(eventToJson);
};

test('track_WithoutInit_RunsTheWorkAndRecordsNothing', async () => {
  await close();
  assert.equal(track({ provider: 'x' }, () => 41 + 1), 42);
  assert.equal(await track({ provider: 'x' }, async () => 'ok'), 'ok');
  track({ provider: 'x' });
  assert.equal(stats().sent, 0);
});

test('track_FinishedOperation_ServerEventShapeWithContextAndPrice', async () => {
  const transport = await start();
  withContext({ tenantId: 'acme', userId: 'ann', plan: 'pro', feature: 'chat', requestId: 'r1', attributes: { region: 'eu' } }, () =>
    track({ provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', durationMs: 12.5, usage: { inputTokens: 1000, outputTokens: 100 }, attributes: { step: 2 } }));
  const [event] = await sent(transport);
  assert.match(event.id, /^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  assert.ok(Math.abs(Date.parse(event.timestamp) - Date.now()) < 5000);
  assert.deepEqual({ ...event, id: undefined, timestamp: undefined, timing: undefined }, {
    id: undefined, timestamp: undefined, timing: undefined,
    provider: 'openai', service: 'tests', model: 'gpt-4o-mini', operation: 'chat', tenant_id: 'acme', user_id: 'ann', feature: 'chat',
    attributes: { region: 'eu', plan: 'pro', request_id: 'r1', step: 2 },
    usage: { input_tokens: 1000, output_tokens: 100 },
    cost: { amount: (1000 * 0.15 + 100 * 0.6) / 1e6, currency: 'USD' },
    status: 'ok',
  });
  assert.equal(event.timing.execution_ms, 12.5);
  assert.ok(event.timing.overhead_ms >= 0 && event.timing.total_ms >= 12.5);
});

test('track_WorkThatThrows_RecordedFailedAndRethrown', async () => {
  const transport = await start();
  const boom = new TypeError('x'.repeat(600));
  assert.throws(() => track({ provider: 'stripe' }, () => { throw boom; }), (e) => e === boom);
  await assert.rejects(track({ provider: 'stripe', operation: 'charge' }, async () => { throw new RangeError('no'); }), RangeError);
  const [sync, async] = await sent(transport);
  assert.equal(sync.status, 'error');
  assert.deepEqual(sync.error, { type: 'TypeError', message: 'x'.repeat(500) });
  assert.deepEqual(async.error, { type: 'RangeError', message: 'no' });
});

test('track_AsyncWork_TimesTheWorkAndReadsUsageFromResult', async () => {
  const transport = await start();
  const result = await track({ provider: 'openai', model: 'gpt-4o-mini', usageOf: (r) => ({ inputTokens: r.n }) },
    () => new Promise((r) => setTimeout(() => r({ n: 10 }), 30)));
  assert.deepEqual(result, { n: 10 });
  const [event] = await sent(transport);
  assert.equal(event.usage.input_tokens, 10);
  assert.ok(event.timing.execution_ms >= 25, `execution ${event.timing.execution_ms}`);
  assert.ok(Math.abs(event.timing.total_ms - event.timing.execution_ms - event.timing.overhead_ms) < 0.01);
});

test('track_UsageOfThrows_OperationKeptWithoutUsage', async () => {
  const transport = await start();
  assert.equal(track({ provider: 'x', usageOf: () => { throw new Error('bad'); } }, () => 1), 1);
  const [event] = await sent(transport);
  assert.equal(event.status, 'ok');
  assert.equal(event.usage, undefined);
});

test('track_PromiseSubclass_ReturnedAsItIs', async () => {
  await start();
  class ApiPromise extends Promise { withResponse() { return 'extra'; } }
  const promise = new ApiPromise((r) => r(5));
  const returned = track({ provider: 'openai' }, () => promise);
  assert.equal(returned, promise);
  assert.equal(returned.withResponse(), 'extra');
  assert.equal(await returned, 5);
});

test('wrap_Function_RecordsEachCallWithItsArguments', async () => {
  const transport = await start();
  const send = wrap(async (to) => `sent to ${to}`, (to) => ({ provider: 'resend', operation: 'send_email', usage: { units: 1 }, attributes: { to } }));
  assert.equal(await send('a@x'), 'sent to a@x');
  assert.equal(await send('b@x'), 'sent to b@x');
  const events = await sent(transport);
  assert.deepEqual(events.map((e) => e.attributes.to), ['a@x', 'b@x']);
  assert.equal(events[0].cost.amount, 0.0004);
});

test('begin_Scope_RecordsOnceWithUsageAndFailure', async () => {
  const transport = await start();
  const scope = begin({ provider: 's3', operation: 'upload' });
  scope.setUsage({ requests: 1, bytes: 1000 });
  scope.fail(new Error('disk'));
  scope.end();
  scope.end();
  const events = await sent(transport);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].usage, { requests: 1, bytes: 1000 });
  assert.equal(events[0].status, 'error');
});

test('sampling_CheapCallsSampledFailedAndCostlyAlwaysKept', async () => {
  const transport = await start({ sampling: { rate: 1, providers: { openai: 0 }, operations: { 'openai/keep': 1 } } });
  for (let i = 0; i < 50; i++) track({ provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 10 } });
  track({ provider: 'openai', operation: 'keep' });
  track({ provider: 'openai', error: new Error('failed') });
  track({ provider: 'openai', costUsd: 0.5 });
  track({ provider: 'stripe' });
  const events = await sent(transport);
  assert.equal(events.length, 4);
  assert.equal(stats().sampledOut, 50);
});

test('sampling_PartialRate_KeptEventsCarryTheirRate', async () => {
  const transport = await start({ sampling: { rate: 0.5 } });
  for (let i = 0; i < 400; i++) track({ provider: 'x' });
  const events = await sent(transport);
  assert.ok(events.length > 120 && events.length < 280, `${events.length} kept`);
  assert.ok(events.every((e) => e.attributes.sample_rate === 0.5));
});

test('eventIds_ManyEvents_UniqueAndTimeOrdered', async () => {
  const transport = await start({ export: { batchSize: 10_000, queueCapacity: 100_000 } });
  for (let i = 0; i < 20_000; i++) track({ provider: 'x' });
  await flush();
  const ids = transport.events.map((e) => e.id);
  assert.equal(new Set(ids).size, 20_000);
  assert.ok(ids[0].slice(0, 12) <= ids.at(-1).slice(0, 12));
});

test('attributes_NotSerializable_EventKeptWithoutThem', async () => {
  const cyclic = {};
  cyclic.self = cyclic;
  const lines = [];
  const { JsonLinesTransport } = await import('@panoptic/sdk');
  const transport = new JsonLinesTransport('/dev/null');
  const original = transport.send.bind(transport);
  transport.send = async (batch, signal) => {
    const { serializeEvent } = await import('../dist/esm/event.js');
    lines.push(...batch.map(serializeEvent));
    return original(batch, signal);
  };
  await start({ transport });
  track({ provider: 'x', attributes: { cyclic, big: 10n } });
  await flush();
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0]).attributes, undefined);
  assert.equal(stats().sent, 1);
});

test('memoryTransport_Helper_SeesBatches', async () => {
  const transport = memoryTransport();
  await start({ transport });
  track({ provider: 'x' });
  await flush();
  assert.equal(transport.batches.length, 1);
});
