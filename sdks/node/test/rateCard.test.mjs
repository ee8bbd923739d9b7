import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RateCard } from '@panoptic/sdk';
import { render } from '../scripts/generate-rate-card.mjs';

const source = readFileSync(new URL('../../../src/Panoptic.Sdk/Pricing/rate-card.json', import.meta.url), 'utf8');
const at = (date) => Date.parse(date + 'T12:00:00Z');

test('rateCardCopy_ComparedWithServerCard_IsCurrent', () => {
  const copy = readFileSync(new URL('../src/pricing/rateCardData.ts', import.meta.url), 'utf8');
  assert.equal(copy, render(source), 'src/pricing/rateCardData.ts is stale: run `npm run generate:rate-card`');
  assert.equal(RateCard.embedded.version, JSON.parse(source).version);
});

test('price_CachedInput_PricedAtCachedRate', () => {
  // gpt-4o-mini: 0.15 input, 0.075 cached, 0.60 output per million.
  const cost = RateCard.embedded.price('openai', 'gpt-4o-mini', { inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 300 }, at('2026-01-01'));
  assert.equal(cost, (200 * 0.15 + 1000 * 0.075 + 300 * 0.6) / 1e6);
});

test('price_DatedPrices_PriceInForceAtTheTime', () => {
  const usage = { inputTokens: 1_000_000, outputTokens: 0 };
  assert.equal(RateCard.embedded.price('openai', 'gpt-4o', usage, at('2024-06-01')), 5);
  assert.equal(RateCard.embedded.price('openai', 'gpt-4o', usage, at('2025-01-01')), 2.5);
  assert.equal(RateCard.embedded.price('openai', 'gpt-4o', usage, at('2024-01-01')), undefined); // before any price
  assert.equal(RateCard.embedded.price('openai', 'o3', usage, at('2025-07-01')), 2);
});

test('price_Patterns_LongestPrefixWinsAndExactNameFirst', () => {
  const usage = { inputTokens: 1_000_000 };
  const when = at('2026-01-01');
  assert.equal(RateCard.embedded.price('openai', 'gpt-4o-mini-2024-07-18', usage, when), 0.15); // not gpt-4o's price
  assert.equal(RateCard.embedded.price('openai', 'GPT-4O-2024-08-06', usage, when), 2.5);
  assert.equal(RateCard.embedded.price('anthropic', 'claude-sonnet-4-5-20250929', usage, when), 3);
  assert.equal(RateCard.embedded.price('azure_openai', 'gpt-4o-mini', usage, when), 0.15); // alias folds to openai
});

test('price_UnknownModelOrProvider_IsUnpricedNeverFree', () => {
  assert.equal(RateCard.embedded.price('openai', 'gpt-99', { inputTokens: 10 }, at('2026-01-01')), undefined);
  assert.equal(RateCard.embedded.price('nobody', undefined, { requests: 1 }), undefined);
  assert.equal(RateCard.embedded.knows('openai', 'gpt-99'), false);
  assert.equal(RateCard.embedded.knows('openai', 'gpt-4o-mini'), true);
});

test('price_Services_PerUnitPerRequestPerGb', () => {
  assert.equal(RateCard.embedded.price('resend', undefined, { requests: 1, units: 10 }, at('2026-01-01')), 0.004);
  assert.equal(RateCard.embedded.price('s3', undefined, { requests: 2, bytes: 2e9 }, at('2026-01-01')), 2 * 0.000005 + 2 * 0.023);
});

test('withOverrides_OverriddenModel_PricedByOverrides', () => {
  const overrides = RateCard.parse('{"version":"ws-1","llm":[{"provider":"openai","models":["gpt-4o-mini"],"prices":[{"from":"2020-01-01","input":1,"output":1}]}]}');
  const card = RateCard.embedded.withOverrides(overrides);
  assert.equal(card.version, '2026-11-01+ws-1');
  assert.equal(card.price('openai', 'gpt-4o-mini', { inputTokens: 1e6 }), 1);
  assert.equal(card.price('openai', 'gpt-4o', { inputTokens: 1e6 }), 2.5);
});

test('parse_BadCards_ThrowNamingTheProblem', () => {
  assert.throws(() => RateCard.parse('not json'), /not JSON/);
  assert.throws(() => RateCard.parse('{}'), /version is required/);
  assert.throws(() => RateCard.parse('{"version":"1","llm":[{"provider":"x","models":[],"prices":[{"from":"2020-01-01","input":-1}]}]}'), /negative/);
  assert.throws(() => RateCard.parse('{"version":"1","services":[{"provider":"x","prices":[]}]}'), /no prices/);
});
