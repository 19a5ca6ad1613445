import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml, html } from "../../../bot/web/html.ts";
import { describeEachDatabase } from "../../helpers/db.ts";
import { startWeb, type WebServer } from "./fixture.ts";

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

describe("control characters (issue 18, item 10)", () => {
  it("are escaped as the terminal shows them: NUL, ESC, BEL and a bidi override never reach the page raw", () => {
    const evil = "a\u0000b\u001b[31mc\u0007d\u202ee";
    const out = html`<p>${evil}</p>`.value;
    expect(out).toBe("<p>a\\x00b\\x1b[31mc\\x07d\\u202ee</p>");
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describeEachDatabase("an admin reason with control characters on /runs/:id and /models", (getDb) => {
  let web: WebServer;
  beforeAll(async () => {
    web = await startWeb(getDb());
  });
  afterAll(async () => {
    await web?.close();
  });

  it("shows them escaped, as the CLI does", async () => {
    // PostgreSQL text cannot hold NUL at all; SQLite can, so there the row gets one too.
    const reason = `${getDb().provider === "sqlite" ? "nul\u0000 " : ""}esc\u001b[2J bell\u0007 \u202eright-to-left`;
    const job = await getDb().prisma.trainingJob.create({
      data: { requestedBy: "admin\u001b[31m", reason, state: "queued" },
    });
    for (const url of [`/runs/${job.id}`, "/models"]) {
      const page = await web.app.inject({ method: "GET", url });
      expect(page.statusCode).toBe(200);
      expect(page.body, url).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e]/);
      expect(page.body, url).toContain("esc\\x1b[2J bell\\x07 \\u202eright-to-left");
      if (getDb().provider === "sqlite") expect(page.body, url).toContain("nul\\x00");
    }
  });
});
