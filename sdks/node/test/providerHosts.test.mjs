// The host table in src/http/providerHosts.ts is a hand-kept copy of the .NET SDK's (ProviderHosts.cs): these tests
// read the C# source and fail, naming each entry, when the two differ in either direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXACT, LLM_PROVIDERS, SUFFIXES } from '../dist/esm/http/providerHosts.js';

const source = readFileSync(new URL('../../../src/Panoptic.Sdk/Http/ProviderHosts.cs', import.meta.url), 'utf8');

const escape = (text) => text.replace(/[[\]{}]/g, '\\$&');

function block(text, field, opening, closing) {
  const match = new RegExp(`\\b${field}\\s*=[^${escape(opening)}]*${escape(opening)}([\\s\\S]*?)${escape(closing)};`).exec(text);
  assert.ok(match, `ProviderHosts.cs: no ${field} table found; update this parser with the new layout`);
  return match[1];
}

/** The LLM providers, exact hosts and host suffixes that ProviderHosts.cs declares. */
function dotnetTables(text) {
  const llm = new Set([...block(text, 'LlmProviders', '{', '}').matchAll(/"([^"]+)"/g)].map((m) => m[1]));
  const exact = new Map([...block(text, 'Exact', '{', '}').matchAll(/\["([^"]+)"\]\s*=\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]));
  const suffixes = new Map([...block(text, 'Suffixes', '[', ']').matchAll(/\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)/g)].map((m) => [m[1], m[2]]));
  assert.ok(llm.size && exact.size && suffixes.size, 'ProviderHosts.cs: a table parsed empty; update this parser with the new layout');
  return { llm, exact, suffixes };
}

/** Each pair the copy lacks, has in excess, or maps to another provider than .NET does. */
function differences(table, dotnet, copy) {
  const out = [];
  for (const [key, value] of dotnet) if (!copy.has(key)) out.push(`${table}: ${key} → ${value} is missing from providerHosts.ts`);
  for (const [key, value] of copy) if (!dotnet.has(key)) out.push(`${table}: ${key} → ${value} is in providerHosts.ts only`);
  for (const [key, value] of dotnet) {
    if (copy.has(key) && copy.get(key) !== value) out.push(`${table}: ${key} → ${copy.get(key)} in providerHosts.ts, ${value} in ProviderHosts.cs`);
  }
  return out;
}

const asPairs = (names) => new Map([...names].map((name) => [name, 'llm']));

test('providerHosts_ComparedWithDotnetTable_SameInBothDirections', () => {
  const { llm, exact, suffixes } = dotnetTables(source);
  const found = [
    ...differences('exact host', exact, EXACT),
    ...differences('host suffix', suffixes, new Map(SUFFIXES)),
    ...differences('LLM provider', asPairs(llm), asPairs(LLM_PROVIDERS)),
  ];
  assert.deepEqual(found, [], `copy ProviderHosts.cs's change into sdks/node/src/http/providerHosts.ts:\n${found.join('\n')}`);
});

test('differences_StaleCopy_NamesMissingExtraAndChangedEntries', () => {
  const { llm, exact, suffixes } = dotnetTables(`
    private static readonly HashSet<string> LlmProviders = new(StringComparer.Ordinal) { "openai", "groq" };
    private static readonly Dictionary<string, string> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api.openai.com"] = "openai",
        ["api.groq.com"] = "groq",
    };
    private static readonly (string Suffix, string Provider)[] Suffixes = [(".openai.azure.com", "azure_openai")];
  `);
  assert.deepEqual([...llm], ['openai', 'groq']);
  assert.deepEqual([...suffixes], [['.openai.azure.com', 'azure_openai']]);
  const copy = new Map([['api.openai.com', 'azure_openai'], ['api.stripe.com', 'stripe']]);
  assert.deepEqual(differences('exact host', exact, copy), [
    'exact host: api.groq.com → groq is missing from providerHosts.ts',
    'exact host: api.stripe.com → stripe is in providerHosts.ts only',
    'exact host: api.openai.com → azure_openai in providerHosts.ts, openai in ProviderHosts.cs',
  ]);
});
