// The house rules, checked by `npm run lint:deps` (docs/architecture.md, "Layers").
// Layers, bottom up: config → core → surfaces (bot/*) → services (bot/main.ts, trainer/) → app/ (the
// one-process composition) → CLI (cli/, bin/). A layer imports only the layers below it.
// bench/ and scripts/ are tools on top (they may use anything but the CLI); test/ is never imported,
// except the protocol fakes under test/bot/ that the load benches drive.

/** Every folder of ours: an import into one of these is an import of our own code. */
const OURS = "^(app|bench|bin|bot|cli|config|core|scripts|test|trainer)/";

/** Serving: the oracle core, the prophecy path and every bot file. */
const SERVING = "^(core/oracle|core/prophecy|bot)/";
/**
 * Training code serving must never load. core/model's training half is named file by file: when the
 * model is split into a sampling side and a training side, list the training side's files here.
 */
const TRAINING =
  "^core/training/|^core/model/(train|gradients|examples|best-weights|evaluate|sequence-training|index)\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      comment: "Files that import each other in a loop: one of them belongs elsewhere.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "config-imports-nothing-of-ours",
      comment: "config/ is the ground floor: the settings schema and its machinery, nothing else of ours.",
      severity: "error",
      from: { path: "^config/" },
      to: { path: OURS, pathNot: "^config/" },
    },
    {
      name: "core-imports-config-only",
      comment: "core/ (the domain) knows config/ and itself, no surface, service or tool.",
      severity: "error",
      from: { path: "^core/" },
      to: { path: OURS, pathNot: "^(config|core)/" },
    },
    {
      name: "surfaces-import-core-and-config",
      comment: "A surface (bot/ but bot/main.ts) translates to core; it knows no service, composition or CLI.",
      severity: "error",
      from: { path: "^bot/", pathNot: "^bot/main\\.ts$" },
      to: { path: OURS, pathNot: "^(config|core|bot)/|^bot/main\\.ts$" },
    },
    {
      name: "surfaces-not-the-bot-service",
      comment: "bot/main.ts wires the surfaces; a surface never imports it back.",
      severity: "error",
      from: { path: "^bot/", pathNot: "^bot/main\\.ts$" },
      to: { path: "^bot/main\\.ts$" },
    },
    {
      name: "services-import-core-and-surfaces",
      comment: "The bot service (bot/main.ts) and the trainer (trainer/) stand on core, config and the surfaces.",
      severity: "error",
      from: { path: "^(bot/main\\.ts$|trainer/)" },
      to: { path: OURS, pathNot: "^(config|core|bot|trainer)/" },
    },
    {
      name: "services-apart",
      comment: "The trainer and the bot meet only in the database and in the composition (app/), never by import.",
      severity: "error",
      from: { path: "^trainer/" },
      to: { path: "^bot/" },
    },
    {
      name: "bot-not-trainer",
      comment: "The trainer and the bot meet only in the database and in the composition (app/), never by import.",
      severity: "error",
      from: { path: "^bot/" },
      to: { path: "^trainer/" },
    },
    {
      name: "composition-below-the-cli",
      comment: "app/ composes the services; only the CLI (and tools) stand above it.",
      severity: "error",
      from: { path: "^app/" },
      to: { path: OURS, pathNot: "^(app|config|core|bot|trainer)/" },
    },
    {
      name: "nothing-imports-tools",
      comment: "bench/ and scripts/ are run by hand; the product never imports them.",
      severity: "error",
      from: { path: "^(app|bin|bot|cli|config|core|trainer)/" },
      to: { path: "^(bench|scripts)/" },
    },
    {
      name: "tools-not-the-cli",
      comment: "Benches and scripts call the layers below the CLI (or run bin/oracle.js as a process).",
      severity: "error",
      from: { path: "^(bench|scripts)/" },
      to: { path: "^cli/" },
    },
    {
      name: "nothing-imports-test",
      comment: "Test code is no part of the product; only the load benches drive the protocol fakes in test/bot/.",
      severity: "error",
      from: { path: OURS, pathNot: "^test/" },
      to: {
        path: "^test/",
        pathNot: "^test/bot/(discord/fake-discord|discord/signing|slack/fake-slack|slack/signing)\\.ts$",
      },
    },
    {
      name: "fakes-only-in-bench",
      comment: "The protocol fakes under test/bot/ are for tests and the load benches, never for the product.",
      severity: "error",
      from: { path: OURS, pathNot: "^(test|bench)/" },
      to: { path: "^test/" },
    },
    {
      name: "no-test-file-imports",
      comment: "A *.test.ts file is run by vitest, never imported.",
      severity: "error",
      from: {},
      to: { path: "\\.test\\.ts$" },
    },
    {
      name: "serving-never-reaches-training",
      comment:
        "core/oracle, core/prophecy and bot/ load the sampling side only: nothing they import, however indirectly, is training code (core/training, core/model's training half).",
      severity: "error",
      from: { path: SERVING },
      to: { path: TRAINING, reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^prisma/generated/" },
    // Type-only imports count: a layer that names a type from above still depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
