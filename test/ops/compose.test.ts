// docker-compose.yml and the Dockerfile, validated by Debian's docker-compose (v1) without an engine:
// the services and their order, the trainer's GPU reservation, non-root images, no secrets committed.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/paths.ts";
import { hasProgram, skipWithout } from "../helpers/system-tools.ts";

const COMPOSE = "docker-compose";

/** `docker-compose config` of the committed file, as JSON (its own PyYAML turns the YAML into JSON). */
function composeConfig(env: Record<string, string> = {}, envFile = ".env.example") {
  const run = spawnSync(COMPOSE, ["--env-file", envFile, "config"], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  if (run.error) throw new Error(`${COMPOSE} not found: install it (apt-get install -y docker-compose; .ci/run does)`);
  if (run.status !== 0) return { ok: false as const, stderr: run.stderr };
  const json = execFileSync("python3", ["-c", "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))"], {
    input: run.stdout,
    encoding: "utf8",
  });
  return { ok: true as const, config: JSON.parse(json) as ComposeFile };
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
      const base = stages.get(from[1]!);
      current = { from: from[1]!, user: base?.user ?? null };
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

    it("validates with docker-compose config", () => {
      expect(result.ok, result.ok ? "" : result.stderr).toBe(true);
    });

    it("has db (volume, health check), migrate once before trainer and bot, a bot publishing its port with a /readyz health check", () => {
      if (!result.ok) throw new Error(result.stderr);
      const s = result.config.services;
      expect(Object.keys(s).sort()).toEqual(["bot", "db", "migrate", "trainer", "trainer-cpu", "trainer-webgpu"]);
      expect(s.db!.image).toMatch(/^postgres:/);
      expect(s.db!.volumes).toContain("pgdata:/var/lib/postgresql/data:rw");
      expect(s.db!.healthcheck?.test.join(" ")).toMatch(/pg_isready/);
      expect(s.migrate!.depends_on).toEqual({ db: { condition: "service_healthy" } });
      expect(s.migrate!.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.*@db:5432\//);
      for (const name of ["trainer", "trainer-cpu", "trainer-webgpu", "bot"]) {
        expect(s[name]!.depends_on?.migrate, name).toEqual({ condition: "service_completed_successfully" });
      }
      expect(s.bot!.ports).toEqual([expect.objectContaining({ target: 3000 })]);
      expect(s.bot!.healthcheck?.test.join(" ")).toMatch(/\/readyz/);
      expect(Object.keys(result.config.volumes).sort()).toEqual(["oracle-data", "pgdata"]);
    });

    it("the trainer reserves an NVIDIA GPU on its CUDA image (profile gpu); the cpu profile runs the same stack without one", () => {
      if (!result.ok) throw new Error(result.stderr);
      const { trainer, "trainer-cpu": cpu } = result.config.services;
      expect(trainer!.profiles).toEqual(["gpu"]);
      expect(trainer!.build?.target).toBe("trainer-gpu");
      expect(trainer!.environment?.TRAINER_BACKEND).toBe("tensorflow-gpu");
      expect(trainer!.deploy?.resources?.reservations?.devices).toEqual([
        expect.objectContaining({ driver: "nvidia", capabilities: ["gpu"] }),
      ]);
      expect(cpu!.profiles).toEqual(["cpu"]);
      expect(cpu!.deploy).toBeUndefined();
      expect(cpu!.build?.target).toBe("runtime");
      expect(cpu!.environment?.TRAINER_BACKEND).toBe("wasm");
    });

    it("takes its secrets from the env file only: none written in the compose file, and none means no stack", () => {
      const raw = readFileSync(path.join(projectRoot, "docker-compose.yml"), "utf8");
      // Every password/token/secret value is a ${VAR} from .env, never a literal.
      for (const m of raw.matchAll(/^\s*([A-Z_]*(?:PASSWORD|TOKEN|SECRET|PUBLIC_KEY)[A-Z_]*):\s*(.*)$/gm)) {
        expect(m[2], m[1]).toMatch(/^\$\{[A-Z_]+(:[-?][^}]*)?\}$/);
      }
      expect(raw).not.toMatch(/postgresql:\/\/oracle:(?!\$\{)/);
      const empty = path.join(mkdtempSync(path.join(tmpdir(), "compose-")), "empty.env");
      writeFileSync(empty, "");
      const missing = composeConfig({}, empty);
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
