import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { providers, renderSchema } from "../../../scripts/prisma.mjs";
import { projectRoot } from "../../helpers/paths.ts";

const read = (...parts: string[]) => readFileSync(path.join(projectRoot, "prisma", ...parts), "utf8");

describe("per-provider Prisma schemas", () => {
  const models = read("models.prisma");

  it.each(providers)(
    "prisma/%s/schema.prisma is models.prisma with its datasource (regenerate with npm run db:generate)",
    (provider) => {
      const committed = read(provider, "schema.prisma");
      expect(committed).toBe(renderSchema(provider, models));
      expect(committed).toContain(`provider = "${provider}"`);
    },
  );

  it("the committed migrations cover the current models (run npm run db:migrations -- NAME after changing them)", () => {
    expect(read("migrated-models.prisma")).toBe(models);
  });

  it.each(providers)("prisma/%s/migrations/migration_lock.toml names its provider", (provider) => {
    expect(read(provider, "migrations", "migration_lock.toml")).toContain(`provider = "${provider}"`);
  });
});
