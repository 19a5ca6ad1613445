import type { StoredProphecy } from "../../../core/oracle/types.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout, when } from "./layout.ts";

function reactionsOf(p: StoredProphecy): SafeHtml {
  const entries = Object.entries(p.reactions).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return html`<span class="muted">no reactions</span>`;
  return html`<ul class="reactions" aria-label="reactions">${entries.map(([emoji, count]) => html`<li><span class="emoji">${emoji}</span> ${count}</li>`)}</ul>`;
}

/** One prophecy as a card: the four lines, where and when, and its reactions. */
export function prophecyCard(p: StoredProphecy, options: { link?: boolean } = {}): SafeHtml {
  return html`<article class="prophecy" data-id="${p.id}">
<blockquote class="quatrain">${p.lines.map((line) => html`<span class="line">${line}</span>`)}</blockquote>
<footer class="meta">
${options.link === false ? html`<span>#${p.id}</span>` : html`<a href="/p/${p.id}">#${p.id}</a>`}
<span>${p.surface}</span>
<time datetime="${p.createdAt.toISOString()}">${when(p.createdAt)}</time>
<span>T ${p.temperature}</span>
<span>model v${p.modelVersion}</span>
${reactionsOf(p)}
</footer>
</article>`;
}

export function prophecyPage(p: StoredProphecy): SafeHtml {
  return layout(
    `Prophecy #${p.id}`,
    "history",
    html`<h1>Prophecy #${p.id}</h1>
${prophecyCard(p, { link: false })}
<section class="card" aria-labelledby="facts-title">
<h2 id="facts-title">Facts</h2>
<dl class="grid facts">
<dt>Asked on</dt><dd>${p.surface}</dd>
<dt>When</dt><dd>${when(p.createdAt)}</dd>
<dt>Temperature</dt><dd>${p.temperature}</dd>
${p.about ? html`<dt>Starting words</dt><dd>${p.about}</dd>` : ""}
<dt>Model</dt><dd><a href="/models#v${p.modelVersion}">version ${p.modelVersion}</a></dd>
<dt>Longest run copied from the corpus</dt><dd>${p.longestCopied} words</dd>
<dt>Reactions</dt><dd>${p.reactionCount}</dd>
</dl>
</section>
<p class="links"><a href="/">Ask again</a> <a href="/history">All prophecies</a></p>`,
  );
}

export function errorPage(status: number, message: string): SafeHtml {
  const title =
    status === 404
      ? "Not found"
      : status === 429
        ? "Too many questions"
        : status < 500
          ? "That did not work"
          : "Something went wrong";
  return layout(
    title,
    null,
    html`<h1>${title}</h1>
<p class="error" id="error-message">${message}</p>
<p class="links"><a href="/">Ask the oracle</a> <a href="/history">All prophecies</a> <a href="/models">Models</a></p>`,
  );
}
