// One strict schema per web route (zod, the project's one schema library): numbers in a path or a
// query are plain decimals (no "0x1", "1e1", "+1" or " 1"), JSON bodies are taken as typed (no string
// or boolean turned into a number), unknown fields are refused, and every 400 names the parameter.
import type { FastifySchemaCompiler } from "fastify";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { SURFACES } from "../../core/oracle/types.ts";
import { parsePlainDecimal } from "../../config/text/numbers.ts";

export const MAX_PAGE_LIMIT = 100;
const MAX_ID = 2_147_483_647;

/** A whole number in plain digits, no sign, no leading zero. */
const plainInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|[1-9]\d*)$/, "must be a whole number in plain digits")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A number written as a plain decimal (`1`, `0.8`, `.5`, `-2`). */
const plainDecimal = (min: number, max: number) =>
  z
    .string()
    .transform((raw, ctx) => {
      const n = parsePlainDecimal(raw);
      if (n === undefined) {
        ctx.addIssue({ code: "custom", message: "must be a plain decimal number such as 1.2" });
        return z.NEVER;
      }
      return n;
    })
    .pipe(z.number().min(min).max(max));

export const idParams = (name: string) => z.strictObject({ [name]: plainInt(1, MAX_ID) });

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The history's query parameters, shared by GET /api/prophecies and the /history page. */
export const historyQuery = z.strictObject({
  // The order of the keys is the order links are written in (the "older" link).
  sort: z.enum(["new", "reactions"]).optional(),
  limit: plainInt(1, MAX_PAGE_LIMIT).optional(),
  cursor: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9.]+$/)
    .optional(),
  surface: z.enum(SURFACES).optional(),
  model: plainInt(1, MAX_ID).optional(),
  minTemperature: plainDecimal(0, 100).optional(),
  maxTemperature: plainDecimal(0, 100).optional(),
  from: z.string().regex(DATE, "must be YYYY-MM-DD or an ISO 8601 time").optional(),
  to: z.string().regex(DATE, "must be YYYY-MM-DD or an ISO 8601 time").optional(),
  // Must hold a word: letters or digits.
  q: z
    .string()
    .max(200)
    .regex(/[\p{L}\p{N}]/u, "must hold a word")
    .optional(),
});
export type HistoryParams = z.output<typeof historyQuery>;

/** A JSON body: none at all is an empty object. */
const body = <T extends z.ZodRawShape>(shape: T) => z.preprocess((v) => v ?? {}, z.strictObject(shape));

export const askBody = (bounds: { minTemperature: number; maxTemperature: number }) =>
  body({
    temperature: z.number().min(bounds.minTemperature).max(bounds.maxTemperature).optional(),
    about: z.string().max(LIMITS.about).optional(),
  });

const adminFields = {
  reason: z.string().min(1).max(LIMITS.reason).optional(),
  by: z.string().min(1).max(LIMITS.name).optional(),
};
export const adminBody = body(adminFields);
export const retrainBody = body({ ...adminFields, epochs: z.number().int().min(1).max(LIMITS.epochs).optional() });

export const wordsQuery = z.strictObject({
  prefix: z.string().min(1).max(40),
  limit: plainInt(1, 50).optional(),
});

export const runsQuery = z.strictObject({ limit: plainInt(1, 100).optional() });

/** "body/temperature: Invalid input: expected number, received string"; unknown fields by name. */
function describe(part: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = [part, ...issue.path.map(String)].join("/");
  if (issue.code === "unrecognized_keys")
    return `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return `${where}: ${issue.message}`;
}

/** Fastify's validator for these schemas: the parsed value replaces the input, or a 400 naming the field. */
export const zodValidator: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data: unknown) => {
    const checked = schema.safeParse(data);
    if (checked.success) return { value: checked.data };
    const error = new Error(describe(httpPart ?? "request", checked.error)) as Error & {
      statusCode: number;
      validation: unknown[];
    };
    error.statusCode = 400;
    // As Fastify's own validation errors carry it (the web's error handler tells pages from the API by it).
    error.validation = checked.error.issues;
    return { error };
  };
