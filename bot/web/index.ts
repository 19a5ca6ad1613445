// The web surface: pages, JSON API, live training curves and static files, on the bot service's one
// Fastify server. Everything lives in one encapsulated plugin, so its error handler, hooks and
// compression apply to the web routes only (its 404 page answers any unknown address).
import compress from "@fastify/compress";
import formbody from "@fastify/formbody";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { logFailure } from "../errors.ts";
import type { SurfaceFactory } from "../surface.ts";
import { registerApi } from "./api.ts";
import { registerAssets } from "./assets.ts";
import { bearerToken, cookie, READ_COOKIE, tokenMatches } from "./auth.ts";
import type { WebDeps } from "./deps.ts";
import { registerLive } from "./live.ts";
import { registerPages } from "./pages.ts";
import { zodValidator } from "./schemas.ts";
import { errorPage } from "./views/prophecy.ts";

// Only this server: scripts, styles, fetches and images (uPlot draws on a canvas).
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const isApi = (request: FastifyRequest) => request.url.startsWith("/api/");

/** The web page and its API on the bot's one server: / and /api. Always on (reading is open unless WEB_READ_TOKEN is set). */
export const webSurface: SurfaceFactory = (deps) => ({
  name: "web",
  register: (app) => registerWeb(app, deps),
});

async function registerWeb(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await app.register(async (web) => {
    const { config, log } = deps;
    // gzip/brotli for what the client accepts (pages, JSON, CSS, uPlot); the live event stream is raw.
    await web.register(compress, { global: true, threshold: 1024 });
    // Forms posted without script (asking, the admin token).
    await web.register(formbody, { bodyLimit: config.web.bodyLimitBytes });

    web.addHook("onSend", async (_request, reply, payload) => {
      reply.header("content-security-policy", CSP);
      reply.header("x-content-type-options", "nosniff");
      reply.header("referrer-policy", "same-origin");
      return payload;
    });

    const readToken = config.web.readToken;
    if (readToken) {
      // Reading needs the read (or admin) token: as a bearer token, or once as ?token=, which is kept in a cookie.
      web.addHook("onRequest", async (request, reply) => {
        if (request.url.startsWith("/static/") || request.url === "/favicon.ico") return;
        const url = new URL(request.url, "http://local");
        const fromQuery = url.searchParams.get("token") ?? undefined;
        const given = bearerToken(request) ?? fromQuery ?? cookie(request, READ_COOKIE);
        if (!tokenMatches(given, readToken) && !tokenMatches(given, config.web.adminToken)) {
          return sendError(request, reply, 401, "This oracle's web page needs its read token.");
        }
        if (fromQuery) {
          url.searchParams.delete("token");
          reply.header(
            "set-cookie",
            `${READ_COOKIE}=${encodeURIComponent(fromQuery)}; Path=/; HttpOnly; SameSite=Strict`,
          );
          if (request.method === "GET" && !isApi(request)) return reply.redirect(url.pathname + url.search, 303);
        }
      });
    }

    web.setErrorHandler(async (error: FastifyError, request, reply) => {
      // Fastify's own 4xx (schema validation naming the parameter, bad JSON, body too large).
      const status = error.statusCode ?? 0;
      if (status >= 400 && status < 500) {
        // A page address that does not validate (/p/abc) is no page: the 404 page, not the schema's words.
        if (error.validation && !isApi(request)) return notFound(request, reply);
        return sendError(request, reply, status, error.message);
      }
      const answer = logFailure(log, error, { method: request.method, url: request.url }, "web request failed");
      // Asking too fast: 429 with when to ask again; shed by the core's one in-flight limit: 503 with Retry-After.
      if (answer.retryAfterSeconds) reply.header("retry-after", String(answer.retryAfterSeconds));
      else if (answer.kind === "busy") reply.header("retry-after", "1");
      return sendError(request, reply, answer.status, answer.message);
    });
    // Any address nobody serves: the site's own 404 page (JSON under /api).
    web.setNotFoundHandler(notFound);

    await registerAssets(web);
    // The JSON API: one strict zod schema per route (schemas.ts), in a context of its own (the pages
    // keep their JSON schemas, whose errors the history page shows beside each filter).
    await web.register(async (api) => {
      api.setValidatorCompiler(zodValidator);
      await registerApi(api, deps);
      await registerLive(api, deps);
    });
    await registerPages(web, deps);
  });
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split("?")[0];
  const message = isApi(request)
    ? `No such API route: ${request.method} ${path}`
    : `There is no page at ${path.length > 80 ? `${path.slice(0, 80)}…` : path}.`;
  return sendError(request, reply, 404, message);
}

/** JSON for the API, a page for the pages. */
function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  if (isApi(request)) return reply.code(status).send({ error: message });
  return reply.code(status).type("text/html; charset=utf-8").send(errorPage(status, message).value);
}
