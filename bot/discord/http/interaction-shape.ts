// The shape of a signed HTTP interaction, checked before anything reads it: what http-call.ts and
// the handlers rely on (an id and token, a type, a command's data and options, a button's custom id,
// permissions as a decimal bitfield). Of the wrong shape: 400, never a 500.
import { z } from "zod";

const snowflake = z.string().regex(/^\d{1,25}$/);
const user = z.object({ id: snowflake });

/** Options nest (subcommands); leaves carry a name, a type and a value. */
type Option = { name: string; type: number; value?: unknown; focused?: boolean; options?: Option[] };
const option: z.ZodType<Option> = z.lazy(() =>
  z.object({
    name: z.string().min(1).max(32),
    type: z.number().int(),
    value: z.union([z.string().max(6_000), z.number().finite(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(option).max(25).optional(),
  }),
);

const base = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(500),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.object({ id: snowflake }).passthrough().optional(),
  member: z
    .object({
      user,
      roles: z.array(snowflake).max(250),
      // A bitfield as decimal digits (BigInt() of anything else throws).
      permissions: z
        .string()
        .regex(/^\d{1,30}$/)
        .optional(),
    })
    .passthrough()
    .optional(),
  user: user.passthrough().optional(),
};

const commandData = z
  .object({
    id: snowflake,
    name: z.string().min(1).max(32),
    type: z.number().int(),
    options: z.array(option).max(25).optional(),
  })
  .passthrough();

const interactionShape = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal(1) }).passthrough(),
  z.object({ ...base, type: z.literal(2), data: commandData }).passthrough(),
  z
    .object({
      ...base,
      type: z.literal(3),
      data: z.object({ custom_id: z.string().min(1).max(100), component_type: z.number().int() }).passthrough(),
    })
    .passthrough(),
  z
    .object({ ...base, type: z.literal(4), data: commandData.extend({ options: z.array(option).min(1).max(25) }) })
    .passthrough(),
  z.object({ ...base, type: z.literal(5) }).passthrough(),
]);

/** The first problem, naming the field: "data.options: Expected array, received string". */
export function shapeProblem(body: unknown): string | null {
  const checked = interactionShape.safeParse(body);
  if (checked.success) return null;
  const issue = checked.error.issues[0];
  return `${issue.path.join(".") || "interaction"}: ${issue.message}`;
}
