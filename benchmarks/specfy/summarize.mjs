// Runs @specfy/stack-analyser on a folder and prints what it found as JSON: wall time, and every technology it
// reported with its type (db, saas, ai, ...), so compare-specfy.sh can put it beside Panoptic's registry.
// usage: node summarize.mjs <stack-analyser package dir> <repository>
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [packageDir, repo] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(packageDir, p)).href);
const { analyser, FSProvider } = await load('dist/index.js');
await load('dist/autoload.js');
const { listIndexed } = await load('dist/register.js');

const started = performance.now();
const result = await analyser({ provider: new FSProvider({ path: path.resolve(repo) }) });
const seconds = (performance.now() - started) / 1000;

const found = new Map();
const components = [];
const walk = (c) => {
  for (const t of c.techs ?? []) found.set(t, listIndexed[t]?.type ?? 'unknown');
  if (c.tech) found.set(c.tech, listIndexed[c.tech]?.type ?? 'unknown');
  if (!c.tech && c.path?.length) components.push(c.name);
  for (const child of c.childs ?? []) walk(child);
};
walk(result.toJson ? result.toJson() : result);
const techs = [...found.entries()].map(([key, type]) => ({ key, type })).sort((a, b) => a.key.localeCompare(b.key));
console.log(JSON.stringify({ seconds, components: components.length, techs }));
