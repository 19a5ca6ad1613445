// The JSON API under /api. Handlers only translate: HTTP in, a call on the serving core, JSON out.
// Every parameter has a JSON schema (Fastify validates it: 400 naming the parameter).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ModelDetails, RunDetails } from "../../core/oracle/operations.ts";
import type { StoredProphecy } from "../../core/oracle/types.ts";
import { ADMIN_COOKIE, bearerToken, cookie, tokenMatches } from "./auth.ts";
import type { WebDeps } from "./deps.ts";
import { historyQuerySchema, toHistoryQuery, type HistoryParams } from "./history-query.ts";

export const MAX_PAGE_LIMIT = 100;

/** A prophecy as the API shows it (who asked is not shown: for the web it is a client address). */
export function prophecyJson(p: StoredProphecy) {
  return {
    id: p.id,
    createdAt: p.createdAt.toISOString(),
    text: p.text,
    lines: p.lines,
    temperature: p.temperature,
    about: p.about,
    modelVersion: p.modelVersion,
    surface: p.surface,
    longestCopied: p.longestCopied,
    reactions: p.reactions,
    reactionCount: p.reactionCount,
  };
}

export const modelJson = (m: ModelDetails) => ({
  ...m,
  createdAt: m.createdAt.toISOString(),
  trainingStartedAt: m.trainingStartedAt.toISOString(),
  trainingFinishedAt: m.trainingFinishedAt.toISOString(),
  promotedAt: m.promotedAt?.toISOString() ?? null,
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const runJson = <R extends Omit<RunDetails, "epochs">>(r: R) => ({
  ...r,
  queuedAt: r.queuedAt.toISOString(),
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
});

const idParam = (name: string) =>
  ({
    type: "object",
    properties: { [name]: { type: "integer", minimum: 1, maximum: 2_147_483_647 } },
    required: [name],
  }) as const;

const adminBody = {
  type: "object",
  properties: {
    reason: { type: "string", minLength: 1, maxLength: 200 },
    by: { type: "string", minLength: 1, maxLength: 80 },
  },
  additionalProperties: false,
} as const;

export async function registerApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { oracle, config, log, runCommand } = deps;
  const web = config.web;
  const bounds = config.sampling;
  const bodyLimit = web.bodyLimitBytes;

  /** Admin actions: the token from config, compared in constant time; none configured = disabled. */
  const requireAdmin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!web.adminToken) {
      return reply.code(403).send({ error: "Admin actions are disabled on this server (WEB_ADMIN_TOKEN is not set)." });
    }
    const given = bearerToken(request) ?? cookie(request, ADMIN_COOKIE);
    if (!given)
      return reply
        .code(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "This needs the admin token (Authorization: Bearer TOKEN)." });
    if (!tokenMatches(given, web.adminToken)) return reply.code(403).send({ error: "Wrong admin token." });
  };

  /** Who did it, for the record: the name the admin gave, and the client address. */
  const who = (request: FastifyRequest, by?: string) => `${by ? `${by} ` : "admin "}(web ${request.ip})`;

  app.get<{ Querystring: HistoryParams }>(
    "/api/prophecies",
    {
      schema: { querystring: historyQuerySchema(MAX_PAGE_LIMIT) },
    },
    async (request) => {
      const page = await oracle.history(toHistoryQuery(request.query, web.pageSize));
      return { prophecies: page.prophecies.map(prophecyJson), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: number } }>(
    "/api/prophecies/:id",
    { schema: { params: idParam("id") } },
    async (request, reply) => {
      const prophecy = await oracle.getProphecy(request.params.id);
      if (!prophecy) return reply.code(404).send({ error: `There is no prophecy ${request.params.id}.` });
      return prophecyJson(prophecy);
    },
  );

  app.post<{ Body: { temperature?: number; about?: string } }>(
    "/api/prophecies",
    {
      bodyLimit,
      schema: {
        body: {
          type: "object",
          properties: {
            temperature: { type: "number", minimum: bounds.minTemperature, maximum: bounds.maxTemperature },
            about: { type: "string", maxLength: 200 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { temperature, about } = request.body ?? {};
      const [prophecy] = await runCommand(
        { surface: "web", command: "POST /api/prophecies", user: request.ip },
        async (scope) => {
          const answer = await oracle.prophesy(
            { temperature: temperature ?? null, about: about?.trim() ? about : null, count: 1 },
            { surface: "web", requestedBy: request.ip },
          );
          scope.prophecy(answer.map((p) => p.id));
          return answer;
        },
      );
      return reply.code(201).header("location", `/p/${prophecy!.id}`).send(prophecyJson(prophecy!));
    },
  );

  app.get<{ Querystring: { prefix: string; limit?: number } }>(
    "/api/words",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            prefix: { type: "string", minLength: 1, maxLength: 40 },
            limit: { type: "integer", minimum: 1, maximum: 50 },
          },
          required: ["prefix"],
          additionalProperties: false,
        },
      },
    },
    async (request) => ({ words: await oracle.suggestWords(request.query.prefix, request.query.limit ?? 10) }),
  );

  app.get("/api/models", async () => {
    // "current" as the registry says (the version a bot serves switches to it within BOT_MODEL_POLL_SECONDS).
    const models = await oracle.listModels();
    return { current: models.find((m) => m.current)?.version ?? null, models: models.map(modelJson) };
  });

  app.get<{ Params: { id: number } }>(
    "/api/runs/:id",
    { schema: { params: idParam("id") } },
    async (request, reply) => {
      const run = await oracle.getRun(request.params.id);
      if (!run) return reply.code(404).send({ error: `There is no training run ${request.params.id}.` });
      return runJson(run);
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    "/api/runs",
    {
      schema: {
        querystring: {
          type: "object",
          properties: { limit: { type: "integer", minimum: 1, maximum: 100 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => ({ runs: (await oracle.listRuns(request.query.limit ?? 20)).map(runJson) }),
  );

  app.post<{ Params: { version: number }; Body: { reason?: string; by?: string } }>(
    "/api/models/:version/promote",
    {
      bodyLimit,
      onRequest: requireAdmin,
      schema: { params: idParam("version"), body: adminBody },
    },
    async (request, reply) => {
      const by = who(request, request.body?.by);
      const reason = request.body?.reason ?? "promoted from the web page";
      const result = await runCommand({ surface: "web", command: "POST /api/models/:version/promote", user: by }, () =>
        oracle.promote(request.params.version, { by, reason }),
      );
      if (!result) return reply.code(404).send({ error: `There is no model version ${request.params.version}.` });
      log.info({ action: "promote", version: result.version, by, reason }, "admin action");
      return { ...result, by, at: new Date().toISOString() };
    },
  );

  app.post<{ Body: { reason?: string; by?: string } }>(
    "/api/rollback",
    {
      bodyLimit,
      onRequest: requireAdmin,
      schema: { body: adminBody },
    },
    async (request) => {
      const by = who(request, request.body?.by);
      const reason = request.body?.reason ?? "rolled back from the web page";
      const result = await runCommand({ surface: "web", command: "POST /api/rollback", user: by }, () =>
        oracle.rollback({ by, reason }),
      );
      log.info({ action: "rollback", version: result.version, by, reason }, "admin action");
      return { ...result, by, at: new Date().toISOString() };
    },
  );

  app.post<{ Body: { reason?: string; by?: string; epochs?: number } }>(
    "/api/retrain",
    {
      bodyLimit,
      onRequest: requireAdmin,
      schema: {
        body: {
          type: "object",
          properties: { ...adminBody.properties, epochs: { type: "integer", minimum: 1, maximum: 10_000 } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const by = who(request, request.body?.by);
      const reason = request.body?.reason ?? "asked from the web page";
      const ticket = await runCommand({ surface: "web", command: "POST /api/retrain", user: by }, () =>
        oracle.requestRetrain({
          surface: "web",
          requestedBy: by,
          reason,
          ...(request.body?.epochs ? { epochs: request.body.epochs } : {}),
        }),
      );
      log.info({ action: "retrain", jobId: ticket.jobId, by, reason }, "admin action");
      return reply.code(202).send({ ...ticket, by, at: new Date().toISOString(), run: `/runs/${ticket.jobId}` });
    },
  );

  // An unknown API path is a JSON 404, like an unknown id.
  app.all("/api/*", async (request, reply) =>
    reply.code(404).send({ error: `No such API route: ${request.method} ${request.url.split("?")[0]}` }),
  );
}
