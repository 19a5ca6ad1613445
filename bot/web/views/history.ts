import { SURFACES, type HistoryPage } from "../../../core/oracle/types.ts";
import type { HistoryParams } from "../history-query.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "./layout.ts";
import { prophecyCard } from "./prophecy.ts";

/** Filters as the reader wrote them (strings when they did not validate). */
export type HistoryForm = { [K in keyof HistoryParams]?: HistoryParams[K] | string };

/** What was wrong with the filters, in words: per filter, and anything that belongs to none. */
export interface FilterProblems {
  fields: Partial<Record<keyof HistoryParams, string>>;
  general: string[];
}

/** The same filters with another cursor: the "older" link keeps what the reader chose. */
function pageLink(params: HistoryForm, cursor: string): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && key !== "cursor") search.set(key, String(value));
  }
  search.set("cursor", cursor);
  return `/history?${search.toString()}`;
}

/** `page` is null when the filters could not be read: the form comes back with what was wrong beside each. */
export function historyPage(params: HistoryForm, page: HistoryPage | null, problems?: FilterProblems): SafeHtml {
  const value = (v: HistoryForm[keyof HistoryForm]) => (v === undefined ? "" : String(v));
  const filtered = Object.entries(params).some(
    ([k, v]) => v !== undefined && k !== "cursor" && k !== "sort" && k !== "limit",
  );
  // The page size and the cursor come from links, not from the form: said above the list.
  const general = [
    ...(problems?.general ?? []),
    ...(["limit", "cursor"] as const).flatMap((k) => problems?.fields[k] ?? []),
  ];
  /** One filter: its label and control, and beside it what is wrong with it. */
  const field = (name: keyof HistoryParams, label: string, control: (attrs: SafeHtml) => SafeHtml) => {
    const problem = problems?.fields[name];
    const attrs = problem ? html` aria-invalid="true" aria-describedby="error-${name}"` : html``;
    return html`<label${problem ? html` class="invalid"` : ""}>${label} ${control(attrs)}${
      problem ? html`<span class="field-error" id="error-${name}">${problem}</span>` : ""
    }</label>`;
  };
  const body = html`<h1>${params.sort === "reactions" ? "Most reacted prophecies" : "Every prophecy"}</h1>
<form class="filters" method="get" action="/history">
${field("q", "Words", (a) => html`<input type="search" name="q" value="${value(params.q)}" maxlength="200" placeholder="king fire"${a}>`)}
${field(
  "surface",
  "Surface",
  (a) =>
    html`<select name="surface"${a}><option value="">any</option>${SURFACES.map(
      (s) => html`<option value="${s}"${params.surface === s ? html` selected` : ""}>${s}</option>`,
    )}</select>`,
)}
${field("model", "Model", (a) => html`<input type="number" name="model" min="1" step="1" value="${value(params.model)}"${a}>`)}
${field("minTemperature", "T from", (a) => html`<input type="number" name="minTemperature" min="0" step="0.1" value="${value(params.minTemperature)}"${a}>`)}
${field("maxTemperature", "T to", (a) => html`<input type="number" name="maxTemperature" min="0" step="0.1" value="${value(params.maxTemperature)}"${a}>`)}
${field("from", "From", (a) => html`<input type="date" name="from" value="${value(params.from)}"${a}>`)}
${field("to", "To", (a) => html`<input type="date" name="to" value="${value(params.to)}"${a}>`)}
${field(
  "sort",
  "Sort",
  (a) =>
    html`<select name="sort"${a}><option value="new">newest</option><option value="reactions"${params.sort === "reactions" ? html` selected` : ""}>most reactions</option></select>`,
)}
<button type="submit">Show</button>
${filtered ? html`<a class="reset" href="/history">clear</a>` : ""}
</form>
${general.length ? html`<p class="error" role="alert">${general.join(" ")}</p>` : ""}
${
  page === null
    ? html`<p class="muted" id="empty">Fix the filter marked above to see prophecies.</p>`
    : html`${page.prophecies.length === 0 ? html`<p class="muted" id="empty">No prophecy matches.</p>` : ""}
<div class="list">${page.prophecies.map((p) => prophecyCard(p))}</div>
<nav class="pages">${
        params.cursor
          ? html`<a href="/history?${new URLSearchParams(
              Object.entries(params)
                .filter(([k, v]) => v !== undefined && k !== "cursor")
                .map(([k, v]) => [k, String(v)]),
            ).toString()}">newest</a>`
          : ""
      }
${page.nextCursor ? html`<a rel="next" href="${pageLink(params, page.nextCursor)}">older →</a>` : ""}</nav>`
}`;
  return layout("History", "history", body);
}
