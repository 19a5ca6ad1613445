// Loaded with `node --import` by tests that check a command failed before TensorFlow.js loaded:
// at exit it says on stderr whether any @tensorflow package is in the module cache.
import { createRequire } from "node:module";

process.on("exit", () => {
  const loaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(`${"@tensorflow"}`));
  process.stderr.write(loaded ? "[test] tfjs loaded\n" : "[test] tfjs not loaded\n");
});
