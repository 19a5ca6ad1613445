import { z } from "zod";
import { quoteUserText } from "./text/escape.ts";
import { parsePlainDecimal } from "./text/numbers.ts";

/** One configuration key: its environment variable, what it means, and its schema (with default). */
export interface Setting<T extends z.ZodType = z.ZodType> {
  env: string;
  doc: string;
  schema: T;
  /** A token or secret: `oracle config` never prints its value. */
  secret?: boolean;
}

export const setting = <T extends z.ZodType>(
  env: string,
  doc: string,
  schema: T,
  options: { secret?: boolean } = {},
): Setting<T> => ({ env, doc, schema, ...options });

export type Spec = Record<string, Record<string, Setting>>;

export type ConfigOf<S extends Spec> = {
  [G in keyof S]: { [K in keyof S[G]]: z.output<S[G][K]["schema"]> };
};

/** The schema under its default, if any. */
const inner = (schema: z.ZodType): z.ZodType =>
  schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;

/**
 * Environment values arrive as strings. A number setting takes a plain decimal only (not "0x1",
 * "1e1"), a boolean true/false/1/0/yes/no; anything else stays a string and fails validation.
 */
function coerce(raw: string, schema: z.ZodType): unknown {
  const base = inner(schema);
  if (base instanceof z.ZodNumber) return parsePlainDecimal(raw.trim()) ?? raw;
  if (base instanceof z.ZodBoolean && /^(true|false|1|0|yes|no)$/i.test(raw.trim()))
    return /^(true|1|yes)$/i.test(raw.trim());
  return raw;
}

/** What a setting accepts, in words: "a whole number from 1 to 10000", "one of fail, requeue". */
function accepted(schema: z.ZodType): string {
  const base = inner(schema);
  if (base instanceof z.ZodNumber) {
    const kind = base.isInt ? "a whole number" : "a number";
    const { minValue: min, maxValue: max } = base;
    const finite = (x: number | null) => x !== null && Number.isFinite(x) && Math.abs(x) < Number.MAX_SAFE_INTEGER;
    if (finite(min) && finite(max)) return `${kind} from ${min} to ${max}`;
    if (finite(min)) return `${kind} ≥ ${min}`;
    return kind;
  }
  if (base instanceof z.ZodBoolean) return "true or false";
  if (base instanceof z.ZodEnum) return `one of ${(base.options as string[]).join(", ")}`;
  if (base instanceof z.ZodString) return "a non-empty text";
  return "a valid value";
}

/** An override as its environment variable would have spelt it (a list comma-separated). */
function overrideText(value: unknown): string {
  if (Array.isArray(value)) return value.map(overrideText).join(",");
  const plain = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  return plain || typeof value === "bigint" ? String(value) : JSON.stringify(value);
}

/**
 * Builds the typed config from the spec: overrides first, then the environment, then defaults.
 * Throws one error that lists every bad key with its environment name.
 */
export function parseSpec<S extends Spec>(
  spec: S,
  env: Record<string, string | undefined>,
  overrides: Partial<{ [G in keyof S]: Partial<ConfigOf<S>[G]> }> = {},
): ConfigOf<S> {
  const out: Record<string, Record<string, unknown>> = {};
  const problems: string[] = [];
  for (const [group, keys] of Object.entries(spec)) {
    out[group] = {};
    const groupOverrides = (overrides as Record<string, Record<string, unknown> | undefined>)[group] ?? {};
    for (const [key, s] of Object.entries(keys)) {
      const raw = env[s.env];
      const input =
        key in groupOverrides && groupOverrides[key] !== undefined
          ? groupOverrides[key]
          : raw === undefined || raw === ""
            ? undefined
            : coerce(raw, s.schema);
      const parsed = s.schema.safeParse(input);
      if (parsed.success) out[group][key] = parsed.data;
      else {
        const given =
          key in groupOverrides && groupOverrides[key] !== undefined ? overrideText(groupOverrides[key]) : (raw ?? "");
        // A secret is not echoed, even when it is wrong.
        const shown = s.secret ? "***" : quoteUserText(given, { maxLength: 60 });
        problems.push(`${s.env}=${shown}: ${s.env} (${group}.${key}) must be ${accepted(s.schema)}.`);
      }
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Markdown table of every key, for `oracle config --docs` and the README. */
export function describeSpec(spec: Spec): string {
  const rows = ["| variable | key | default | meaning |", "| --- | --- | --- | --- |"];
  for (const [group, keys] of Object.entries(spec)) {
    for (const [key, s] of Object.entries(keys)) {
      const d = s.schema.safeParse(undefined);
      const def = d.success ? (d.data === undefined ? "" : JSON.stringify(d.data)) : "(required)";
      rows.push(`| \`${s.env}\` | ${group}.${key} | ${def} | ${s.doc} |`);
    }
  }
  return rows.join("\n");
}
