// The CommonJS build sits inside a "type": "module" package: its own package.json tells Node how to load it.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
