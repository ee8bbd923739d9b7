// The host table in src/http/providerHosts.ts is a copy of providers.json (src/Panoptic.Sdk/Providers), where every
// provider Panoptic meters is named once: these tests read that file and fail, naming each entry, when the copy differs
// in either direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXACT, LLM_PROVIDERS, SUFFIXES } from '../dist/esm/http/providerHosts.js';

const source = readFileSync(new URL('../../../src/Panoptic.Sdk/Providers/providers.json', import.meta.url), 'utf8');

/** The LLM providers, exact hosts and host suffixes that providers.json declares. */
function sharedTables(text) {
  const providers = JSON.parse(text).providers;
  assert.ok(Array.isArray(providers) && providers.length, 'providers.json: no providers list; update this reader with the new layout');
  const llm = new Set(providers.filter((p) => p.llm).map((p) => p.id));
  const exact = new Map(providers.flatMap((p) => (p.hosts ?? []).map((h) => [h, p.id])));
  const suffixes = new Map(providers.flatMap((p) => (p.host_suffixes ?? []).map((s) => [s, p.id])));
  return { llm, exact, suffixes };
}

/** Each pair the copy lacks, has in excess, or maps to another provider than providers.json does. */
function differences(table, shared, copy) {
  const out = [];
  for (const [key, value] of shared) if (!copy.has(key)) out.push(`${table}: ${key} → ${value} is missing from providerHosts.ts`);
  for (const [key, value] of copy) if (!shared.has(key)) out.push(`${table}: ${key} → ${value} is in providerHosts.ts only`);
  for (const [key, value] of shared) {
    if (copy.has(key) && copy.get(key) !== value) out.push(`${table}: ${key} → ${copy.get(key)} in providerHosts.ts, ${value} in providers.json`);
  }
  return out;
}

const asPairs = (names) => new Map([...names].map((name) => [name, 'llm']));

test('providerHosts_ComparedWithProvidersJson_SameInBothDirections', () => {
  const { llm, exact, suffixes } = sharedTables(source);
  const found = [
    ...differences('exact host', exact, EXACT),
    ...differences('host suffix', suffixes, new Map(SUFFIXES)),
    ...differences('LLM provider', asPairs(llm), asPairs(LLM_PROVIDERS)),
  ];
  assert.deepEqual(found, [], `copy providers.json's change into sdks/node/src/http/providerHosts.ts:\n${found.join('\n')}`);
});

test('differences_StaleCopy_NamesMissingExtraAndChangedEntries', () => {
  const { llm, exact, suffixes } = sharedTables(JSON.stringify({
    providers: [
      { id: 'openai', hosts: ['api.openai.com'], llm: true },
      { id: 'groq', hosts: ['api.groq.com'], llm: true },
      { id: 'azure_openai', host_suffixes: ['.openai.azure.com'], llm: true },
    ],
  }));
  assert.deepEqual([...llm], ['openai', 'groq', 'azure_openai']);
  assert.deepEqual([...suffixes], [['.openai.azure.com', 'azure_openai']]);
  const copy = new Map([['api.openai.com', 'azure_openai'], ['api.stripe.com', 'stripe']]);
  assert.deepEqual(differences('exact host', exact, copy), [
    'exact host: api.groq.com → groq is missing from providerHosts.ts',
    'exact host: api.stripe.com → stripe is in providerHosts.ts only',
    'exact host: api.openai.com → azure_openai in providerHosts.ts, openai in providers.json',
  ]);
});
