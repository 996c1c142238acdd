/**
 * The part of OpenAPI v3 that CustomResourceDefinitions use, checked as the Kubernetes API server does: whether a
 * schema is structural, and what it would refuse (wrong type, missing required field, value outside an enum) or
 * silently prune (a field the schema does not know) in an object. Tests use it to show that the seeds' manifests
 * pass the CRDs in deploy/crds unchanged.
 */
export interface JsonSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: JsonSchema;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** Where a schema or a value is wrong, and why. */
export interface SchemaFault {
  readonly path: string;
  readonly reason: string;
}

const knownKeywords = new Set([
  'type', 'format', 'description', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'minimum',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields',
]);

/** Faults that make a schema non-structural (Kubernetes refuses such a CRD), or that use keywords beyond this checker. */
export function structuralFaults(schema: JsonSchema, path = ''): SchemaFault[] {
  const faults: SchemaFault[] = [];
  for (const key of Object.keys(schema)) if (!knownKeywords.has(key)) faults.push({ path, reason: `keyword ${key} is not checked here` });
  const isIntOrString = schema['x-kubernetes-int-or-string'] === true;
  if (schema.type === undefined && !isIntOrString) faults.push({ path, reason: 'no type' });
  if (isIntOrString && schema.type !== undefined) faults.push({ path, reason: 'int-or-string with a type' });
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) faults.push({ path, reason: 'both properties and additionalProperties' });
  if ((schema.properties !== undefined || schema.additionalProperties !== undefined) && schema.type !== 'object') faults.push({ path, reason: 'fields on a non-object' });
  if (schema.type === 'array' && schema.items === undefined) faults.push({ path, reason: 'array without items' });
  for (const name of schema.required ?? []) if (schema.properties?.[name] === undefined) faults.push({ path, reason: `required field ${name} is not a property` });
  for (const [name, property] of Object.entries(schema.properties ?? {})) faults.push(...structuralFaults(property, `${path}.${name}`));
  if (schema.additionalProperties !== undefined) faults.push(...structuralFaults(schema.additionalProperties, `${path}.*`));
  if (schema.items !== undefined) faults.push(...structuralFaults(schema.items, `${path}[]`));
  return faults;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the API server would refuse or prune in `value`; null fields count as absent, as it drops them. */
export function valueFaults(value: unknown, schema: JsonSchema, path: string): SchemaFault[] {
  if (value === null) return [];
  if (schema['x-kubernetes-int-or-string'] === true) {
    return Number.isInteger(value) || typeof value === 'string' ? [] : [{ path, reason: `expected an integer or a string, got ${JSON.stringify(value)}` }];
  }
  switch (schema.type) {
    case 'object': {
      if (!isPlainObject(value)) return [{ path, reason: `expected an object, got ${JSON.stringify(value)}` }];
      const faults: SchemaFault[] = [];
      for (const name of schema.required ?? []) if (value[name] === undefined || value[name] === null) faults.push({ path, reason: `required field ${name} is missing` });
      for (const [name, field] of Object.entries(value)) {
        const property = schema.properties?.[name] ?? schema.additionalProperties;
        if (property !== undefined) faults.push(...valueFaults(field, property, `${path}.${name}`));
        else if (schema['x-kubernetes-preserve-unknown-fields'] !== true) faults.push({ path: `${path}.${name}`, reason: 'unknown field, the API server would prune it' });
      }
      return faults;
    }
    case 'array':
      if (!Array.isArray(value)) return [{ path, reason: `expected an array, got ${JSON.stringify(value)}` }];
      return value.flatMap((item, index) => valueFaults(item, schema.items!, `${path}[${index}]`));
    case 'string':
      if (typeof value !== 'string') return [{ path, reason: `expected a string, got ${JSON.stringify(value)}` }];
      return schema.enum !== undefined && !schema.enum.includes(value) ? [{ path, reason: `${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}` }] : [];
    case 'integer':
      if (!Number.isInteger(value)) return [{ path, reason: `expected an integer, got ${JSON.stringify(value)}` }];
      return schema.minimum !== undefined && (value as number) < schema.minimum ? [{ path, reason: `${String(value)} is below ${schema.minimum}` }] : [];
    case 'number':
      return typeof value === 'number' ? [] : [{ path, reason: `expected a number, got ${JSON.stringify(value)}` }];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [{ path, reason: `expected a boolean, got ${JSON.stringify(value)}` }];
    default:
      return [{ path, reason: 'schema without type' }];
  }
}
