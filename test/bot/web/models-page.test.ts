import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../../core/db/client.ts";
import { createModelVersion } from "../../../core/db/model-versions.ts";
import type { VersionEvaluation } from "../../../core/eval/index.ts";
import { describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";
import { goodFigures, loopingFigures } from "../../helpers/quality-figures.ts";
import { startWeb, type WebServer } from "./fixture.ts";

describeEachDatabase("/models: the quality figures beside the corpus'", (getDb: () => Db) => {
  let web: WebServer;
  let looping: number;
  let old: number;

  beforeAll(async () => {
    const base = sampleModelVersion().evaluation!;
    // A phrase and a word as a corpus could hold them: markup in them must reach the page escaped.
    const hostile = loopingFigures({
      temperature: 1,
      topPhrase: { phrase: "<script>alert(1)</script> one", share: 0.47, corpusShare: 0.049 },
      overuse: { word: 'army"&', rate: 0.02, corpusRate: 0.0033, multiple: 6 },
    });
    const evaluation: VersionEvaluation = {
      ...base,
      quality: [goodFigures({ temperature: 0.7 }), hostile, goodFigures({ temperature: 1.3 })],
      corpusQuality: goodFigures({ copiedMax: null, copiedMean: null, copiedWithinLimit: null }),
    };
    looping = await createModelVersion(getDb(), sampleModelVersion({ evaluation }), {
      promote: { by: "test", reason: "fixture" },
    });
    // As stored before the loop figures: the kept ones only.
    const before = {
      ...base,
      quality: [{ temperature: 1, quatrains: 100, immediateRepeat: 0, noTerminalEnd: 0, badPunctuation: 0 }],
      corpusQuality: { quatrains: 941, immediateRepeat: 0, noTerminalEnd: 0.012, badPunctuation: 0.003 },
    } as unknown as VersionEvaluation;
    old = await createModelVersion(getDb(), sampleModelVersion({ evaluation: before }));
    web = await startWeb(getDb());
  });
  afterAll(() => web.close());

  const page = async () => {
    const response = await web.app.inject({ method: "GET", url: "/models" });
    expect(response.statusCode).toBe(200);
    return response.body;
  };
  /** The card of one version. */
  const card = (html: string, version: number) => html.split(`<article `).find((a) => a.includes(`id="v${version}"`))!;

  it("shows each figure per temperature beside the corpus' value and the limit, escaped", async () => {
    const html = card(await page(), looping);
    expect(html).toContain("<dt>Quality limits</dt><dd>7 broken</dd>");
    expect(html).toMatch(/<details class="quality" open>/); // the current version's is open
    expect(html).toContain(
      '<th scope="col">figure</th><th scope="col">corpus</th><th scope="col">T=0.7</th><th scope="col">T=1</th><th scope="col">T=1.3</th><th scope="col">limit</th>',
    );
    expect(html).toContain(
      '<tr><th scope="row">a 3-word sequence repeated inside the quatrain</th><td>3.5%</td><td>3.5%</td><td>23.0%</td><td>3.5%</td><td>at most 5.0% at T=1, 10.0% at T=0.7</td></tr>',
    );
    expect(html).toContain("<td>47.0% &quot;&lt;script&gt;alert(1)&lt;/script&gt; one&quot; (corpus 4.9%)</td>");
    expect(html).toContain("<td>6.0× &quot;army&quot;&amp;&quot;</td>");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("<td>41.0 ± 17.8</td>");
    expect(html).toContain("words per quatrain, mean ± sd (corpus&#39; range 22–45)");
  });

  it("shows an evaluation stored before the loop figures with — where they are missing", async () => {
    const html = card(await page(), old);
    expect(html).toContain("<dt>Quality limits</dt><dd>—</dd>");
    expect(html).toMatch(/<details class="quality">/);
    expect(html).toContain(
      '<tr><th scope="row">cut off at the token cap</th><td>—</td><td>—</td><td>at most 2.0% at T=1 and T=0.7</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row">ending with . ! or ?</th><td>98.8%</td><td>100.0%</td><td>at least 98.0%</td></tr>',
    );
  });

  it("GET /api/models carries the figures and the corpus' own", async () => {
    const body = (await web.app.inject({ method: "GET", url: "/api/models" })).json<{
      models: { version: number; quality: unknown[]; corpusQuality: unknown }[];
    }>();
    const model = body.models.find((m) => m.version === looping)!;
    expect(model.quality[1]).toMatchObject({ temperature: 1, repeatedTrigram: 0.23, capped: 0.21 });
    expect(model.corpusQuality).toMatchObject({ repeatedTrigram: 0.035, wordCountMin: 22, wordCountMax: 45 });
  });
});
