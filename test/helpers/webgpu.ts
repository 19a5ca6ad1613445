import { webgpuAdapter } from "../../core/tf/webgpu-adapter.ts";

/**
 * Why the webgpu tests cannot run here (no Dawn adapter at all: no Vulkan loader or driver; CI
 * installs Mesa's lavapipe), or undefined when they can.
 */
export async function webgpuUnavailable(): Promise<string | undefined> {
  const found = await webgpuAdapter();
  return "reason" in found
    ? `webgpu tests skipped: ${found.reason} (CI installs Mesa 25's lavapipe from bookworm-backports)`
    : undefined;
}
