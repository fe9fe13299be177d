import type { ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import type { z } from 'zod';

/** What `safeParse` answers: the parsed data, or zod's error. */
export type ParseResult<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/** A contract schema's `safeParse`, with a compiled fast path (see `compiledSafeParse`). */
export type SafeParse<T> = (input: unknown) => ParseResult<T>;

type AnySchema = z.ZodTypeAny;
type JsonSchema = Record<string, unknown>;

/**
 * zod leaves (strings and numbers with checks) the compiled validator asks zod about, by index: the
 * `zodLeaf` keyword's value. zod stays the judge of every check, so a leaf accepts exactly what zod does.
 */
const leaves: AnySchema[] = [];

const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, validateSchema: false });
ajv.addKeyword({
  keyword: 'zodLeaf',
  schemaType: 'number',
  errors: false,
  validate: (index: number, data: unknown) => leaves[index].safeParse(data).success,
});

/** zod string checks that change the value (zod's output differs from its input): never compiled. */
const TRANSFORMING_CHECKS = new Set(['trim', 'toLowerCase', 'toUpperCase']);

/**
 * The JSON Schema of `schema` for ajv, or null when a part of it cannot be checked exactly as zod checks it
 * (refinements, transforms, defaults, unions, dates, …). What the JSON Schema accepts, zod accepts, and zod's
 * output is then a copy of the input:
 * - objects refuse unknown keys (`additionalProperties: false`) unless zod passes them through, so an input
 *   zod would strip goes to zod;
 * - a key is required unless its schema accepts `undefined` (zod's own `isOptional()`);
 * - strings and numbers with checks are handed to zod itself (`zodLeaf`).
 */
function toJsonSchema(schema: AnySchema): JsonSchema | null {
  const def = schema._def as { typeName: string } & Record<string, unknown>;
  switch (def.typeName) {
    case 'ZodString': {
      const checks = def['checks'] as { kind: string }[];
      if (checks.some((c) => TRANSFORMING_CHECKS.has(c.kind))) return null;
      if (def['coerce']) return null;
      return checks.length === 0 ? { type: 'string' } : { type: 'string', zodLeaf: leaves.push(schema) - 1 };
    }
    case 'ZodNumber':
      // zod refuses NaN, which is a JSON Schema number: zod judges every number.
      if (def['coerce']) return null;
      return { type: 'number', zodLeaf: leaves.push(schema) - 1 };
    case 'ZodBoolean':
      return def['coerce'] ? null : { type: 'boolean' };
    case 'ZodNull':
      return { type: 'null' };
    case 'ZodUnknown':
    case 'ZodAny':
      return {};
    case 'ZodEnum':
      return { type: 'string', enum: [...(def['values'] as string[])] };
    case 'ZodLiteral': {
      const value = def['value'];
      return ['string', 'number', 'boolean'].includes(typeof value) ? { const: value } : null;
    }
    case 'ZodNullable': {
      const inner = toJsonSchema(def['innerType'] as AnySchema);
      return inner && { anyOf: [{ type: 'null' }, inner] };
    }
    case 'ZodArray': {
      const items = toJsonSchema(def['type'] as AnySchema);
      if (!items) return null;
      const out: JsonSchema = { type: 'array', items };
      const exact = def['exactLength'] as { value: number } | null;
      const min = def['minLength'] as { value: number } | null;
      const max = def['maxLength'] as { value: number } | null;
      if (exact) Object.assign(out, { minItems: exact.value, maxItems: exact.value });
      if (min) out['minItems'] = Math.max(min.value, (out['minItems'] as number | undefined) ?? 0);
      if (max) out['maxItems'] = Math.min(max.value, (out['maxItems'] as number | undefined) ?? Infinity);
      return out;
    }
    case 'ZodRecord': {
      const key = (def['keyType'] as AnySchema)._def as { typeName: string; checks?: unknown[] };
      if (key.typeName !== 'ZodString' || (key.checks?.length ?? 0) > 0) return null;
      const values = toJsonSchema(def['valueType'] as AnySchema);
      return values && { type: 'object', additionalProperties: values };
    }
    case 'ZodOptional':
      // Only as an object's property (below), where a missing key is what it allows.
      return null;
    case 'ZodObject': {
      const catchall = (def['catchall'] as AnySchema)._def as { typeName: string };
      if (catchall.typeName !== 'ZodNever') return null;
      const shape = (schema as z.AnyZodObject).shape as Record<string, AnySchema>;
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, value] of Object.entries(shape)) {
        const optional = value.isOptional();
        const inner =
          (value._def as { typeName: string }).typeName === 'ZodOptional'
            ? (value as z.ZodOptional<AnySchema>).unwrap()
            : value;
        const property = toJsonSchema(inner);
        if (!property) return null;
        properties[key] = property;
        if (!optional) required.push(key);
      }
      return {
        type: 'object',
        properties,
        required,
        additionalProperties: def['unknownKeys'] === 'passthrough',
      };
    }
    default:
      return null;
  }
}

const compiled = new WeakMap<AnySchema, { parse: SafeParse<unknown>; fast: boolean }>();

/**
 * `schema.safeParse`, answered by a validator ajv compiles from the schema where that gives exactly zod's
 * answer: valid input is returned as it is (not copied), and anything the validator refuses (invalid input, or
 * keys zod would strip) goes to zod, which gives the same data or the same error as before. A schema with a
 * part that cannot be compiled exactly (see `toJsonSchema`) is parsed by zod alone. The hot paths are the
 * messages every consumer decodes and every producer builds: zod walks each record of a records chunk, the
 * compiled validator checks it in a tenth of the time (bench/README, issue 26).
 *
 * The data returned is the input itself: callers must not change it afterwards.
 */
export function compiledSafeParse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>): SafeParse<T> {
  return compiledOf(schema).parse as SafeParse<T>;
}

/** Whether `schema` has a compiled fast path, or is parsed by zod alone. */
export function isCompiled(schema: AnySchema): boolean {
  return compiledOf(schema).fast;
}

function compiledOf(schema: AnySchema): { parse: SafeParse<unknown>; fast: boolean } {
  let entry = compiled.get(schema);
  if (!entry) {
    entry = compile(schema);
    compiled.set(schema, entry);
  }
  return entry;
}

function compile(schema: AnySchema): { parse: SafeParse<unknown>; fast: boolean } {
  const zodParse: SafeParse<unknown> = (input) => schema.safeParse(input);
  const json = toJsonSchema(schema);
  if (!json) return { parse: zodParse, fast: false };
  const validate: ValidateFunction = ajv.compile(json);
  return {
    parse: (input) => (validate(input) ? { success: true, data: input } : zodParse(input)),
    fast: true,
  };
}
