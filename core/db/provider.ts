import path from "node:path";
import { UserError } from "../errors.ts";
import { quoteUserText } from "../../config/text/escape.ts";

export type Provider = "sqlite" | "postgresql";

/** Enough to reach a database: what the migrator and the client factory share. */
export interface DatabaseTarget {
  provider: Provider;
  url: string;
}

/** `file:PATH` is SQLite, `postgresql://` or `postgres://` is PostgreSQL; anything else is a user error. */
export function providerOf(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new UserError(
    `DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got ${quoteUserText(redactUrl(url), { maxLength: 80 })}.`,
    "For example DATABASE_URL=file:./data/oracle.db",
  );
}

/** The SQLite file of a `file:` URL, resolved against the working directory (query options dropped). */
export function sqlitePath(url: string): string {
  const raw = url.slice("file:".length).replace(/\?.*$/, "");
  if (raw === "")
    throw new UserError(
      `DATABASE_URL ${quoteUserText(url)} names no file.`,
      "For example DATABASE_URL=file:./data/oracle.db",
    );
  return path.resolve(raw);
}

/** host:port of a PostgreSQL URL, for error messages (never the password). */
export function postgresHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  } catch {
    return "the host in DATABASE_URL";
  }
}

/** The URL with any password replaced, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@/]*@/, "$1***@");
}
