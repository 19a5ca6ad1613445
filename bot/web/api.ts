// The JSON API under /api. Handlers only translate: HTTP in, a call on the serving core, JSON out.
// Every route has one strict schema (schemas.ts: 400 naming the parameter). registerApi registers
// the groups below: prophecies, vocabulary, models and runs, admin actions, and the JSON 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ModelDetails, RunDetails } from "../../core/oracle/operations.ts";
import type { StoredProphecy } from "../../core/oracle/types.ts";
import { ADMIN_COOKIE, bearerToken, cookie, tokenMatches } from "./auth.ts";
import type { WebDeps } from "./deps.ts";
import { toHistoryQuery } from "./history-query.ts";
import {
  adminBody,
  askBody,
  historyQuery,
  idParams,
  retrainBody,
  runsQuery,
  wordsQuery,
  type HistoryParams,
} from "./schemas.ts";

/** Most prophecies one history page holds (the API's and the /history page's). */
export { MAX_PAGE_LIMIT } from "./schemas.ts";

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

const modelJson = (m: ModelDetails) => ({
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

interface AdminInput {
  reason?: string;
  by?: string;
}

export async function registerApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  registerProphecyRoutes(app, deps);
  registerWordRoutes(app, deps);
  registerModelAndRunRoutes(app, deps);
  registerAdminRoutes(app, deps);
  // An unknown API path is a JSON 404, like an unknown id.
  app.all("/api/*", async (request, reply) =>
    reply.code(404).send({ error: `No such API route: ${request.method} ${request.url.split("?")[0]}` }),
  );
}

/** GET /api/prophecies (the history), GET /api/prophecies/:id, POST /api/prophecies (ask). */
function registerProphecyRoutes(app: FastifyInstance, { oracle, config, runCommand }: WebDeps): void {
  app.get<{ Querystring: HistoryParams }>(
    "/api/prophecies",
    { schema: { querystring: historyQuery } },
    async (request) => {
      const page = await oracle.history(toHistoryQuery(request.query, config.web.pageSize));
      return { prophecies: page.prophecies.map(prophecyJson), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: number } }>(
    "/api/prophecies/:id",
    { schema: { params: idParams("id") } },
    async (request, reply) => {
      const prophecy = await oracle.getProphecy(request.params.id);
      if (!prophecy) return reply.code(404).send({ error: `There is no prophecy ${request.params.id}.` });
      return prophecyJson(prophecy);
    },
  );

  // Past the core's one in-flight limit the oracle throws BusyError: the web's "busy" is 503 with Retry-After.
  app.post<{ Body: { temperature?: number; about?: string } }>(
    "/api/prophecies",
    {
      bodyLimit: config.web.bodyLimitBytes,
      schema: { body: askBody(config.sampling) },
    },
    async (request, reply) => {
      const { temperature, about } = request.body;
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
      return reply.code(201).header("location", `/p/${prophecy.id}`).send(prophecyJson(prophecy));
    },
  );
}

/** GET /api/words: vocabulary words for the starting-words box. */
function registerWordRoutes(app: FastifyInstance, { oracle }: WebDeps): void {
  app.get<{ Querystring: { prefix: string; limit?: number } }>(
    "/api/words",
    { schema: { querystring: wordsQuery } },
    async (request) => ({ words: await oracle.suggestWords(request.query.prefix, request.query.limit ?? 10) }),
  );
}

/** GET /api/models, GET /api/runs, GET /api/runs/:id. */
function registerModelAndRunRoutes(app: FastifyInstance, { oracle }: WebDeps): void {
  app.get("/api/models", async () => {
    // "current" as the registry says (the version a bot serves switches to it within BOT_MODEL_POLL_SECONDS).
    const models = await oracle.listModels();
    return { current: models.find((m) => m.current)?.version ?? null, models: models.map(modelJson) };
  });

  app.get<{ Params: { id: number } }>(
    "/api/runs/:id",
    { schema: { params: idParams("id") } },
    async (request, reply) => {
      const run = await oracle.getRun(request.params.id);
      if (!run) return reply.code(404).send({ error: `There is no training run ${request.params.id}.` });
      return runJson(run);
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    "/api/runs",
    { schema: { querystring: runsQuery } },
    async (request) => ({
      runs: (await oracle.listRuns(request.query.limit ?? 20)).map(runJson),
    }),
  );
}

/** Admin actions: the token from config, compared in constant time; none configured = disabled. */
function requireAdmin(adminToken: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!adminToken) {
      return reply.code(403).send({ error: "Admin actions are disabled on this server (WEB_ADMIN_TOKEN is not set)." });
    }
    const given = bearerToken(request) ?? cookie(request, ADMIN_COOKIE);
    if (!given)
      return reply
        .code(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "This needs the admin token (Authorization: Bearer TOKEN)." });
    if (!tokenMatches(given, adminToken)) return reply.code(403).send({ error: "Wrong admin token." });
  };
}

/** Who did it, for the record: the name the admin gave (within the core's limit), and the client address. */
const who = (request: FastifyRequest, by?: string) => `${by ? `${by} ` : "admin "}(web ${request.ip})`;

/** POST /api/models/:version/promote, POST /api/rollback, POST /api/retrain: recorded with who and why. */
function registerAdminRoutes(app: FastifyInstance, { oracle, config, log, runCommand }: WebDeps): void {
  const onRequest = requireAdmin(config.web.adminToken);
  const bodyLimit = config.web.bodyLimitBytes;

  app.post<{ Params: { version: number }; Body: AdminInput }>(
    "/api/models/:version/promote",
    { bodyLimit, onRequest, schema: { params: idParams("version"), body: adminBody } },
    async (request, reply) => {
      const by = who(request, request.body.by);
      const reason = request.body.reason ?? "promoted from the web page";
      const result = await runCommand({ surface: "web", command: "POST /api/models/:version/promote", user: by }, () =>
        oracle.promote(request.params.version, { by, reason }),
      );
      if (!result) return reply.code(404).send({ error: `There is no model version ${request.params.version}.` });
      log.info({ action: "promote", version: result.version, by, reason }, "admin action");
      return { ...result, by, at: new Date().toISOString() };
    },
  );

  app.post<{ Body: AdminInput }>(
    "/api/rollback",
    { bodyLimit, onRequest, schema: { body: adminBody } },
    async (request) => {
      const by = who(request, request.body.by);
      const reason = request.body.reason ?? "rolled back from the web page";
      const result = await runCommand({ surface: "web", command: "POST /api/rollback", user: by }, () =>
        oracle.rollback({ by, reason }),
      );
      log.info({ action: "rollback", version: result.version, by, reason }, "admin action");
      return { ...result, by, at: new Date().toISOString() };
    },
  );

  app.post<{ Body: AdminInput & { epochs?: number } }>(
    "/api/retrain",
    { bodyLimit, onRequest, schema: { body: retrainBody } },
    async (request, reply) => {
      const by = who(request, request.body.by);
      const reason = request.body.reason ?? "asked from the web page";
      const { epochs } = request.body;
      const ticket = await runCommand({ surface: "web", command: "POST /api/retrain", user: by }, () =>
        oracle.requestRetrain({ surface: "web", requestedBy: by, reason, ...(epochs ? { epochs } : {}) }),
      );
      log.info({ action: "retrain", jobId: ticket.jobId, by, reason }, "admin action");
      return reply.code(202).send({ ...ticket, by, at: new Date().toISOString(), run: `/runs/${ticket.jobId}` });
    },
  );
}
