import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { positiveInt } from "../options.ts";
import { UserError } from "../../core/errors.ts";
import { escapeControlCharacters } from "../../config/text/escape.ts";
import {
  listModelVersions,
  listPromotions,
  type ModelVersionSummary,
  type PromotionRecord,
} from "../../core/db/model-versions.ts";
import { brokenLimitCount, qualityRows, type VersionEvaluation } from "../../core/eval/index.ts";

/** The listing fits a terminal of this width; the full record is `oracle models VERSION`. */
const TABLE_WIDTH = 100;

const num = (x: unknown, digits = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "-");
const minute = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");
/** Versions stored before the test split and quality figures lack them: every field may be missing. */
const evaluationOf = (v: ModelVersionSummary) => v.evaluation as Partial<VersionEvaluation> | null;
/** One line cut to the table's width. */
const fit = (line: string) => (line.length > TABLE_WIDTH ? `${line.slice(0, TABLE_WIDTH - 1)}…` : line);

/** In words: current, accepted, rejected, or rejected by the gate and made current by hand. */
function statusOf(v: ModelVersionSummary): string {
  if (v.forced) return v.isCurrent ? "current, forced" : "forced once";
  if (v.isCurrent) return "current";
  return v.status === "rejected" ? "rejected" : "accepted";
}

interface Column {
  header: string;
  width: number;
  align?: "right";
  value: (v: ModelVersionSummary) => string;
}

/**
 * How many quality limits the stored figures break ("kept": none), "—" for a version evaluated
 * before the loop figures existed (or without samples).
 */
function limitsCell(v: ModelVersionSummary): string {
  const broken = brokenLimitCount(evaluationOf(v)?.quality, evaluationOf(v)?.corpusQuality);
  return broken === null ? "—" : broken ? `${broken} off` : "kept";
}

/** The listing: one line per version under headers, 99 columns wide. */
const COLUMNS: Column[] = [
  { header: "", width: 1, value: (v) => (v.isCurrent ? "*" : "") },
  { header: "version", width: 7, value: (v) => `v${v.version}` },
  { header: "status", width: 15, value: statusOf },
  { header: "trained (UTC)", width: 16, value: (v) => minute(v.trainingFinishedAt) },
  { header: "epochs", width: 6, align: "right", value: (v) => String(v.epochs.length) },
  { header: "val loss", width: 8, align: "right", value: (v) => num(v.valLoss) },
  { header: "test ppl", width: 8, align: "right", value: (v) => num(evaluationOf(v)?.testPerplexity, 1) },
  { header: "trigram", width: 7, align: "right", value: (v) => num(evaluationOf(v)?.testKneserNeyPerplexity, 1) },
  { header: "copied", width: 6, align: "right", value: (v) => String(evaluationOf(v)?.copy?.maxLongestCopied ?? "-") },
  { header: "limits", width: 6, align: "right", value: limitsCell },
];

function tableLine(cells: string[]): string {
  return COLUMNS.map((c, i) => {
    const cell = (cells[i] ?? "").slice(0, c.width);
    return c.align === "right" ? cell.padStart(c.width) : cell.padEnd(c.width);
  })
    .join("  ")
    .trimEnd();
}

function modelsTable(versions: ModelVersionSummary[]): string[] {
  const lines = [
    tableLine(COLUMNS.map((c) => c.header)),
    ...versions.map((v) => tableLine(COLUMNS.map((c) => c.value(v)))),
  ];
  // What a row cannot hold: why a version was rejected, and weights retention dropped.
  for (const v of versions) {
    if (v.rejectReason) lines.push(fit(`v${v.version} rejected: ${escapeControlCharacters(v.rejectReason)}`));
    if (!v.hasWeights) lines.push(`v${v.version}: weights dropped by retention (TRAINER_KEEP_VERSIONS)`);
  }
  lines.push(
    "* current · test ppl: perplexity on held-out quatrains (lower is better), trigram: the baseline's",
    "copied: longest run of corpus words in sampled quatrains · limits: quality limits they break",
    "all about one version, its quality figures beside the corpus': oracle models VERSION",
  );
  return lines;
}

/** One part of a version's full record: a title and labelled values. Add a part by adding a function to DETAIL. */
interface DetailSection {
  title: string;
  rows: [label: string, value: string][];
  /** "stacked": each label on a line of its own, its value below (labels too long for a column). */
  layout?: "stacked";
}

const training = (v: ModelVersionSummary): DetailSection => {
  const seconds = (v.trainingFinishedAt.getTime() - v.trainingStartedAt.getTime()) / 1000;
  const ev = evaluationOf(v);
  return {
    title: "training",
    rows: [
      ["started", `${minute(v.trainingStartedAt)} UTC`],
      ["finished", `${minute(v.trainingFinishedAt)} UTC (${(seconds / 60).toFixed(1)} min)`],
      ["backend", v.backend],
      ["epochs", `${v.epochs.length}${ev?.keptEpoch ? `, weights of epoch ${ev.keptEpoch} kept` : ""}`],
      ["loss", `${num(v.loss, 4)} (validation ${num(v.valLoss, 4)}, accuracy ${num(v.valAcc)})`],
      ["job", v.jobId === null ? "- (oracle train)" : `#${v.jobId}`],
      ["weights", v.hasWeights ? "kept" : "dropped by retention"],
    ],
  };
};

const status = (v: ModelVersionSummary): DetailSection => ({
  title: "status",
  rows: [
    ["status", statusOf(v)],
    ...(v.rejectReason ? [["rejected because", escapeControlCharacters(v.rejectReason)] as [string, string]] : []),
  ],
});

const evaluation = (v: ModelVersionSummary): DetailSection => {
  const ev = evaluationOf(v);
  return {
    title: "evaluation (perplexity: lower is better)",
    rows: [
      ["validation", `${num(ev?.perplexity, 1)} (trigram baseline ${num(ev?.kneserNeyPerplexity, 1)})`],
      [
        "held-out test",
        `${num(ev?.testPerplexity, 1)} (trigram baseline ${num(ev?.testKneserNeyPerplexity, 1)}; ${ev?.testUnknownTokens ?? "-"} of ${ev?.testTokens ?? "-"} words unknown)`,
      ],
      [
        "copied from corpus",
        `longest run ${ev?.copy?.maxLongestCopied ?? "-"} words, mean ${num(ev?.copy?.meanLongestCopied, 1)} (${ev?.copy?.samples ?? 0} quatrains)`,
      ],
      ["length", `${num(ev?.meanTokens, 1)} words per quatrain (corpus ${num(ev?.corpusMeanTokens, 1)})`],
    ],
  };
};

/** The quality figures per temperature, each beside the corpus' own value and the limit ("—": not measured then). */
const quality = (v: ModelVersionSummary): DetailSection => {
  const ev = evaluationOf(v);
  const figures = ev?.quality ?? [];
  if (figures.length === 0) return { title: "", rows: [] };
  const temperatures = figures.map((q) => `T=${q.temperature ?? "?"}`);
  const values = (cells: string[]) => cells.map((c, i) => `${temperatures[i]} ${c}`).join(" · ");
  return {
    title: "sampled quatrains (the sampler's rules, no redraws), beside the corpus' own",
    layout: "stacked",
    rows: [
      ["quatrains", values(figures.map((q) => String(q.quatrains ?? "—")))],
      ...qualityRows(figures, ev?.corpusQuality).map((row): [string, string] => [
        `${row.figure}${row.limit ? ` (limit ${row.limit})` : ""}`,
        `corpus ${row.corpus} · ${values(row.values)}`,
      ]),
    ],
  };
};

const settings = (v: ModelVersionSummary): DetailSection => {
  const h = (v.hyperParams ?? {}) as Record<string, unknown>;
  const show = (x: unknown) => (typeof x === "number" || typeof x === "string" ? String(x) : "-");
  return {
    title: "network and settings",
    rows: [
      [
        "embedding",
        `${show(h.embeddingDim)} dimensions (GloVe ${v.gloveSource}, ${(v.gloveCoverage * 100).toFixed(1)}% of the vocabulary)`,
      ],
      [
        "GRU",
        h.architecture === "sequence"
          ? `${show(h.units)} units × ${show(h.layers)} layer(s) over the whole quatrain, ${h.tiedOutput ? "tied" : "untied"} output`
          : `${show(h.units)} units, ${show(h.phraseLength)} words of context`,
      ],
      ["optimiser", `learning rate ${show(h.learningRate)}, batch ${show(h.batchSize)}`],
      ["corpus", `${v.corpusDocuments} quatrains, sha256 ${v.corpusSha256}`],
    ],
  };
};

/** The full record's parts, in order. */
const DETAIL: ((v: ModelVersionSummary) => DetailSection)[] = [status, training, evaluation, quality, settings];

/** Words of `text` in lines of at most TABLE_WIDTH, the first after `first`, the others after `indent` spaces. */
function wrap(text: string, first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && line.length + 1 + word.length > TABLE_WIDTH) {
      lines.push(line);
      line = " ".repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** A section as text: labels in one column, long values wrapped under their own start (or stacked: value under label). */
function renderSection(section: DetailSection): string[] {
  if (section.rows.length === 0) return [];
  const lines = [section.title];
  if (section.layout === "stacked") {
    for (const [label, value] of section.rows) lines.push(...wrap(label, "  ", 4), ...wrap(value, "      ", 6));
    return lines;
  }
  const labelWidth = Math.max(...section.rows.map(([label]) => label.length));
  for (const [label, value] of section.rows)
    lines.push(...wrap(value, `  ${label.padEnd(labelWidth)}  `, 2 + labelWidth + 2));
  return lines;
}

function modelDetail(v: ModelVersionSummary, promotions: PromotionRecord[]): string[] {
  const lines = [`model version ${v.version}${v.isCurrent ? " (current)" : ""}`];
  for (const make of DETAIL) {
    const section = renderSection(make(v));
    if (section.length) lines.push("", ...section);
  }
  const own = promotions.filter((p) => p.version === v.version);
  if (own.length) lines.push("", "promotions", ...own.map(promotionLine));
  return lines;
}

/** How many promotions the listing shows (--json has them all). */
const RECENT_PROMOTIONS = 10;

const promotionLine = (p: PromotionRecord) =>
  fit(
    `  v${p.version}  ${minute(p.promotedAt)}  by ${escapeControlCharacters(p.promotedBy)}: ${escapeControlCharacters(p.reason)}` +
      (p.forced ? "  (FORCED past the gate)" : "") +
      (p.rolledBackAt ? `  (rolled back by ${escapeControlCharacters(p.rolledBackBy ?? "?")})` : ""),
  );

/** `oracle models [VERSION]`: every version in a table (* = current), or one version's full record. */
export const modelsCommand = (ctx: CliContext) =>
  new Command("models")
    .description("list the model versions in a table (* = current), or everything about one: oracle models VERSION")
    .argument(
      "[version]",
      "one version's full record: metrics, evaluation, settings, corpus, promotions",
      positiveInt("VERSION"),
    )
    .option("--json", "print JSON (every field)")
    .action(async (version: number | undefined, flags: { json?: boolean }) => {
      const db = await ctx.db();
      const [versions, promotions] = await Promise.all([listModelVersions(db), listPromotions(db)]);
      const current = versions.find((v) => v.isCurrent)?.version ?? null;
      if (version !== undefined) {
        const one = versions.find((v) => v.version === version);
        if (!one) throw new UserError(`There is no model version ${version}.`, "oracle models lists them.");
        const own = promotions.filter((p) => p.version === version);
        ctx.stdout.write(
          flags.json
            ? `${JSON.stringify({ current, version: one, promotions: own })}\n`
            : `${modelDetail(one, promotions).join("\n")}\n`,
        );
        return;
      }
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify({ current, versions, promotions })}\n`);
        return;
      }
      if (versions.length === 0) {
        ctx.stdout.write("no model versions yet: run oracle train\n");
        return;
      }
      ctx.stdout.write(`${modelsTable(versions).join("\n")}\n`);
      if (versions.some((v) => v.status === "rejected")) {
        ctx.stdout.write(
          "rejected = stopped by the promotion gate (oracle promote VERSION --force makes it current)\n",
        );
      }
      if (promotions.length) {
        ctx.stdout.write(
          `\npromotions, newest first:\n${promotions.slice(0, RECENT_PROMOTIONS).map(promotionLine).join("\n")}\n`,
        );
      }
    });
