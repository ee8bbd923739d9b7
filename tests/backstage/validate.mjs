// Reads a catalog-info.yaml and checks every entity the way Backstage's catalog does on ingestion: the entity
// envelope, name and field formats, and the kind's own schema. Prints one line per problem; exit code 1 if any.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  EntityPolicies, DefaultNamespaceEntityPolicy, FieldFormatEntityPolicy, NoForeignRootFieldsEntityPolicy, SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator, resourceEntityV1alpha1Validator, apiEntityV1alpha1Validator, systemEntityV1alpha1Validator,
  parseEntityRef,
} from '@backstage/catalog-model';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(), new NoForeignRootFieldsEntityPolicy(), new FieldFormatEntityPolicy(), new SchemaValidEntityPolicy(),
]);
const validators = { Component: componentEntityV1alpha1Validator, Resource: resourceEntityV1alpha1Validator, API: apiEntityV1alpha1Validator, System: systemEntityV1alpha1Validator };

const problems = [];
const entities = [];
for (const doc of parseAllDocuments(readFileSync(process.argv[2], 'utf8'))) {
  if (doc.errors.length) { problems.push(`yaml: ${doc.errors[0].message}`); continue; }
  const entity = doc.toJS();
  if (entity === null) continue;
  entities.push(entity);
  const label = `${entity.kind}:${entity.metadata?.name}`;
  try {
    const applied = await policy.enforce(entity);
    const validator = validators[entity.kind];
    if (!validator) problems.push(`${label}: unexpected kind`);
    else if (!(await validator.check(applied))) problems.push(`${label}: not a ${entity.kind}`);
  } catch (e) {
    problems.push(`${label}: ${e.message}`);
  }
}
// Every relation must point at an entity in the same file.
const known = new Set(entities.map(e => `${e.kind.toLowerCase()}:default/${e.metadata.name}`));
for (const e of entities) {
  for (const ref of [...(e.spec?.dependsOn ?? []), ...(e.spec?.consumesApis ?? [])]) {
    const r = parseEntityRef(ref);
    if (!known.has(`${r.kind.toLowerCase()}:${r.namespace}/${r.name}`)) problems.push(`${e.kind}:${e.metadata.name}: dangling reference ${ref}`);
  }
}
for (const p of problems) console.log(p);
console.log(`${entities.length} entities, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
