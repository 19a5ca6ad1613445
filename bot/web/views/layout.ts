import { assetUrl, type AssetName } from "../assets.ts";
import { html, type SafeHtml } from "../html.ts";

export type Section = "ask" | "history" | "models" | "runs";

/** The page around every view: nav, one stylesheet, scripts from this server only. */
export function layout(title: string, section: Section | null, body: SafeHtml, scripts: AssetName[] = []): SafeHtml {
  const link = (href: string, label: string, name: Section) =>
    html`<a href="${href}"${section === name ? html` aria-current="page"` : ""}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · The Nostradamus Oracle</title>
<link rel="icon" type="image/svg+xml" href="${assetUrl("favicon.svg")}">
<link rel="stylesheet" href="${assetUrl("app.css")}">
${scripts.includes("uplot.js") ? html`<link rel="stylesheet" href="${assetUrl("uplot.css")}">` : ""}
</head>
<body>
<header class="top">
<a class="brand" href="/">The Nostradamus Oracle</a>
<nav>${link("/", "Ask", "ask")} ${link("/history", "History", "history")} ${link("/models", "Models", "models")}</nav>
</header>
<main>
${body}
</main>
${scripts.map((name) => html`<script src="${assetUrl(name)}" defer></script>`)}
</body>
</html>`;
}

/** A time as people read it, in UTC (the server does not know the reader's zone). */
export const when = (date: Date): string => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export const fixed = (value: number | null, digits = 3): string => (value === null ? "–" : value.toFixed(digits));
