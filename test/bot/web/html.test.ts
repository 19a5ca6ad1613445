import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "../../../bot/web/html.ts";

describe("html (the one escaping helper)", () => {
  it("escapes every interpolated string, number or array item", () => {
    const evil = `<img src=x onerror="alert('1')">&`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      `<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</p>`,
    );
    expect(html`<ul>${["<a>", "b"].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe(
      "<ul><li>&lt;a&gt;</li><li>b</li></ul>",
    );
    expect(escapeHtml("a & b")).toBe("a &amp; b");
  });

  it("keeps markup made by html itself, and renders nothing for null, undefined and false", () => {
    const inner = html`<b>${"x<y"}</b>`;
    expect(html`<p>${inner}${null}${undefined}${false}${0}</p>`.value).toBe("<p><b>x&lt;y</b>0</p>");
  });
});
