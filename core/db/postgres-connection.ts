import pg from "pg";
import { UserError } from "../errors.ts";
import { postgresHost } from "./provider.ts";

/** Fail fast on a dead host instead of hanging a command or a test. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
]);

/** Turns a connection failure into a UserError naming the host (and never the password). */
function connectionError(url: string, error: unknown): UserError {
  const host = postgresHost(url);
  const code = (error as { code?: string }).code ?? "";
  const message = (error as Error).message ?? String(error);
  if (UNREACHABLE.has(code) || /timeout/i.test(message)) {
    return new UserError(
      `Cannot reach the PostgreSQL server at ${host} (${code || message}).`,
      "Is it running? Check DATABASE_URL.",
    );
  }
  if (code === "3D000") {
    return new UserError(`PostgreSQL at ${host}: ${message}.`, "Create the database, or fix DATABASE_URL.");
  }
  if (code === "28P01" || code === "28000") {
    return new UserError(
      `PostgreSQL at ${host} refused the login: ${message}.`,
      "Check the user and password in DATABASE_URL.",
    );
  }
  return new UserError(`Cannot connect to PostgreSQL at ${host}: ${message}`, "Check DATABASE_URL.");
}

/** A connected pg client; connection failures become UserErrors. */
export async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(url, error);
  }
  return client;
}
