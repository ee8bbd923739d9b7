// End to end: the official openai client, captured by the SDK, against a loopback OpenAI stand-in; events sent to a
// real `panoptic serve` (built with the repository's ./panoptic wrapper) and read back through GET /api/v1/costs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { init, close, flush, stats, withContext, track, OtlpTransport } from '@panoptic/sdk';
import { fakeOpenAI, listen, until } from './helpers.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const hasDotnet = spawnSync('dotnet', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = hasDotnet ? false : 'dotnet is not installed: the end-to-end test needs `panoptic serve`';
let server, url, token, workspace, key, data, fake;

async function api(path, { method = 'GET', body, auth = token, headers = {} } = {}) {
  const response = await fetch(url + path, {
    method, body: body && JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(workspace ? { 'panoptic-workspace': workspace } : {}), ...headers },
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

before(async () => {
  if (skip) return;
  // Build first (the wrapper builds on first use; a concurrent build elsewhere may fail once, so try again).
  for (let attempt = 0; attempt < 3; attempt++) {
    if (spawnSync(join(root, 'panoptic'), ['--version'], { stdio: 'ignore', timeout: 600_000 }).status === 0) break;
    await new Promise((r) => setTimeout(r, 5000));
  }
  const free = await listen(() => {});
  const port = free.port;
  await free.close();
  url = `http://127.0.0.1:${port}`;
  data = mkdtempSync(join(tmpdir(), 'panoptic-node-e2e-'));
  server = spawn(join(root, 'panoptic'), ['serve', '--data', data, '--urls', url], { stdio: 'ignore' });
  await until(() => fetch(`${url}/readyz`).then((r) => r.ok, () => false), 120_000);
  const login = { email: 'node@example.com', password: 'node sdk password 1' };
  await api('/api/v1/auth/signup', { method: 'POST', body: login, auth: null });
  token = (await api('/api/v1/auth/login', { method: 'POST', body: login, auth: null })).token;
  workspace = (await api('/api/v1/workspaces', { method: 'POST', body: { name: 'node-sdk' } })).id;
  key = (await api('/api/v1/keys', { method: 'POST', body: { name: 'node-sdk' } })).key;
  fake = await fakeOpenAI();
}, { timeout: 700_000 });

after(async () => {
  await close();
  await fake?.close();
  server?.kill();
  if (data) rmSync(data, { recursive: true, force: true });
});

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const costs = (query) => api(`/api/v1/costs?from=${day(-1)}&to=${day(1)}&${query}`);

test('e2e_OpenAIClientThroughServer_CostPerTenantReadBack', { skip, timeout: 60_000 }, async () => {
  init({ endpoint: url, apiKey: key, service: 'node-e2e', hosts: { [`127.0.0.1:${fake.port}`]: 'openai' }, export: { flushIntervalMs: 50 } });
  const openai = new OpenAI({ apiKey: 'sk-fake', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  for (const tenant of ['acme', 'acme', 'globex']) {
    await withContext({ tenantId: tenant, feature: 'support' }, async () => {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [], stream: true, stream_options: { include_usage: true } });
      for await (const _ of stream) { /* read it all */ }
    });
  }
  assert.equal(await flush(10_000), true);
  assert.equal(stats().sent, 6);
  const json = (200 * 0.15 + 1000 * 0.075 + 300 * 0.6) / 1e6;
  const streamed = (10 * 0.15 + 10 * 0.075 + 3 * 0.6) / 1e6;
  const byTenant = await until(async () => {
    const answer = await costs('group_by=tenant&filter.service=node-e2e');
    return answer.total.events === 6 ? answer : undefined;
  }, 20_000);
  const row = (tenant) => byTenant.top.find((r) => r.key.tenant === tenant);
  assert.equal(row('acme').events, 4);
  assert.ok(Math.abs(row('acme').cost_usd - 2 * (json + streamed)) < 1e-9, `acme ${row('acme').cost_usd}`);
  assert.ok(Math.abs(row('globex').cost_usd - (json + streamed)) < 1e-9);
  await close();
});

test('e2e_OtlpTransportThroughServerTraces_PricedPerTenantAndRetriesNotDoubled', { skip, timeout: 60_000 }, async () => {
  const transport = new OtlpTransport({ endpoint: url, headers: { authorization: `Bearer ${key}` }, serviceName: 'node-otlp' });
  init({ transport, export: { flushIntervalMs: 50 }, capture: false });
  withContext({ tenantId: 'initech' }, () => track({ provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', usage: { inputTokens: 1000, outputTokens: 100 }, durationMs: 5 }));
  await flush(10_000);
  // The same batch again, as a retry would send it: the server keys span events by trace and span id.
  const captured = [];
  const spy = { async send(batch, signal) { captured.push(...batch); return transport.send(batch, signal); } };
  init({ transport: spy, export: { flushIntervalMs: 50 }, capture: false });
  withContext({ tenantId: 'initech' }, () => track({ provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', usage: { inputTokens: 1000, outputTokens: 100 } }));
  await flush(10_000);
  assert.deepEqual(await transport.send(captured, new AbortController().signal), { ok: true });
  const answer = await until(async () => {
    const a = await costs('group_by=tenant&filter.service=node-otlp');
    return a.total.events >= 2 ? a : undefined;
  }, 20_000);
  await new Promise((r) => setTimeout(r, 1500)); // a duplicate would have been folded in by now
  const again = await costs('group_by=tenant&filter.service=node-otlp');
  assert.equal(again.total.events, 2);
  assert.equal(answer.top[0].key.tenant, 'initech');
  assert.ok(Math.abs(again.total.cost_usd - 2 * (1000 * 0.15 + 100 * 0.6) / 1e6) < 1e-9);
  await close();
});
