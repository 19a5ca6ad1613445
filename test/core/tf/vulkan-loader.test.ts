// Issue 18, item 12: TRAINER_BACKEND=webgpu on a host without the Vulkan loader gives the project's
// one clear error and never Dawn's native warning (`Couldn't load Vulkan … BackendVk.cpp`). The host
// without a loader is made for real: in a private mount namespace, libvulkan.so.1 is covered by an
// empty file (root only); on a host that has no loader at all, no namespace is needed.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../helpers/paths.ts";

function loaderPath(): string | null {
  try {
    const line = execFileSync("ldconfig", ["-p"], { encoding: "utf8" })
      .split("\n")
      .find((l) => /libvulkan\.so\.1\b.*x86-64|libvulkan\.so\.1 /.test(l));
    return line ? realpathSync(line.split("=>")[1].trim()) : null;
  } catch {
    return null;
  }
}

const loader = loaderPath();
const canHide = process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0;

describe.skipIf(loader !== null && !canHide)("webgpu without the Vulkan loader", () => {
  it("says so in one clear error, and Dawn never prints its native warning", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "oracle-novulkan-"));
    try {
      const empty = path.join(dir, "empty");
      writeFileSync(empty, "");
      const backend = pathToFileURL(path.join(projectRoot, "core/tf/backend.ts")).href;
      const script = `import { initBackend } from ${JSON.stringify(backend)};
        try { await initBackend({ preference: "webgpu" }); console.log("started"); }
        catch (e) { console.log("ERROR " + e.message); }`;
      const node = [process.execPath, "--import", "tsx", "--input-type=module", "-e", script];
      const child = loader
        ? spawnSync(
            "unshare",
            ["-m", "sh", "-c", `mount --bind "$0" "$1" && shift && exec "$@"`, empty, loader, ...node],
            {
              cwd: projectRoot,
              encoding: "utf8",
              timeout: 120_000,
            },
          )
        : spawnSync(node[0], node.slice(1), { cwd: projectRoot, encoding: "utf8", timeout: 120_000 });
      expect(child.stdout).toMatch(/^ERROR .*webgpu.*Vulkan loader \(libvulkan\.so\.1\)/m);
      expect(child.stdout + child.stderr).not.toMatch(/BackendVk|Couldn't load Vulkan|operator\(\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
