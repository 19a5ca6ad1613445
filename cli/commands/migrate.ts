import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { migrate, migrationStatus } from "../../core/db/migrate.ts";
import { providerOf } from "../../core/db/provider.ts";

/** `oracle migrate`: apply the committed migrations (PostgreSQL needs it; SQLite does it on open). */
export const migrateCommand = (ctx: CliContext) =>
  new Command("migrate")
    .description("apply pending database migrations (PostgreSQL in production; SQLite migrates itself)")
    .option("--status", "only show what is applied and what is pending")
    .action(async (opts: { status?: boolean }) => {
      const url = ctx.config().database.url;
      const target = { provider: providerOf(url), url };
      if (opts.status) {
        const status = await migrationStatus(target);
        ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const applied = await migrate(target, { log: ctx.log() });
      ctx.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
    });
