// Server-rendered pages: they read through the serving core, like the API, and work without script
// (the ask box and the admin buttons need it; the history and a prophecy's page do not).
import type { FastifyInstance } from "fastify";
import type { WebDeps } from "./deps.ts";
import { toHistoryQuery, type HistoryParams } from "./history-query.ts";
import type { SafeHtml } from "./html.ts";
import { historyQuery, idParams } from "./schemas.ts";
import { homePage } from "./views/home.ts";
import { historyPage } from "./views/history.ts";
import { modelsPage, runPage } from "./views/models.ts";
import { errorPage, prophecyPage } from "./views/prophecy.ts";

export async function registerPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { oracle, config } = deps;
  const send = (page: SafeHtml) => page.value;

  app.get("/", async (_request, reply) => {
    reply.type("text/html; charset=utf-8");
    return send(homePage(config.sampling, await oracle.currentModel()));
  });

  app.get<{ Querystring: HistoryParams }>(
    "/history",
    {
      schema: { querystring: historyQuery },
      // A GET form sends its empty fields too: an empty field is no filter.
      preValidation: async (request) => {
        const query = request.query as Record<string, unknown>;
        for (const key of Object.keys(query)) if (query[key] === "") delete query[key];
      },
    },
    async (request, reply) => {
      const page = await oracle.history(toHistoryQuery(request.query, config.web.pageSize));
      reply.type("text/html; charset=utf-8");
      return send(historyPage(request.query, page));
    },
  );

  app.get<{ Params: { id: number } }>("/p/:id", { schema: { params: idParams("id") } }, async (request, reply) => {
    const prophecy = await oracle.getProphecy(request.params.id);
    reply.type("text/html; charset=utf-8");
    if (!prophecy) return reply.code(404).send(send(errorPage(404, `There is no prophecy ${request.params.id}.`)));
    return send(prophecyPage(prophecy));
  });

  app.get("/models", async (_request, reply) => {
    const [models, runs] = await Promise.all([oracle.listModels(), oracle.listRuns(10)]);
    reply.type("text/html; charset=utf-8");
    return send(modelsPage(models, runs));
  });

  app.get<{ Params: { id: number } }>("/runs/:id", { schema: { params: idParams("id") } }, async (request, reply) => {
    const run = await oracle.getRun(request.params.id);
    reply.type("text/html; charset=utf-8");
    if (!run) return reply.code(404).send(send(errorPage(404, `There is no training run ${request.params.id}.`)));
    return send(runPage(run));
  });
}
