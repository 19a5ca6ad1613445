#!/usr/bin/env node
// Prisma tooling that works offline (Prisma 6 CLI with the JS schema engine and driver adapters).
//   node scripts/prisma.mjs schemas          write prisma/{sqlite,postgresql}/schema.prisma from prisma/models.prisma
//   node scripts/prisma.mjs generate         schemas + both Prisma clients (prisma/generated/*, gitignored)
//   node scripts/prisma.mjs migrations NAME  write the SQL migration for both providers (committed models → now)
//   node scripts/prisma.mjs cli PROVIDER ... any other prisma command for one provider (DATABASE_URL picks the database)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prismaDir = path.join(root, "prisma");
export const providers = ["sqlite", "postgresql"];
const modelsPath = path.join(prismaDir, "models.prisma");
/** The models as of the newest committed migration: what `migrations` diffs from. */
const migratedModelsPath = path.join(prismaDir, "migrated-models.prisma");

/** The full schema of one provider: header, generator, datasource, then the shared models verbatim. */
export function renderSchema(provider, models) {
  return `// Written by scripts/prisma.mjs from prisma/models.prisma: edit that file, then run \`npm run db:generate\`.

generator client {
  provider   = "prisma-client-js"
  engineType = "client"
  output     = "../generated/${provider}"
}

datasource db {
  provider = "${provider}"
  url      = env("DATABASE_URL")
}

${models}`;
}

const schemaPath = (provider) => path.join(prismaDir, provider, "schema.prisma");
const migrationsDir = (provider) => path.join(prismaDir, provider, "migrations");

function writeSchemas() {
  const models = readFileSync(modelsPath, "utf8");
  for (const provider of providers) {
    mkdirSync(path.dirname(schemaPath(provider)), { recursive: true });
    const text = renderSchema(provider, models);
    if (!existsSync(schemaPath(provider)) || readFileSync(schemaPath(provider), "utf8") !== text) {
      writeFileSync(schemaPath(provider), text);
    }
  }
}

/** Runs the prisma CLI offline: dummy engine paths stop it from downloading binaries it won't use. */
function prisma(provider, args, { capture = false, offline = false } = {}) {
  const cacheDir = path.join(root, "node_modules", ".cache", "oracle-prisma");
  const dummyEngine = path.join(cacheDir, "no-engine");
  if (!existsSync(dummyEngine)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(dummyEngine, "placeholder: the JS engine and driver adapters are used instead\n");
  }
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: dummyEngine,
    PRISMA_QUERY_ENGINE_LIBRARY: dummyEngine,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    ORACLE_PRISMA_PROVIDER: provider,
    // A datamodel-to-datamodel diff needs no database (see scripts/prisma.config.ts).
    ...(offline ? { ORACLE_PRISMA_OFFLINE: "1" } : {}),
  };
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(
    process.execPath,
    [cli, ...args, "--config", path.join(root, "scripts", "prisma.config.ts")],
    {
      cwd: root,
      env,
      encoding: "utf8",
      stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    },
  );
  if (result.status !== 0) {
    throw new Error(`prisma ${args.join(" ")} (${provider}) failed with exit code ${result.status}`);
  }
  return result.stdout;
}

function generate() {
  writeSchemas();
  for (const provider of providers) {
    prisma(provider, ["generate", "--schema", schemaPath(provider)]);
  }
}

/** Migration folder names sort by time, as Prisma's own do. */
function timestamp(date = new Date()) {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function writeMigrations(name) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error("usage: node scripts/prisma.mjs migrations NAME   (NAME: lower-case letters, digits, _)");
  }
  writeSchemas();
  const models = readFileSync(modelsPath, "utf8");
  const hasBase = existsSync(migratedModelsPath);
  if (hasBase && readFileSync(migratedModelsPath, "utf8") === models) {
    console.log("prisma/models.prisma has no changes since the last migration: nothing to write.");
    return;
  }
  const work = mkdtempSync(path.join(tmpdir(), "oracle-migrations-"));
  try {
    const folder = `${timestamp()}_${name}`;
    for (const provider of providers) {
      const args = ["migrate", "diff", "--script", "--to-schema-datamodel", schemaPath(provider)];
      if (hasBase) {
        const base = path.join(work, `${provider}.prisma`);
        writeFileSync(base, renderSchema(provider, readFileSync(migratedModelsPath, "utf8")));
        args.push("--from-schema-datamodel", base);
      } else {
        args.push("--from-empty");
      }
      const sql = prisma(provider, args, { capture: true, offline: true });
      const dir = path.join(migrationsDir(provider), folder);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "migration.sql"), sql);
      writeFileSync(
        path.join(migrationsDir(provider), "migration_lock.toml"),
        `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`,
      );
      console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
    }
    writeFileSync(migratedModelsPath, models);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (command === "schemas") writeSchemas();
    else if (command === "generate") generate();
    else if (command === "migrations") writeMigrations(rest[0]);
    else if (command === "cli" && providers.includes(rest[0])) prisma(rest[0], rest.slice(1));
    else
      throw new Error(
        "usage: node scripts/prisma.mjs schemas | generate | migrations NAME | cli sqlite|postgresql ARGS...",
      );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
