import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { escapeControlCharacters } from "../../config/text/escape.ts";
import {
  listModelVersions,
  listPromotions,
  type ModelVersionSummary,
  type PromotionRecord,
} from "../../core/db/model-versions.ts";
import type { VersionEvaluation } from "../../core/eval/index.ts";

const num = (x: unknown, digits = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "-");

/** The network's shape and training settings, compactly: E100 H128 L4 lr0.003 b512. */
function hyperParams(raw: unknown): string {
  const h = (raw ?? {}) as Record<string, unknown>;
  return `E${h.embeddingDim ?? "?"} H${h.units ?? "?"} L${h.phraseLength ?? "?"} lr${h.learningRate ?? "?"} b${h.batchSize ?? "?"}`;
}

function row(v: ModelVersionSummary): string {
  // Versions stored before the test split and quality figures lack them: every field may be missing.
  const evaluation = v.evaluation as Partial<VersionEvaluation> | null;
  const pct = (x: number | null | undefined) =>
    typeof x === "number" && Number.isFinite(x) ? `${Math.round(x * 100)}%` : "-";
  // Per temperature: word repeated at once / quatrains ending a sentence / copied run within the limit.
  const quality = (evaluation?.quality ?? [])
    .map(
      (q) =>
        `T${q.temperature} rep ${pct(q.immediateRepeat)} end ${pct(1 - q.noTerminalEnd)} copy≤ ${pct(q.copiedWithinLimit)}`,
    )
    .join(", ");
  // A rejected version stands out; one made current past the gate says so in capitals.
  const status = v.forced ? "REJECTED, FORCED CURRENT" : v.status === "rejected" ? "REJECTED" : v.status;
  return [
    `${v.isCurrent ? "*" : " "} v${v.version}`.padEnd(7),
    status.padEnd(9),
    v.trainingFinishedAt.toISOString().slice(0, 16).replace("T", " "),
    `epochs ${v.epochs.length}`.padEnd(10),
    `val_loss ${num(v.valLoss)}`,
    `val_acc ${num(v.valAcc)}`,
    `ppl ${num(evaluation?.perplexity, 1)} (KN-3 ${num(evaluation?.kneserNeyPerplexity, 1)})`,
    `test ppl ${num(evaluation?.testPerplexity, 1)} (KN-3 ${num(evaluation?.testKneserNeyPerplexity, 1)}, ${evaluation?.testUnknownTokens ?? "-"}/${evaluation?.testTokens ?? "-"} unknown)`,
    `copied ${num(evaluation?.copy?.meanLongestCopied, 1)}/${evaluation?.copy?.maxLongestCopied ?? "-"}`,
    `length ${num(evaluation?.meanTokens, 0)}`,
    quality ? `[${quality}]` : "",
    hyperParams(v.hyperParams),
    `corpus ${v.corpusSha256.slice(0, 12)}`,
    v.hasWeights ? "" : "(weights dropped)",
    v.rejectReason ? `— rejected: ${v.rejectReason}` : "",
  ]
    .join("  ")
    .trimEnd();
}

/** How many promotions the text listing shows (--json has them all). */
const RECENT_PROMOTIONS = 10;

const promotionLine = (p: PromotionRecord) =>
  `  v${p.version}  ${p.promotedAt.toISOString().slice(0, 16).replace("T", " ")}  by ${escapeControlCharacters(p.promotedBy)}: ${escapeControlCharacters(p.reason)}` +
  (p.forced ? "  (FORCED past the gate)" : "") +
  (p.rolledBackAt ? `  (rolled back by ${escapeControlCharacters(p.rolledBackBy ?? "?")})` : "");

/** `oracle models`: every version with its metrics; * marks the current one. */
export const modelsCommand = (ctx: CliContext) =>
  new Command("models")
    .description("list every model version with its metrics, hyper-parameters and corpus hash (* = current)")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => {
      const db = await ctx.db();
      const [versions, promotions] = await Promise.all([listModelVersions(db), listPromotions(db)]);
      if (flags.json) {
        const current = versions.find((v) => v.isCurrent)?.version ?? null;
        ctx.stdout.write(`${JSON.stringify({ current, versions, promotions })}\n`);
        return;
      }
      if (versions.length === 0) {
        ctx.stdout.write("no model versions yet: run oracle train\n");
        return;
      }
      ctx.stdout.write(`${versions.map(row).join("\n")}\n`);
      if (versions.some((v) => v.status === "rejected")) {
        ctx.stdout.write(
          "* = current; REJECTED = stopped by the promotion gate (oracle promote VERSION --force makes it current anyway)\n",
        );
      }
      if (promotions.length) {
        ctx.stdout.write(
          `\npromotions, newest first:\n${promotions.slice(0, RECENT_PROMOTIONS).map(promotionLine).join("\n")}\n`,
        );
      }
    });
