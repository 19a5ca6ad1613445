import { z } from "zod";

/** One configuration key: its environment variable, what it means, and its schema (with default). */
export interface Setting<T extends z.ZodType = z.ZodType> {
  env: string;
  doc: string;
  schema: T;
}

export const setting = <T extends z.ZodType>(env: string, doc: string, schema: T): Setting<T> => ({ env, doc, schema });

export type Spec = Record<string, Record<string, Setting>>;

export type ConfigOf<S extends Spec> = {
  [G in keyof S]: { [K in keyof S[G]]: z.output<S[G][K]["schema"]> };
};

/** Environment values arrive as strings; numbers and booleans are coerced before validation. */
function coerce(raw: string, schema: z.ZodType): unknown {
  const probe = (value: unknown) => schema.safeParse(value).success;
  if (probe(raw)) return raw;
  const n = Number(raw);
  if (raw.trim() !== "" && !Number.isNaN(n) && probe(n)) return n;
  if (/^(true|false|1|0|yes|no)$/i.test(raw)) {
    const b = /^(true|1|yes)$/i.test(raw);
    if (probe(b)) return b;
  }
  return raw;
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
      const input = key in groupOverrides && groupOverrides[key] !== undefined
        ? groupOverrides[key]
        : raw === undefined || raw === "" ? undefined : coerce(raw, s.schema);
      const parsed = s.schema.safeParse(input);
      if (parsed.success) out[group]![key] = parsed.data;
      else problems.push(`${s.env} (${group}.${key}): ${parsed.error.issues.map((i) => i.message).join("; ")}`);
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
