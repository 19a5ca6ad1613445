import { SURFACES, type HistoryPage } from "../../../core/oracle/types.ts";
import type { HistoryParams } from "../history-query.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "./layout.ts";
import { prophecyCard } from "./prophecy.ts";

/** The same filters with another cursor: the "older" link keeps what the reader chose. */
function pageLink(params: HistoryParams, cursor: string): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && key !== "cursor") search.set(key, String(value));
  }
  search.set("cursor", cursor);
  return `/history?${search.toString()}`;
}

export function historyPage(params: HistoryParams, page: HistoryPage): SafeHtml {
  const value = (v: unknown) => (v === undefined ? "" : String(v));
  const filtered = Object.entries(params).some(
    ([k, v]) => v !== undefined && k !== "cursor" && k !== "sort" && k !== "limit",
  );
  const body = html`<h1>${params.sort === "reactions" ? "Most reacted prophecies" : "Every prophecy"}</h1>
<form class="filters" method="get" action="/history">
<label>Words <input type="search" name="q" value="${value(params.q)}" maxlength="200" placeholder="king fire"></label>
<label>Surface <select name="surface"><option value="">any</option>${SURFACES.map(
    (s) => html`<option value="${s}"${params.surface === s ? html` selected` : ""}>${s}</option>`,
  )}</select></label>
<label>Model <input type="number" name="model" min="1" step="1" value="${value(params.model)}"></label>
<label>T from <input type="number" name="minTemperature" min="0" step="0.1" value="${value(params.minTemperature)}"></label>
<label>T to <input type="number" name="maxTemperature" min="0" step="0.1" value="${value(params.maxTemperature)}"></label>
<label>From <input type="date" name="from" value="${value(params.from)}"></label>
<label>To <input type="date" name="to" value="${value(params.to)}"></label>
<label>Sort <select name="sort"><option value="new">newest</option><option value="reactions"${params.sort === "reactions" ? html` selected` : ""}>most reactions</option></select></label>
<button type="submit">Show</button>
${filtered ? html`<a class="reset" href="/history">clear</a>` : ""}
</form>
${page.prophecies.length === 0 ? html`<p class="muted" id="empty">No prophecy matches.</p>` : ""}
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
${page.nextCursor ? html`<a rel="next" href="${pageLink(params, page.nextCursor)}">older →</a>` : ""}</nav>`;
  return layout("History", "history", body);
}
