import type { ModelSummary } from "../../../core/oracle/types.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "./layout.ts";

export interface AskBounds {
  minTemperature: number;
  maxTemperature: number;
  defaultTemperature: number;
}

export function homePage(bounds: AskBounds, model: ModelSummary | null): SafeHtml {
  return layout(
    "Ask",
    "ask",
    html`<h1>Ask the oracle</h1>
${
  model
    ? html`<p class="muted">Model version ${model.version}, trained ${model.trainedAt.toISOString().slice(0, 10)}.</p>`
    : html`<p class="error">No model has been trained yet: the oracle cannot answer.</p>`
}
<form id="ask" class="ask" autocomplete="off">
<label for="temperature">Temperature <output id="temperature-value" for="temperature">${bounds.defaultTemperature}</output></label>
<div class="slider">
<span>safe</span>
<input type="range" id="temperature" name="temperature" min="${bounds.minTemperature}" max="${bounds.maxTemperature}" step="0.1" value="${bounds.defaultTemperature}">
<span>wild</span>
</div>
<label for="about">Starting words <span class="muted">(optional)</span></label>
<input type="text" id="about" name="about" maxlength="200" list="words" placeholder="e.g. the king">
<datalist id="words"></datalist>
<button type="submit">Prophesy</button>
</form>
<p id="ask-error" class="error" role="alert" hidden></p>
<section id="answer" aria-live="polite"></section>
<noscript><p class="muted">Asking needs JavaScript; the <a href="/history">history</a> works without it.</p></noscript>`,
    ["/static/ask.js"],
  );
}
