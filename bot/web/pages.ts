// Server-rendered pages: they read through the serving core, like the API, and work without script
// (asking is a form POST that lands on the new prophecy's page; only the admin buttons need script).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { describeError } from "../../core/errors.ts";
import { publicError } from "../errors.ts";
import { ADMIN_COOKIE, cookie, tokenMatches } from "./auth.ts";
import type { WebDeps } from "./deps.ts";
import { FILTER_RULES, FilterError, historyQuerySchema, toHistoryQuery, type HistoryParams } from "./history-query.ts";
import type { SafeHtml } from "./html.ts";
import { MAX_PAGE_LIMIT } from "./api.ts";
import { homePage } from "./views/home.ts";
import { historyPage, type FilterProblems, type HistoryForm } from "./views/history.ts";
import { modelsPage, runPage, type AdminView } from "./views/models.ts";
import { errorPage, prophecyPage } from "./views/prophecy.ts";

const idParams = {
  type: "object",
  properties: { id: { type: "integer", minimum: 1, maximum: 2_147_483_647 } },
  required: ["id"],
} as const;

/** The history's query as typed, for showing it back (validation may have changed or refused parts of it). */
function typedQuery(request: FastifyRequest): HistoryForm {
  const form: HistoryForm = {};
  for (const [key, value] of new URL(request.url, "http://local").searchParams)
    if (value !== "") (form as Record<string, string>)[key] = value;
  return form;
}

type AjvError = { instancePath?: string; params?: Record<string, unknown> };

/** Fastify's schema errors (Ajv's) for the history page, in words, beside the filter they concern. */
function filterProblems(errors: AjvError[]): FilterProblems {
  const problems: FilterProblems = { fields: {}, general: [] };
  for (const error of errors) {
    const name = (error.instancePath ?? "").replace(/^\//, "");
    const unknown = error.params?.additionalProperty;
    if (name in FILTER_RULES) problems.fields[name as keyof HistoryParams] = FILTER_RULES[name as keyof HistoryParams];
    else if (typeof unknown === "string") problems.general.push(`There is no filter named "${unknown}".`);
    else problems.general.push("These filters could not be read.");
  }
  return problems;
}

export async function registerPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { oracle, config, runCommand } = deps;
  const send = (page: SafeHtml) => page.value;
  const adminToken = config.web.adminToken;
  const isAdmin = (request: FastifyRequest) => tokenMatches(cookie(request, ADMIN_COOKIE), adminToken);
  const html = (reply: FastifyReply) => reply.type("text/html; charset=utf-8");

  app.get("/", async (_request, reply) => {
    html(reply);
    return send(homePage(config.sampling, await oracle.currentModel()));
  });

  // Asking without script: the form posts here, and the answer is the new prophecy's own page.
  app.post<{ Body: { temperature?: string; about?: string } }>(
    "/ask",
    {
      bodyLimit: config.web.bodyLimitBytes,
      schema: {
        body: {
          type: "object",
          properties: { temperature: { type: "string", maxLength: 40 }, about: { type: "string", maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const temperature = request.body?.temperature?.trim() || null;
      const about = request.body?.about?.trim() || null;
      try {
        const [prophecy] = await runCommand(
          { surface: "web", command: "POST /ask", user: request.ip },
          async (scope) => {
            const answer = await oracle.prophesy(
              { temperature, about, count: 1 },
              { surface: "web", requestedBy: request.ip },
            );
            scope.prophecy(answer.map((p) => p.id));
            return answer;
          },
        );
        return reply.redirect(`/p/${prophecy?.id}`, 303);
      } catch (error) {
        // The asker's own mistake (or asking too fast) comes back on the form, where the answer would be.
        if (describeError(error).kind !== "user") throw error;
        const answer = publicError(error);
        if (answer.retryAfterSeconds) reply.header("retry-after", String(answer.retryAfterSeconds));
        const shown = Number(temperature);
        const page = homePage(config.sampling, await oracle.currentModel(), {
          temperature:
            Number.isFinite(shown) && shown >= config.sampling.minTemperature && shown <= config.sampling.maxTemperature
              ? shown
              : undefined,
          about: about ?? undefined,
          error: answer.message,
        });
        return html(reply.code(answer.status)).send(send(page));
      }
    },
  );

  app.get<{ Querystring: HistoryParams }>(
    "/history",
    {
      schema: { querystring: historyQuerySchema(MAX_PAGE_LIMIT) },
      // The page says what is wrong beside each filter instead of failing the request.
      attachValidation: true,
      // A GET form sends its empty fields too: an empty field is no filter.
      preValidation: async (request) => {
        const query = request.query as Record<string, unknown>;
        for (const key of Object.keys(query)) if (query[key] === "") delete query[key];
      },
    },
    async (request, reply) => {
      html(reply);
      if (request.validationError) {
        const problems = filterProblems((request.validationError.validation ?? []) as AjvError[]);
        return reply.code(400).send(send(historyPage(typedQuery(request), null, problems)));
      }
      try {
        const page = await oracle.history(toHistoryQuery(request.query, config.web.pageSize));
        return send(historyPage(request.query, page));
      } catch (error) {
        if (!(error instanceof FilterError)) throw error;
        const problems = { fields: { [error.field]: error.message }, general: [] };
        return reply.code(400).send(send(historyPage(typedQuery(request), null, problems)));
      }
    },
  );

  app.get<{ Params: { id: number } }>("/p/:id", { schema: { params: idParams } }, async (request, reply) => {
    const prophecy = await oracle.getProphecy(request.params.id);
    html(reply);
    if (!prophecy) return reply.code(404).send(send(errorPage(404, `There is no prophecy ${request.params.id}.`)));
    return send(prophecyPage(prophecy));
  });

  const modelsView = async (admin: AdminView) => {
    const [models, runs] = await Promise.all([oracle.listModels(), oracle.listRuns(10)]);
    return send(modelsPage(models, runs, admin));
  };
  const adminView = (request: FastifyRequest): AdminView =>
    !adminToken ? { state: "off" } : isAdmin(request) ? { state: "unlocked" } : { state: "locked" };

  app.get("/models", async (request, reply) => html(reply).send(await modelsView(adminView(request))));

  if (adminToken) {
    // Giving the admin token once keeps it in a cookie (HttpOnly, same site only): the controls
    // appear, and the API's admin routes accept it as they accept the bearer token.
    app.post<{ Body: { token?: string } }>(
      "/admin",
      {
        bodyLimit: config.web.bodyLimitBytes,
        schema: { body: { type: "object", properties: { token: { type: "string", maxLength: 500 } } } },
      },
      async (request, reply) => {
        const token = request.body?.token ?? "";
        if (!tokenMatches(token, adminToken)) {
          return html(reply.code(403)).send(
            await modelsView({ state: "locked", error: "That is not the admin token." }),
          );
        }
        return reply
          .header("set-cookie", `${ADMIN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`)
          .redirect("/models", 303);
      },
    );
    app.post("/admin/lock", async (_request, reply) =>
      reply
        .header("set-cookie", `${ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
        .redirect("/models", 303),
    );
  }

  app.get<{ Params: { id: number } }>("/runs/:id", { schema: { params: idParams } }, async (request, reply) => {
    const run = await oracle.getRun(request.params.id);
    html(reply);
    if (!run) return reply.code(404).send(send(errorPage(404, `There is no training run ${request.params.id}.`)));
    return send(runPage(run));
  });
}
