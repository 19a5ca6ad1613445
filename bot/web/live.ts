// Live training curves: GET /api/runs/:id/events is a server-sent event stream that sends the run
// (with its epochs) at once and again whenever it changes, until the job is finished.
import type { FastifyInstance } from "fastify";
import { runJson } from "./api.ts";
import type { WebDeps } from "./deps.ts";
import { idParams } from "./schemas.ts";

const FINISHED = new Set(["succeeded", "failed", "cancelled", "rejected"]);

export async function registerLive(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { oracle, config, log } = deps;
  const open = new Set<() => void>();
  // Streams never go idle by themselves: end them when the server closes, so it can drain.
  app.addHook("preClose", async () => {
    for (const end of open) end();
  });

  app.get<{ Params: { id: number } }>(
    "/api/runs/:id/events",
    {
      schema: { params: idParams("id") },
    },
    async (request, reply) => {
      const first = await oracle.getRun(request.params.id);
      if (!first) return reply.code(404).send({ error: `There is no training run ${request.params.id}.` });
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      const end = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        open.delete(end);
        raw.end();
      };
      open.add(end);
      request.raw.on("close", end);
      let last = "";
      const push = (run: NonNullable<typeof first>) => {
        const data = JSON.stringify(runJson(run));
        if (data !== last) raw.write(`event: run\ndata: ${data}\n\n`);
        last = data;
        if (FINISHED.has(run.state)) {
          raw.write("event: end\ndata: {}\n\n");
          end();
        }
      };
      const poll = async () => {
        try {
          const run = await oracle.getRun(request.params.id);
          if (closed) return;
          if (run) push(run);
        } catch (error) {
          log.warn({ err: (error as Error).message, run: request.params.id }, "live run poll failed");
        }
        if (!closed) timer = setTimeout(() => void poll(), config.web.livePollSeconds * 1000);
      };
      push(first);
      if (!closed) timer = setTimeout(() => void poll(), config.web.livePollSeconds * 1000);
    },
  );
}
