import type { ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types';
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

/**
 * zod's outputs for `zodOutput` leaves (owned input) of the validation under way: written into the input only
 * once the whole of it is valid, so a refused input reaches zod as it came, but for the keys zod strips anyway
 * and the defaults zod inserts anyway.
 */
let outputs: { parent: Record<string | number, unknown>; key: string | number; value: unknown }[] = [];

function addZodKeywords(instance: Ajv): Ajv {
  instance.addKeyword({
    keyword: 'zodLeaf',
    schemaType: 'number',
    errors: false,
    validate: (index: number, data: unknown) => leaves[index].safeParse(data).success,
  });
  instance.addKeyword({
    keyword: 'zodOutput',
    schemaType: 'number',
    errors: false,
    modifying: true,
    validate: (index: number, data: unknown, _schema?: unknown, cxt?: DataValidationCxt) => {
      const result = leaves[index].safeParse(data);
      if (!result.success) return false;
      if (result.data !== data && cxt?.parentData !== undefined)
        outputs.push({
          parent: cxt.parentData as Record<string | number, unknown>,
          key: cxt.parentDataProperty,
          value: result.data,
        });
      return true;
    },
  });
  return instance;
}

/** `strictNumbers`: a JSON Schema number excludes NaN and ±Infinity, as a plain `z.number()` leaf relies on. */
const options = {
  allErrors: false,
  strict: true,
  strictNumbers: true,
  strictTypes: false,
  validateSchema: false,
} as const;
const ajv = addZodKeywords(new Ajv(options));
/**
 * For owned input (see `compiledSafeParse`): keys a stripping object does not declare are removed from the input
 * rather than refused (`additionalProperties: false` with `removeAdditional`), and a missing property with a
 * zod default gets it (`useDefaults`), as zod would put them in its copy.
 */
const ajvOwned = addZodKeywords(
  new Ajv({ ...options, strict: false, removeAdditional: true, useDefaults: true }),
);

/** zod string checks that change the value (zod's output differs from its input): never compiled. */
const TRANSFORMING_CHECKS = new Set(['trim', 'toLowerCase', 'toUpperCase']);

/**
 * The JSON Schema of `schema` for ajv, or null when a part of it cannot be checked exactly as zod checks it
 * (refinements, transforms, defaults, unions, dates, …). What the JSON Schema accepts, zod accepts, and zod's
 * output is then a copy of the input:
 * - objects refuse unknown keys (`additionalProperties: false`) unless zod passes them through, so an input
 *   zod would strip goes to zod;
 * - a key is required unless its schema accepts `undefined` (zod's own `isOptional()`);
 * - strings and numbers with checks are handed to zod itself (`zodLeaf`); a number without checks is checked
 *   as a finite JSON Schema number.
 *
 * For owned input (`owned`), zod's changes are made in the input instead: keys a stripping object does not
 * declare are removed, a missing property with a default gets it, and any other part (coercions, transforms,
 * unions, refinements, …) is parsed by zod and its output put in the input's place (`zodOutput`), once the
 * whole input is valid.
 */
function toJsonSchema(schema: AnySchema, owned: boolean): JsonSchema | null {
  const def = schema._def as { typeName: string } & Record<string, unknown>;
  switch (def.typeName) {
    case 'ZodString': {
      const checks = def['checks'] as { kind: string }[];
      if (checks.some((c) => TRANSFORMING_CHECKS.has(c.kind))) return null;
      if (def['coerce']) return null;
      return checks.length === 0 ? { type: 'string' } : { type: 'string', zodLeaf: leaves.push(schema) - 1 };
    }
    case 'ZodNumber': {
      if (def['coerce']) return null;
      // A number without checks is any finite number to both: zod refuses NaN (and accepts ±Infinity, which
      // ajv's strictNumbers refuses, sending such input to zod). Every number with a check is zod's to judge.
      const checks = def['checks'] as unknown[];
      return checks.length === 0 ? { type: 'number' } : { type: 'number', zodLeaf: leaves.push(schema) - 1 };
    }
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
      const inner = node(def['innerType'] as AnySchema, owned);
      return inner && { anyOf: [{ type: 'null' }, inner] };
    }
    case 'ZodArray': {
      const items = node(def['type'] as AnySchema, owned);
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
      const values = node(def['valueType'] as AnySchema, owned);
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
        const property = owned && isDefault(inner) ? withDefault(inner, owned) : node(inner, owned);
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

/** A part of a schema: its JSON Schema, or (owned input) zod's own parse of it; null when neither applies. */
function node(schema: AnySchema, owned: boolean): JsonSchema | null {
  return toJsonSchema(schema, owned) ?? (owned ? { zodOutput: leaves.push(schema) - 1 } : null);
}

function isDefault(schema: AnySchema): boolean {
  return (schema._def as { typeName: string }).typeName === 'ZodDefault';
}

/** An object property with a zod default: ajv puts the default in when the key is missing, then checks it. */
function withDefault(schema: AnySchema, owned: boolean): JsonSchema | null {
  const def = schema._def as { innerType: AnySchema; defaultValue: () => unknown };
  const inner = node(def.innerType, owned);
  return inner && { ...inner, default: def.defaultValue() };
}

type Compiled = { parse: SafeParse<unknown>; fast: boolean };

/** Compiled parses by schema: for input the caller keeps (`shared`) and for input handed over (`owned`). */
const compiled = { shared: new WeakMap<AnySchema, Compiled>(), owned: new WeakMap<AnySchema, Compiled>() };

export interface CompiledParseOptions {
  /**
   * The input is the caller's to give away: JSON.parse's output (or a part of it) that nothing else reads
   * afterwards. zod's answer is then made in the input itself (keys zod strips removed, defaults put in,
   * coerced and transformed parts replaced by zod's output), so schemas with those parts compile too. The
   * answer is the same as zod's, but for the order of keys in objects. Default false.
   */
  owned?: boolean;
}

/**
 * `schema.safeParse`, answered by a validator ajv compiles from the schema where that gives exactly zod's
 * answer: valid input is returned as it is (not copied), and anything the validator refuses (invalid input, or
 * keys zod would strip) goes to zod, which gives the same data or the same error as before. A schema with a
 * part that cannot be compiled exactly (see `toJsonSchema`) is parsed by zod alone. The hot paths are the
 * messages every consumer decodes and every producer builds: zod walks each record of a records chunk, the
 * compiled validator checks it in a tenth of the time (bench/README, issue 26); and (`owned`) the portals'
 * answers the connectors decode.
 *
 * The data returned is the input itself: callers must not change it afterwards.
 */
export function compiledSafeParse<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  options: CompiledParseOptions = {},
): SafeParse<T> {
  return compiledOf(schema, options.owned ?? false).parse as SafeParse<T>;
}

/** Whether `schema` has a compiled fast path (for owned input, with `owned`), or is parsed by zod alone. */
export function isCompiled(schema: AnySchema, options: CompiledParseOptions = {}): boolean {
  return compiledOf(schema, options.owned ?? false).fast;
}

function compiledOf(schema: AnySchema, owned: boolean): Compiled {
  const cache = owned ? compiled.owned : compiled.shared;
  let entry = cache.get(schema);
  if (!entry) {
    entry = compile(schema, owned);
    cache.set(schema, entry);
  }
  return entry;
}

function compile(schema: AnySchema, owned: boolean): Compiled {
  const zodParse: SafeParse<unknown> = (input) => schema.safeParse(input);
  // The root itself must be compiled: a root that only zod parses gains nothing.
  const json = toJsonSchema(schema, owned);
  if (!json) return { parse: zodParse, fast: false };
  if (!owned) {
    const validate: ValidateFunction = ajv.compile(json);
    return {
      parse: (input) => (validate(input) ? { success: true, data: input } : zodParse(input)),
      fast: true,
    };
  }
  const validate: ValidateFunction = ajvOwned.compile(json);
  return {
    parse: (input) => {
      outputs = [];
      const valid = validate(input);
      const written = outputs;
      outputs = [];
      if (!valid) return zodParse(input);
      for (const { parent, key, value } of written) parent[key] = value;
      return { success: true, data: input };
    },
    fast: true,
  };
}
