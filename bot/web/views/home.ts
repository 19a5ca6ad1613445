import type { ModelSummary } from "../../../core/oracle/types.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "./layout.ts";

export interface AskBounds {
  minTemperature: number;
  maxTemperature: number;
  defaultTemperature: number;
}

/** What the form held when asking failed: shown again, with the error where the answer would be. */
export interface AskState {
  temperature?: number;
  about?: string;
  error?: string;
}

export function homePage(bounds: AskBounds, model: ModelSummary | null, state: AskState = {}): SafeHtml {
  const temperature = state.temperature ?? bounds.defaultTemperature;
  return layout(
    "Ask",
    "ask",
    html`<h1>Ask the oracle</h1>
${
  model
    ? html`<p class="muted">Model version ${model.version}, trained ${model.trainedAt.toISOString().slice(0, 10)}.</p>`
    : html`<p class="error">No model has been trained yet: the oracle cannot answer.</p>`
}
<form id="ask" class="ask" method="post" action="/ask" autocomplete="off">
<label for="temperature">Temperature <output id="temperature-value" for="temperature">${temperature.toFixed(1)}</output></label>
<div class="slider">
<span>safe</span>
<input type="range" id="temperature" name="temperature" min="${bounds.minTemperature}" max="${bounds.maxTemperature}" step="0.1" value="${temperature}">
<span>wild</span>
</div>
<label for="about">Starting words <span class="muted">(optional)</span></label>
<input type="text" id="about" name="about" maxlength="200" list="words" placeholder="e.g. the king" value="${state.about ?? ""}">
<datalist id="words"></datalist>
<button type="submit">Prophesy</button>
</form>
<section id="answer" aria-live="polite">${state.error ? html`<p class="error" role="alert">${state.error}</p>` : ""}</section>`,
    ["ask.js"],
  );
}
