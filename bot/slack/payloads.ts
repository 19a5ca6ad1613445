// The shapes of what Slack signs and sends, checked before Bolt sees them: a payload of the wrong
// shape is the sender's mistake (400; an event is acknowledged and dropped, so Slack never retries
// one that can never succeed), never a 500.
import { z } from "zod";

const id = z.string().min(1).max(64);

/** A slash command (form fields). */
export const slashCommand = z.object({
  command: z.string().regex(/^\/[\w-]{1,32}$/),
  text: z.string().max(4_000).default(""),
  user_id: id,
  channel_id: id,
  team_id: id,
  response_url: z.string().url().max(500),
  trigger_id: z.string().max(200).optional(),
});

/** Interactivity (the JSON in the form's `payload`): block actions need who clicked and what. */
export const interactivity = z.union([
  z.object({
    type: z.literal("block_actions"),
    user: z.object({ id }),
    actions: z.array(z.object({ action_id: z.string().max(255) })).min(1),
    response_url: z.string().url().max(500).optional(),
  }),
  z.object({
    type: z
      .string()
      .min(1)
      .max(64)
      .refine((t) => t !== "block_actions"),
  }),
]);

/** An Events API envelope: the event itself is checked by its listener. */
export const eventEnvelope = z.object({
  type: z.literal("event_callback"),
  event_id: z.string().min(1).max(100),
  event: z.object({ type: z.string().min(1).max(100) }),
});

/** Slack's event_ts: seconds, a dot, microseconds (kept to the microsecond: they order reactions). */
const EVENT_TS = /^(\d{1,12})\.(\d{1,6})$/;

export const reactionEvent = z.object({
  type: z.enum(["reaction_added", "reaction_removed"]),
  user: id,
  reaction: z.string().min(1),
  item: z.object({ type: z.string(), channel: id.optional(), ts: z.string().max(40).optional() }),
  event_ts: z.string().regex(EVENT_TS),
});

/** event_ts as microseconds since 1970, exactly (no float rounding). */
export function eventOrder(eventTs: string): bigint {
  const [, seconds, fraction] = EVENT_TS.exec(eventTs)!;
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, "0"));
}

/** The first problem of a failed check, naming the field: "user_id: Required". */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join(".") || "payload"}: ${issue.message}`;
}
