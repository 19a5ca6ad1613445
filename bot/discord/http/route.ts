// POST /discord/interactions: Discord's HTTP interactions, verified, answered within the 3 s rule
// by the same dispatch as the gateway.
import { InteractionResponseType, InteractionType, type APIInteraction, type REST } from "discord.js";
import type { FastifyInstance } from "fastify";
import { APOLOGY } from "../../../core/errors.ts";
import { publicError } from "../../errors.ts";
import type { BotDeps } from "../../surface.ts";
import { dispatch } from "../dispatch.ts";
import { privateMessage } from "../messages.ts";
import { httpCall } from "./http-call.ts";
import { shapeProblem } from "./interaction-shape.ts";
import { discordPublicKey, verifyInteraction } from "./verify.ts";

export async function interactionsRoute(
  app: FastifyInstance,
  deps: BotDeps,
  rest: REST,
  publicKeyHex: string,
): Promise<void> {
  const key = discordPublicKey(publicKeyHex);
  const { log } = deps;
  // The signature covers the exact bytes: keep every body raw (this scope only; parsed after the check).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.post("/discord/interactions", async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const checked = verifyInteraction(
      key,
      request.headers["x-signature-ed25519"] as string | undefined,
      request.headers["x-signature-timestamp"] as string | undefined,
      body,
      { maxAgeSeconds: deps.config.discord.maxSignatureAgeSeconds },
    );
    if (!checked.ok) {
      log.warn({ reason: checked.reason, ip: request.ip }, "discord interaction refused");
      return reply.code(401).send({ error: "invalid request signature" });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return reply.code(400).send({ error: "body is not JSON" });
    }
    const problem = shapeProblem(parsed);
    if (problem) {
      log.warn({ problem, ip: request.ip }, "malformed discord interaction refused");
      return reply.code(400).send({ error: `malformed interaction: ${problem}` });
    }
    const interaction = parsed as APIInteraction;
    // Discord never sends one interaction twice: a second time is a replay, which runs nothing.
    try {
      if (!(await deps.oracle.firstSeen(`discord:${interaction.id}`, 2 * deps.config.discord.maxSignatureAgeSeconds))) {
        log.warn({ interaction: interaction.id, ip: request.ip }, "discord interaction replayed: refused");
        return reply.code(409).send({ error: "interaction already handled" });
      }
    } catch (err) {
      const answer = publicError(err);
      return reply.code(answer.kind === "bug" ? 500 : 503).send({ error: answer.message });
    }
    if (interaction.type === InteractionType.Ping) return reply.send({ type: InteractionResponseType.Pong });

    const wrapped = httpCall(interaction, rest);
    if (!wrapped) {
      return reply.send({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: privateMessage("The oracle does not know that one."),
      });
    }
    reply.raw.once("finish", wrapped.markSent);
    reply.raw.once("close", wrapped.markSent);
    // The handler runs on after the first answer (a deferral's edit); it never throws.
    const done = dispatch(wrapped.call, deps);
    const first = await Promise.race([
      wrapped.firstResponse,
      done.then(() =>
        Promise.race([
          wrapped.firstResponse,
          // Finished without answering (it should not): say so rather than let Discord time out.
          new Promise<never>((_, reject) => setImmediate(() => reject(new Error("handler gave no answer")))),
        ]),
      ),
    ]).catch((err: unknown) => {
      log.error({ err, interaction: interaction.id }, "discord interaction gave no answer");
      return { type: InteractionResponseType.ChannelMessageWithSource, data: privateMessage(APOLOGY) } as const;
    });
    return reply.send(first);
  });
}
