// Run by backend-webgpu.test.ts in a child process whose Vulkan loader finds no driver.
import { initBackend } from "../../core/tf/backend.ts";

const auto = await initBackend({ preference: "auto" });
const explicit = await initBackend({ preference: "webgpu" }).then(
  () => "started",
  (e: Error) => e.message,
);
console.log(JSON.stringify({ auto, explicit }));
process.exit(0);
