import type { ModelDetails, RunDetails } from "../../../core/oracle/operations.ts";
import { LIMITS } from "../../../core/limits.ts";
import { brokenLimitCount, qualityRows } from "../../../core/eval/index.ts";
import { html, type SafeHtml } from "../html.ts";
import { fixed, layout, when } from "./layout.ts";

const duration = (seconds: number): string =>
  seconds < 90
    ? `${seconds.toFixed(0)} s`
    : seconds < 5400
      ? `${(seconds / 60).toFixed(1)} min`
      : `${(seconds / 3600).toFixed(1)} h`;

function statusOf(m: ModelDetails): SafeHtml {
  // A version this server could not load is said first: it is why the oracle may be resting.
  if (m.loadError)
    return html`<span class="badge rejected">could not be loaded</span> <span class="reason">${m.loadError}</span>${m.current ? html` <span class="badge current">current</span>` : ""}`;
  if (m.current) return html`<span class="badge current">current</span>`;
  if (m.status === "rejected")
    return html`<span class="badge rejected">rejected</span> <span class="reason">${m.rejectReason ?? ""}</span>`;
  return html`<span class="badge accepted">accepted</span>`;
}

/** "all kept", "3 broken" or "—" (no figures, or stored before the loop figures existed). */
function limitsOf(m: ModelDetails): string {
  const broken = brokenLimitCount(m.quality, m.corpusQuality);
  return broken === null ? "—" : broken === 0 ? "all kept" : `${broken} broken`;
}

/** The quality figures per temperature beside the corpus' own and the limit; open on the current version. */
function qualityTable(m: ModelDetails): SafeHtml {
  if (m.quality.length === 0) return html``;
  const rows = qualityRows(m.quality, m.corpusQuality);
  return html`<details class="quality"${m.current ? " open" : ""}>
<summary>Sampled quatrains beside the corpus (${m.quality.map((q) => q.quatrains ?? "–").join(" / ")} per temperature)</summary>
<table class="quality"><thead><tr><th scope="col">figure</th><th scope="col">corpus</th>${m.quality.map((q) => html`<th scope="col">T=${q.temperature ?? "?"}</th>`)}<th scope="col">limit</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row">${r.figure}</th><td>${r.corpus}</td>${r.values.map((v) => html`<td>${v}</td>`)}<td>${r.limit}</td></tr>`)}</tbody></table>
</details>`;
}

function modelCard(m: ModelDetails, admin: boolean): SafeHtml {
  return html`<article class="model${m.current ? " is-current" : ""}" id="v${m.version}" data-version="${m.version}">
<h2>Version ${m.version} ${statusOf(m)}</h2>
<dl class="grid">
<dt>Trained</dt><dd>${when(m.trainingFinishedAt)}</dd>
<dt>Took</dt><dd>${duration(m.trainingSeconds)}</dd>
<dt>Backend</dt><dd>${m.backend}</dd>
<dt>Epochs</dt><dd>${m.epochs}</dd>
<dt>Loss</dt><dd>${fixed(m.loss)}</dd>
<dt>Validation loss</dt><dd>${fixed(m.valLoss)}</dd>
<dt>Perplexity</dt><dd>${fixed(m.perplexity, 1)} <span class="muted">(trigram ${fixed(m.kneserNeyPerplexity, 1)})</span></dd>
<dt>Longest copied run</dt><dd>${m.longestCopied ?? "–"}</dd>
<dt>Quality limits</dt><dd>${limitsOf(m)}</dd>
<dt>GloVe coverage</dt><dd>${(m.gloveCoverage * 100).toFixed(1)} %</dd>
${m.promotedBy ? html`<dt>Promoted</dt><dd>${m.promotedAt ? when(m.promotedAt) : ""} by ${m.promotedBy}</dd>` : ""}
</dl>
${qualityTable(m)}
<p class="actions">${m.jobId ? html`<a href="/runs/${m.jobId}">training curves</a>` : ""}
${admin && !m.current && m.hasWeights ? html`<button type="button" class="admin promote" data-version="${m.version}">Promote</button>` : ""}</p>
</article>`;
}

function runRow(r: Omit<RunDetails, "epochs">): SafeHtml {
  return html`<li><a href="/runs/${r.id}">run ${r.id}</a> <span class="badge ${r.state}">${r.state}</span>
<span class="muted">${when(r.queuedAt)} · ${r.epochsDone} epoch(s)${r.version ? html` · version ${r.version}` : ""} · ${r.reason}</span></li>`;
}

/**
 * Admin on this page: "off" without WEB_ADMIN_TOKEN (nothing shown), "locked" until the token is
 * given (only the field to give it), "unlocked" once it is (the controls; the token is kept in a cookie).
 */
export type AdminView = { state: "off" } | { state: "locked"; error?: string } | { state: "unlocked" };

function adminPanel(admin: AdminView): SafeHtml {
  if (admin.state === "off") return html``;
  if (admin.state === "locked")
    return html`<section class="admin-panel" aria-label="admin">
<form method="post" action="/admin" class="unlock" autocomplete="off">
<label for="admin-token">Admin token</label>
<div class="inline"><input type="password" id="admin-token" name="token" autocomplete="off" required${
      admin.error ? html` aria-invalid="true" aria-describedby="admin-token-error"` : ""
    }>
<button type="submit" id="unlock">Unlock admin</button></div>
${admin.error ? html`<span class="field-error" id="admin-token-error">${admin.error}</span>` : ""}
</form>
</section>`;
  return html`<section class="admin-panel" aria-label="admin">
<h2>Admin</h2>
<form id="admin" autocomplete="off">
<label>Reason <input type="text" id="admin-reason" name="reason" maxlength="${LIMITS.reason}" placeholder="why"></label>
<label>Epochs <input type="number" id="admin-epochs" name="epochs" min="1" max="${LIMITS.epochs}" step="1" placeholder="default"></label>
<div class="buttons"><button type="button" class="admin" id="retrain">Queue a retrain</button>
<button type="button" class="admin" id="rollback">Roll back</button></div>
</form>
<p id="admin-status" role="status"></p>
<form method="post" action="/admin/lock" class="lock"><button type="submit" class="quiet" id="lock">Lock admin</button></form>
</section>`;
}

export function modelsPage(
  models: ModelDetails[],
  runs: Omit<RunDetails, "epochs">[],
  admin: AdminView = { state: "off" },
): SafeHtml {
  const unlocked = admin.state === "unlocked";
  return layout(
    "Models",
    "models",
    html`<h1>Models</h1>
${adminPanel(admin)}
<section aria-label="training runs"><h2>Training runs</h2>
${runs.length ? html`<ul class="runs">${runs.map(runRow)}</ul>` : html`<p class="muted">No training run yet.</p>`}</section>
<section aria-label="versions"><h2>Versions</h2>
${models.length ? models.map((m) => modelCard(m, unlocked)) : html`<p class="muted">No model version yet.</p>`}</section>`,
    unlocked ? ["models.js"] : [],
  );
}

export function runPage(run: RunDetails): SafeHtml {
  return layout(
    `Run ${run.id}`,
    "models",
    html`<h1>Training run ${run.id}</h1>
<dl class="grid facts" id="run-facts" data-run="${run.id}">
<dt>State</dt><dd id="run-state"><span class="badge ${run.state}">${run.state}</span></dd>
<dt>Backend</dt><dd id="run-backend">${run.backend ?? "–"}</dd>
<dt>Epochs</dt><dd id="run-epochs">${run.epochsDone}${run.epochsPlanned ? html` of ${run.epochsPlanned}` : ""}</dd>
<dt>Version</dt><dd id="run-version">${run.version ? html`<a href="/models#v${run.version}">${run.version}</a>` : "–"}</dd>
<dt>Asked by</dt><dd>${run.requestedBy}: ${run.reason}</dd>
<dt>Queued</dt><dd>${when(run.queuedAt)}</dd>
${run.error ? html`<dt>Error</dt><dd class="error">${run.error}</dd>` : ""}
</dl>
<div id="chart" class="chart" aria-label="loss and validation loss per epoch" hidden></div>
<div id="chart-acc" class="chart" aria-label="accuracy per epoch" hidden></div>
<table class="epochs"><thead><tr><th>epoch</th><th>loss</th><th>val loss</th><th>acc</th><th>val acc</th></tr></thead>
<tbody id="epoch-rows">${run.epochs.map((e) => html`<tr><td>${e.epoch}</td><td>${fixed(e.loss)}</td><td>${fixed(e.valLoss)}</td><td>${fixed(e.acc)}</td><td>${fixed(e.valAcc)}</td></tr>`)}</tbody></table>`,
    ["uplot.js", "run.js"],
  );
}
