// Dawn (npm `webgpu`) drives the GPU through the Vulkan loader, libvulkan.so.1. Where the loader is
// missing, loading Dawn prints its own native warning (a C++ frame and all) before the project can
// say anything; looking for the loader first lets the backend choice say why in one clear line.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import path from "node:path";

const LOADER = "libvulkan.so.1";
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Folders the dynamic loader searches: LD_LIBRARY_PATH, /etc/ld.so.conf(.d), the standard ones. */
function searchPath(): string[] {
  // The dynamic loader's own setting, not one of the oracle's: read as the loader reads it.
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
  const fromConf: string[] = [];
  const read = (file: string, depth = 0) => {
    if (depth > 3 || !existsSync(file)) return;
    for (const raw of readFileSync(file, "utf8").split("\n")) {
      const line = raw.replace(/#.*/, "").trim();
      if (!line) continue;
      const include = /^include\s+(.+)$/.exec(line);
      if (!include) fromConf.push(line);
      else {
        const dir = path.dirname(include[1]);
        const pattern = new RegExp(`^${path.basename(include[1]).replace(/\./g, "\\.").replace(/\*/g, ".*")}$`);
        if (existsSync(dir))
          for (const f of readdirSync(dir).sort()) if (pattern.test(f)) read(path.join(dir, f), depth + 1);
      }
    }
  };
  read("/etc/ld.so.conf");
  const multiarch = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`;
  return [
    ...fromEnv,
    ...fromConf,
    `/lib/${multiarch}`,
    `/usr/lib/${multiarch}`,
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
  ];
}

/** A real shared object, not an empty or stray file. */
function isElf(file: string): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const head = Buffer.alloc(4);
      return readSync(fd, head, 0, 4, 0) === 4 && head.equals(ELF);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Where libvulkan.so.1 is, or null when this Linux host has none (other platforms: not looked for). */
export function vulkanLoader(): string | null {
  // Other platforms' WebGPU is not Vulkan's (Metal, D3D12): nothing to look for.
  if (process.platform !== "linux") return "not looked for";
  for (const dir of searchPath()) {
    const file = path.join(dir, LOADER);
    if (isElf(file)) return file;
  }
  return null;
}
