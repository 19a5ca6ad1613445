// docker-compose.yml (and its GPU override files) and the Dockerfile, validated by Debian's
// docker-compose (v1) without an engine, with .env.example copied to .env as the README says: the
// services and their order, a CPU trainer by default and the GPU by a switch, every .env setting in
// the containers, a liveness health check, non-root images, no secrets committed.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildServer } from "../../bot/server.ts";
import { createTracker } from "../../bot/tracker.ts";
import type { Spec } from "../../config/define.ts";
import { spec } from "../../config/schema.ts";
import { silentLogger } from "../../core/logger.ts";
import { projectRoot } from "../helpers/paths.ts";
import { hasProgram, skipWithout } from "../helpers/system-tools.ts";

const COMPOSE = "docker-compose";
const COMPOSE_FILES = ["docker-compose.yml", "docker-compose.gpu.yml", "docker-compose.webgpu.yml"];
const envExample = readFileSync(path.join(projectRoot, ".env.example"), "utf8");

/**
 * `docker-compose config` as a user runs it: the committed compose files in a folder with `.env`
 * holding `envText` (by default .env.example, copied as the README says), as JSON.
 */
function composeConfig(envText: string = envExample) {
  const dir = mkdtempSync(path.join(tmpdir(), "compose-"));
  for (const file of COMPOSE_FILES) copyFileSync(path.join(projectRoot, file), path.join(dir, file));
  writeFileSync(path.join(dir, ".env"), envText);
  const run = spawnSync(COMPOSE, ["config"], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
  rmSync(dir, { recursive: true, force: true });
  if (run.error) throw new Error(`${COMPOSE} not found: install it (apt-get install -y docker-compose; .ci/run does)`);
  if (run.status !== 0) return { ok: false as const, stderr: run.stderr };
  const json = execFileSync("python3", ["-c", "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))"], {
    input: run.stdout,
    encoding: "utf8",
  });
  return { ok: true as const, config: JSON.parse(json) as ComposeFile };
}

/** .env.example with `settings` set (a line already there replaced, commented or not). */
function envWith(settings: Record<string, string>): string {
  let text = envExample;
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^#? ?${name}=.*$`, "m");
    text = line.test(text) ? text.replace(line, `${name}=${value}`) : `${text}\n${name}=${value}\n`;
  }
  return text;
}

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: { target: number; published: number }[];
  /** "source:target" (v1 prints the short form). */
  volumes?: string[];
  deploy?: {
    resources?: { reservations?: { devices?: { driver: string; capabilities: string[]; count?: number }[] } };
  };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** Dockerfile stages: name → the USER in effect at the end of that stage (inherited from its base stage). */
function dockerStages(text: string): Map<string, { from: string; user: string | null }> {
  const stages = new Map<string, { from: string; user: string | null }>();
  let current: { from: string; user: string | null } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const base = stages.get(from[1]);
      current = { from: from[1], user: base?.user ?? null };
      stages.set(from[2] ?? `#${stages.size}`, current);
    }
    const user = /^USER\s+(\S+)/i.exec(line);
    if (user && current) current.user = user[1]!;
  }
  return stages;
}

describe.skipIf(skipWithout(COMPOSE, hasProgram(COMPOSE), "apt-get install docker-compose"))(
  "docker-compose.yml",
  () => {
    const result = composeConfig();
    const services = () => {
      if (!result.ok) throw new Error(result.stderr);
      return result.config.services;
    };

    it("validates with docker-compose config, .env.example copied to .env", () => {
      expect(result.ok, result.ok ? "" : result.stderr).toBe(true);
    });

    it("has db (volume, health check), migrate once before trainer and bot, a bot publishing its port", () => {
      const s = services();
      expect(Object.keys(s).sort()).toEqual(["bot", "db", "migrate", "trainer"]);
      expect(s.db.image).toMatch(/^postgres:/);
      expect(s.db.volumes).toContain("pgdata:/var/lib/postgresql/data:rw");
      expect(s.db.healthcheck?.test.join(" ")).toMatch(/pg_isready/);
      expect(s.migrate.depends_on).toEqual({ db: { condition: "service_healthy" } });
      expect(s.migrate.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.*@db:5432\//);
      for (const name of ["trainer", "bot"]) {
        expect(s[name].depends_on?.migrate, name).toEqual({ condition: "service_completed_successfully" });
      }
      expect(s.bot.ports).toEqual([expect.objectContaining({ target: 3000 })]);
      expect(Object.keys(result.ok ? result.config.volumes : {}).sort()).toEqual(["oracle-data", "pgdata"]);
    });

    it("runs the trainer on the CPU by default: the runtime image, wasm, no GPU reserved, no profile to pick", () => {
      const { trainer } = services();
      expect(trainer.profiles).toBeUndefined();
      expect(trainer.build?.target).toBe("runtime");
      expect(trainer.environment?.TRAINER_BACKEND).toBe("wasm");
      expect(trainer.deploy).toBeUndefined();
    });

    it("switches the trainer to the GPU by the COMPOSE_FILE line .env.example documents", () => {
      const documented = [...envExample.matchAll(/^# ?(COMPOSE_FILE=\S+)/gm)].map((m) => m[1]);
      expect(documented).toEqual([
        "COMPOSE_FILE=docker-compose.yml:docker-compose.gpu.yml",
        "COMPOSE_FILE=docker-compose.yml:docker-compose.webgpu.yml",
      ]);
      const gpu = composeConfig(envWith({ COMPOSE_FILE: "docker-compose.yml:docker-compose.gpu.yml" }));
      if (!gpu.ok) throw new Error(gpu.stderr);
      const trainer = gpu.config.services.trainer;
      expect(trainer.build?.target).toBe("trainer-gpu");
      expect(trainer.environment?.TRAINER_BACKEND).toBe("tensorflow-gpu");
      expect(trainer.deploy?.resources?.reservations?.devices).toEqual([
        expect.objectContaining({ driver: "nvidia", capabilities: ["gpu"] }),
      ]);
      expect(gpu.config.services.bot.deploy).toBeUndefined();
      const webgpu = composeConfig(envWith({ COMPOSE_FILE: "docker-compose.yml:docker-compose.webgpu.yml" }));
      if (!webgpu.ok) throw new Error(webgpu.stderr);
      expect(webgpu.config.services.trainer.environment).toMatchObject({
        TRAINER_BACKEND: "webgpu",
        NVIDIA_DRIVER_CAPABILITIES: "compute,utility,graphics",
      });
    });

    it("passes every setting in .env to the oracle's containers; the stack's own addresses win", () => {
      const settings = {
        DISCORD_ADMIN_ROLE_IDS: "111111111111111111,222222222222222222",
        DISCORD_ADMIN_USER_IDS: "333333333333333333",
        SLACK_ADMIN_USER_IDS: "U0ADMIN,U0OTHER",
        WEB_READ_TOKEN: "reader-secret-123",
        TRAINER_SCHEDULE: "30 2 * * 1",
        SAMPLING_TOP_K: "20", // any setting of `oracle config --docs`, not only those .env.example lists
        DATABASE_URL: "file:./data/oracle.db", // for npm start on the host: the stack's own wins
      };
      const custom = composeConfig(envWith(settings));
      if (!custom.ok) throw new Error(custom.stderr);
      const { DATABASE_URL: _own, ...passed } = settings;
      for (const name of ["migrate", "trainer", "bot"]) {
        const environment = custom.config.services[name].environment!;
        expect(environment, name).toMatchObject(passed);
        expect(environment.DATABASE_URL, name).toMatch(/^postgresql:\/\/oracle:change-me@db:5432\/oracle$/);
        expect(environment.CORPUS_PATH, name).toBe("/data/corpus/quatrains.txt");
      }
      expect(custom.config.services.bot.environment?.PORT).toBe("3000");
      expect(custom.config.services.db.environment).not.toHaveProperty("WEB_READ_TOKEN");
    });

    it(".env.example names only real settings (and the stack's own variables)", () => {
      const names = [...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
      const specs: Spec = spec;
      const settings = new Set(Object.values(specs).flatMap((group) => Object.values(group).map((x) => x.env)));
      const stack = new Set(["POSTGRES_PASSWORD", "COMPOSE_FILE"]);
      expect(names.filter((n) => !settings.has(n) && !stack.has(n))).toEqual([]);
    });

    it("the bot's health check is liveness: healthy while no model exists yet, where /readyz is not ready", async () => {
      const test = services().bot.healthcheck!.test;
      expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
      expect(test[3]).toContain("http://127.0.0.1:3000/healthz");
      // The same probe against the real bot server with no model yet.
      const server = await buildServer({
        log: silentLogger,
        tracker: createTracker(),
        readiness: async () => ({ ready: false, reason: "no model has been trained yet" }),
      });
      await server.app.listen({ host: "127.0.0.1", port: 0 });
      try {
        const port = (server.app.server.address() as AddressInfo).port;
        const probe = (script: string) =>
          new Promise<number | null>((resolve) =>
            execFile(process.execPath, ["-e", script.replace(":3000/", `:${port}/`)], (error) =>
              resolve(error ? (typeof error.code === "number" ? error.code : 1) : 0),
            ),
          );
        expect(await probe(test[3])).toBe(0);
        expect(await probe(test[3].replace("/healthz", "/readyz"))).toBe(1);
      } finally {
        await server.app.close();
      }
    });

    it("takes its secrets from the env file only: none written in the compose files, and none means no stack", () => {
      for (const file of COMPOSE_FILES) {
        const raw = readFileSync(path.join(projectRoot, file), "utf8");
        // Every password/token/secret value is a ${VAR} from .env, never a literal.
        for (const m of raw.matchAll(/^\s*([A-Z_]*(?:PASSWORD|TOKEN|SECRET|PUBLIC_KEY)[A-Z_]*):\s*(.*)$/gm)) {
          expect(m[2], m[1]).toMatch(/^\$\{[A-Z_]+(:[-?][^}]*)?\}$/);
        }
        expect(raw).not.toMatch(/postgresql:\/\/oracle:(?!\$\{)/);
      }
      const missing = composeConfig("");
      expect(missing.ok).toBe(false);
      expect(missing.ok ? "" : missing.stderr).toMatch(/POSTGRES_PASSWORD/);
      // The real env file is ignored by git; the example is committed.
      expect(spawnSync("git", ["check-ignore", "-q", ".env"], { cwd: projectRoot }).status).toBe(0);
      expect(spawnSync("git", ["check-ignore", "-q", ".env.example"], { cwd: projectRoot }).status).toBe(1);
    });
  },
);

describe("Dockerfile", () => {
  const text = readFileSync(path.join(projectRoot, "Dockerfile"), "utf8");
  const stages = dockerStages(text);

  it("is multi-stage: the images that run are built from slim/runtime bases, with build tools only in build stages", () => {
    expect(stages.get("runtime")?.from).toMatch(/NODE_IMAGE|slim/);
    expect(stages.get("trainer-gpu")?.from).toBe("gpu-base");
    expect(text).toMatch(/ARG CUDA_IMAGE=nvidia\/cuda:11\.2\.\d+-cudnn8-runtime/);
    expect(text).toMatch(/@tensorflow\/tfjs-node-gpu@4\.22\.0/);
    // The CPU image installs no optional native tfjs package (their install scripts stay out of it).
    const deps = text.slice(text.indexOf("AS deps"), text.indexOf("AS runtime"));
    expect(deps).toMatch(/--omit=optional/);
    expect(deps).not.toMatch(/tfjs-node/);
    const runtime = text.slice(text.indexOf("AS runtime"), text.indexOf("AS node-bin"));
    expect(runtime).not.toMatch(/apt-get|g\+\+|python3/);
  });

  it("runs as a non-root user in every stage compose runs", () => {
    for (const target of ["runtime", "trainer-gpu"]) {
      const user = stages.get(target)?.user;
      expect(user, target).toBeTruthy();
      expect(user, target).not.toMatch(/^(root|0)(:|$)/);
    }
  });

  it("carries no secrets", () => {
    expect(text).not.toMatch(/^\s*(ENV|ARG)\s+[^\n]*(PASSWORD|TOKEN|SECRET)/im);
    const ignore = readFileSync(path.join(projectRoot, ".dockerignore"), "utf8").split("\n");
    expect(ignore).toContain(".env");
  });
});
