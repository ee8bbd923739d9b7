import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, track, flush, close, isEnabled } from '@panoptic/sdk';
import { resolveOptions, readDuration } from '../dist/esm/options.js';

afterEach(() => close());

test('resolveOptions_EnvironmentNames_SameAsTheDotNetSdk', () => {
  const o = resolveOptions({}, {
    PANOPTIC_ENDPOINT: 'https://panoptic.example.com', PANOPTIC_API_KEY: 'pan_ik_1', PANOPTIC_SERVICE: 'api', PANOPTIC_SAMPLE_RATE: '0.25',
    PANOPTIC_HOSTS: 'llm.internal:8443=openai, mail.internal=postmark', Panoptic__Export__FlushInterval: '00:00:00.2', Panoptic__Export__BatchSize: '50',
  });
  assert.deepEqual(o.problems, []);
  assert.equal(o.endpoint, 'https://panoptic.example.com');
  assert.equal(o.service, 'api');
  assert.equal(o.sampling.rate, 0.25);
  assert.deepEqual(o.hosts, { 'llm.internal:8443': 'openai', 'mail.internal': 'postmark' });
  assert.equal(o.export.flushIntervalMs, 200);
  assert.equal(o.export.batchSize, 50);
  assert.equal(o.configured, true);
});

test('resolveOptions_CodeWinsOverEnvironment', () => {
  const o = resolveOptions({ service: 'code', output: 'console' }, { PANOPTIC_SERVICE: 'env', PANOPTIC_OUTPUT: 'file' });
  assert.equal(o.service, 'code');
  assert.equal(o.output, 'console');
});

test('resolveOptions_NothingConfigured_OffWithoutProblems', () => {
  const o = resolveOptions({}, {});
  assert.deepEqual(o.problems, []);
  assert.equal(o.configured, false);
});

test('resolveOptions_BadValues_EveryProblemNamedAndSecretsNeverShown', () => {
  const o = resolveOptions({}, {
    PANOPTIC_ENDPOINT: 'ftp://user:hunter2@host', PANOPTIC_API_KEY: 'pan ik secret', PANOPTIC_ENABLED: 'maybe', PANOPTIC_SAMPLE_RATE: '2',
    PANOPTIC_OUTPUT: 'kafka', PANOPTIC_HOSTS: 'nohost', Panoptic__Export__BatchSize: 'ten',
  });
  const text = o.problems.join(' ');
  for (const name of ['PANOPTIC_ENDPOINT', 'PANOPTIC_API_KEY', 'PANOPTIC_ENABLED', 'PANOPTIC_SAMPLE_RATE', 'PANOPTIC_OUTPUT', 'PANOPTIC_HOSTS', 'Panoptic__Export__BatchSize']) assert.ok(text.includes(name), name);
  assert.ok(!text.includes('hunter2') && !text.includes('secret'), text);
  assert.deepEqual(resolveOptions({}, { PANOPTIC_API_KEY: 'k' }).problems.length, 1); // a key without an endpoint
});

test('init_BadConfiguration_OneLogLineAndNoCrash', () => {
  const lines = [];
  const on = init({ endpoint: 'not a url', apiKey: 'pan_ik_shh', logger: (line) => lines.push(line), export: { batchSize: 0 } });
  assert.equal(on, false);
  assert.equal(isEnabled(), false);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^panoptic: the configuration has 2 problem\(s\), tracking is off: /);
  assert.ok(!lines[0].includes('pan_ik_shh'));
  assert.doesNotThrow(() => track({ provider: 'x' }));
});

test('init_FileOutput_OneJsonLinePerEvent', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'panoptic-')), 'sub', 'events.jsonl');
  assert.equal(init({ output: 'file', file, capture: false }), true);
  track({ provider: 'resend', usage: { units: 2 } });
  track({ provider: 'openai' });
  await flush();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.provider), ['resend', 'openai']);
  assert.equal(lines[0].cost.amount, 0.0008);
});

test('readDuration_TimeSpanForms_Milliseconds', () => {
  assert.equal(readDuration('00:00:01'), 1000);
  assert.equal(readDuration('00:00:00.5'), 500);
  assert.equal(readDuration('1.00:00:00'), 86_400_000);
  assert.equal(readDuration('250'), 250);
  assert.equal(readDuration('soon'), undefined);
});
