// The web page in a real headless browser (Debian's chromium driven by playwright-core) against the
// real bot server on 127.0.0.1. Set WEB_SCREENSHOTS=docs/screenshots to also write each page's PNG.
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../core/db/client.ts";
import { claimNextJob, enqueueJob, finishJob, getJob, recordEpoch } from "../../../core/db/jobs.ts";
import { createModelVersion } from "../../../core/db/model-versions.ts";
import { sampleModelVersion, scratchSqlite, type ScratchDatabase } from "../../helpers/db.ts";
import { goodFigures, loopingFigures } from "../../helpers/quality-figures.ts";
import { hasProgram, skipWithout } from "../../helpers/system-tools.ts";
import { ADMIN_TOKEN, react, seedProphecy, startWeb, trainTinyModel, type WebServer } from "./fixture.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const screenshots = process.env.WEB_SCREENSHOTS;

describe.skipIf(skipWithout("chromium", hasProgram(CHROMIUM), "apt-get install chromium, or set CHROMIUM_PATH"))(
  "web page in headless chromium [sqlite]",
  () => {
    let scratch: ScratchDatabase;
    let db: Db;
    let web: WebServer;
    let base: string;
    let browser: Browser;
    let context: BrowserContext;
    let runId: number;
    let version: number;
    /** Every URL the browser asked for: none may leave for another host. */
    const requested: string[] = [];

    const open = async (url: string, ctx: BrowserContext = context, status = 200): Promise<Page> => {
      const page = await ctx.newPage();
      page.on("request", (request) => requested.push(request.url()));
      const response = await page.goto(base + url);
      expect(response?.status(), url).toBe(status);
      return page;
    };
    const shoot = async (page: Page, name: string) => {
      if (!screenshots) return;
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: false });
    };

    beforeAll(async () => {
      scratch = scratchSqlite();
      db = await openDatabase(scratch.url, { migrate: true });
      version = await trainTinyModel(db);
      // A version beside it (not current) with the quality figures of three temperatures: their table on /models.
      const sample = sampleModelVersion();
      await createModelVersion(db, {
        ...sample,
        evaluation: {
          ...sample.evaluation!,
          quality: [
            goodFigures({ temperature: 0.7 }),
            loopingFigures({ temperature: 1 }),
            goodFigures({ temperature: 1.3 }),
          ],
        },
      });
      const texts = [
        ["discord", 0.8, "The king of zephyr fire\nshall come\nfrom the east\nby night"],
        ["slack", 1.5, "A great famine\nshall come\nupon Zanzibar\nin spring"],
        ["discord", 1.0, "Fire and blood\nin the zephyr west\nthe great ones\nweep"],
        ["cli", 0.5, "The moon over Paris\nhidden\nthe seven\nshall fall"],
      ] as const;
      const ids: number[] = [];
      for (const [surface, temperature, text] of texts)
        ids.push(await seedProphecy(db, { modelVersion: version, surface, temperature, text }));
      web = await startWeb(db, { web: { livePollSeconds: 0.2 } });
      await react(web.oracle, ids[0], "👍", 2);
      await react(web.oracle, ids[0], "🔥", 1);
      // A training job in progress, two epochs done.
      const job = await enqueueJob(db, { requestedBy: "admin (web 127.0.0.1)", reason: "nightly", epochs: 4 });
      await claimNextJob(db, "test-runner", { backend: "wasm" });
      runId = job.id;
      await recordEpoch(db, runId, { epoch: 1, loss: 6.1, acc: 0.05, valLoss: 6.3, valAcc: 0.04, seconds: 3 });
      await recordEpoch(db, runId, { epoch: 2, loss: 5.2, acc: 0.11, valLoss: 5.6, valAcc: 0.09, seconds: 3 });
      await web.app.listen({ host: "127.0.0.1", port: 0 });
      base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // No calls home from the browser itself: the test checks that nothing leaves loopback.
        args: [
          "--no-sandbox",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--disable-sync",
          "--disable-default-apps",
        ],
      });
      context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    });
    afterAll(async () => {
      await browser?.close();
      await web?.close();
      await db?.close();
      await scratch?.drop();
    });

    it("asks with the slider at 1.2; the quatrain shows as four lines and tops /history", async () => {
      const page = await open("/");
      await page.locator("#temperature").fill("1.2");
      await expect.poll(() => page.locator("#temperature-value").textContent()).toBe("1.2");
      await page.locator("#about").fill("the");
      await page.getByRole("button", { name: "Prophesy" }).click();
      const answer = page.locator("#answer .prophecy");
      await answer.waitFor();
      expect(await answer.locator(".line").count()).toBe(4);
      const id = await answer.getAttribute("data-id");
      expect(await answer.locator(".meta").textContent()).toContain("T 1.2");
      await shoot(page, "ask");

      const history = await open("/history");
      const top = history.locator(".prophecy").first();
      expect(await top.getAttribute("data-id")).toBe(id);
      const meta = await top.locator(".meta").textContent();
      expect(meta).toContain("web");
      expect(meta).toContain("T 1.2");
      await shoot(history, "history");
      await page.close();
      await history.close();
    });

    it("filters and word search narrow the list (a plain GET form: works without script)", async () => {
      const page = await open("/history");
      const all = await page.locator(".prophecy").count();
      expect(all).toBe(5);
      await page.locator('input[name="q"]').fill("zephyr");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/q=zephyr/);
      const texts = await page.locator(".quatrain").allTextContents();
      expect(texts).toHaveLength(2);
      for (const t of texts) expect(t.toLowerCase()).toContain("zephyr");
      await page.locator('select[name="surface"]').selectOption("discord");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/surface=discord/);
      expect(await page.locator(".prophecy").count()).toBe(2);
      await page.locator('select[name="sort"]').selectOption("reactions");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/sort=reactions/);
      expect(await page.locator(".quatrain").first().textContent()).toContain("The king of zephyr fire");
      expect(await page.locator(".reactions").first().textContent()).toMatch(/👍\s*2/);
      await page.close();

      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const plain = await open("/history?q=zanzibar", noScript);
      expect(await plain.locator(".prophecy").count()).toBe(1);
      const link = plain.locator(".prophecy .meta a").first();
      await link.click();
      await plain.waitForURL(/\/p\/\d+$/);
      expect(await plain.locator(".quatrain").textContent()).toContain("A great famine");
      await shoot(plain, "prophecy");
      await noScript.close();
    });

    it("a run's chart draws one point per epoch and gains a point while the job runs", async () => {
      const page = await open(`/runs/${runId}`);
      const chart = page.locator("#chart");
      await expect.poll(() => chart.getAttribute("data-points")).toBe("2");
      expect(await page.locator("#chart canvas").count()).toBe(1);
      expect(await page.locator("#epoch-rows tr").count()).toBe(2);
      expect(await page.locator("#run-state").textContent()).toContain("running");
      await recordEpoch(db, runId, { epoch: 3, loss: 4.7, acc: 0.14, valLoss: 5.2, valAcc: 0.12, seconds: 3 });
      await expect.poll(() => chart.getAttribute("data-points"), { timeout: 10_000 }).toBe("3");
      expect(await page.locator("#epoch-rows tr").count()).toBe(3);
      expect(await page.locator("#run-epochs").textContent()).toBe("3 of 4");
      await shoot(page, "run");
      await finishJob(db, runId, { state: "succeeded", version });
      await expect.poll(() => page.locator("#run-state").textContent(), { timeout: 10_000 }).toContain("succeeded");
      await page.close();
    });

    it("admin controls appear only once the admin token is given; then a retrain is queued", async () => {
      const page = await open("/models");
      expect(await page.locator(`article.model[data-version="${version}"]`).textContent()).toContain("current");
      // Only the field to give the token: no control that would answer "refused".
      expect(await page.locator("#admin-token").count()).toBe(1);
      expect(await page.locator("#retrain, #rollback, button.promote").count()).toBe(0);
      await page.locator("#admin-token").fill("not-the-token");
      await page.getByRole("button", { name: "Unlock admin" }).click();
      await page.locator("#admin-token-error").waitFor();
      expect(await page.locator("#admin-token-error").textContent()).toBe("That is not the admin token.");
      expect(await page.locator("#retrain").count()).toBe(0);

      await page.locator("#admin-token").fill(ADMIN_TOKEN);
      await page.getByRole("button", { name: "Unlock admin" }).click();
      await page.locator("#retrain").waitFor();
      expect(await page.locator("#admin-token").count()).toBe(0);
      await shoot(page, "models");
      const before = await db.prisma.trainingJob.count();
      await page.locator("#admin-reason").fill("more epochs");
      await page.locator("#retrain").click();
      await expect.poll(() => page.locator("#admin-status").textContent()).toMatch(/Queued as run \d+/);
      const jobId = Number(/run (\d+)/.exec((await page.locator("#admin-status").textContent())!)![1]);
      expect(await getJob(db, jobId)).toMatchObject({ state: "queued", reason: "more epochs" });
      expect(await db.prisma.trainingJob.count()).toBe(before + 1);
      await page.waitForLoadState("load"); // the page reloads after a change
      await page.getByRole("button", { name: "Lock admin" }).click();
      await page.locator("#admin-token").waitFor();
      expect(await page.locator("#retrain").count()).toBe(0);
      await page.close();
    });

    it("with admin off, /models shows no admin control and no token field", async () => {
      const plain = await startWeb(db, { web: { adminToken: undefined } });
      await plain.app.listen({ host: "127.0.0.1", port: 0 });
      try {
        const page = await context.newPage();
        const url = `http://127.0.0.1:${(plain.app.server.address() as AddressInfo).port}/models`;
        expect((await page.goto(url))?.status()).toBe(200);
        expect(await page.locator("article.model").count()).toBeGreaterThan(0);
        expect(await page.locator(".admin-panel, #admin-token, #retrain, #rollback, button.promote").count()).toBe(0);
        expect(await page.getByText(/admin/i).count()).toBe(0);
        await page.close();
      } finally {
        await plain.close();
      }
    });

    it("asks without JavaScript: the form posts and lands on the new prophecy's page", async () => {
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const page = await open("/", noScript);
      await page.locator("#temperature").fill("0.7");
      await page.locator("#about").fill("the");
      await page.getByRole("button", { name: "Prophesy" }).click();
      await page.waitForURL(/\/p\/\d+$/);
      const id = Number(/\/p\/(\d+)$/.exec(page.url())![1]);
      expect(await page.locator(".quatrain .line").count()).toBe(4);
      expect(await page.locator(".facts").textContent()).toMatch(/Temperature\s*0\.7/);
      expect(await page.locator(".facts").textContent()).toMatch(/Starting words\s*the/);
      expect(await db.prisma.prophecy.findUnique({ where: { id } })).toMatchObject({
        surface: "web",
        temperature: 0.7,
      });
      // A mistake comes back on the form, where the answer would be, with what was typed.
      await page.goto(base + "/");
      await page.locator("#about").fill("zyzzyva");
      await page.getByRole("button", { name: "Prophesy" }).click();
      await page.locator("#answer .error").waitFor();
      expect(await page.locator("#answer .error").textContent()).toContain("zyzzyva");
      expect(await page.locator("#about").inputValue()).toBe("zyzzyva");
      // The run page keeps no blank space for charts it cannot draw.
      await page.goto(`${base}/runs/${runId}`);
      expect(await page.locator("#chart").isVisible()).toBe(false);
      expect(await page.locator("#epoch-rows tr").count()).toBeGreaterThan(0);
      await noScript.close();
    });

    it("an error replaces the answer it is about (with JavaScript)", async () => {
      const page = await open("/");
      await page.getByRole("button", { name: "Prophesy" }).click();
      await page.locator("#answer .prophecy").waitFor();
      await page.locator("#about").fill("zyzzyva");
      await page.getByRole("button", { name: "Prophesy" }).click();
      await page.locator("#answer .error").waitFor();
      expect(await page.locator("#answer .error").textContent()).toContain("zyzzyva");
      expect(await page.locator("#answer .prophecy").count()).toBe(0);
      await page.close();
    });

    it("an unknown address is a 404 page in the site's layout, with the icon", async () => {
      const page = await open("/no/such/page", context, 404);
      expect(await page.locator("header.top nav a").count()).toBe(3);
      expect(await page.locator("h1").textContent()).toBe("Not found");
      expect(await page.locator("#error-message").textContent()).toBe("There is no page at /no/such/page.");
      const icon = await page.locator('link[rel="icon"]').getAttribute("href");
      const fetched = await page.request.get(base + icon);
      expect(fetched.status()).toBe(200);
      expect(fetched.headers()["content-type"]).toBe("image/svg+xml");
      await page.getByRole("link", { name: "All prophecies" }).click();
      await page.waitForURL(/\/history$/);
      await page.close();
    });

    it("every page fits a phone's width (390×844: no horizontal overflow)", async () => {
      const phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 1,
      });
      // The admin view too: the token given once, as a person would.
      const unlock = await open("/models", phone);
      await unlock.locator("#admin-token").fill(ADMIN_TOKEN);
      await unlock.getByRole("button", { name: "Unlock admin" }).click();
      await unlock.locator("#retrain").waitFor();
      await unlock.close();
      for (const [url, status] of PAGES(runId)) {
        const page = await open(url, phone, status);
        await page.waitForLoadState("networkidle").catch(() => {});
        // Folded parts (the quality figures on /models) measured open.
        await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        expect(scrollWidth, url).toBeLessThanOrEqual(innerWidth);
        if (url === "/history") await shoot(page, "history-phone");
        await page.close();
      }
      await phone.close();
    });

    it("every text on every page has a contrast of at least 4.5:1", async () => {
      const unlocked = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      const login = await open("/models", unlocked);
      await login.locator("#admin-token").fill(ADMIN_TOKEN);
      await login.getByRole("button", { name: "Unlock admin" }).click();
      await login.locator("#retrain").waitFor();
      await login.close();
      const queued = await enqueueJob(db, { requestedBy: "tester", reason: "a queued badge" });
      const failures: string[] = [];
      for (const [url, status] of [...PAGES(runId), [`/runs/${queued.id}`, 200] as const]) {
        for (const ctx of [context, unlocked]) {
          const page = await open(url, ctx, status);
          await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
          for (const low of await page.evaluate(lowContrastTexts)) failures.push(`${url}: ${low}`);
          await page.close();
        }
      }
      await unlocked.close();
      expect(failures).toEqual([]);
    });

    it("no request left for another host", () => {
      expect(requested.length).toBeGreaterThan(10);
      for (const url of requested) expect(url.startsWith(base), url).toBe(true);
    });
  },
);

/** Every page a reader can reach, with the status each answers. */
const PAGES = (runId: number) =>
  [
    ["/", 200],
    ["/history", 200],
    ["/history?sort=reactions", 200],
    ["/history?minTemperature=warm", 400],
    ["/p/1", 200],
    ["/models", 200],
    [`/runs/${runId}`, 200],
    ["/no/such/page", 404],
  ] as const;

/**
 * Runs in the page: each visible element's own text (and each empty field's placeholder) against the
 * colour behind it, composited up the ancestors; returns those under 4.5:1 (WCAG AA for body text).
 */
function lowContrastTexts(): string[] {
  type Rgba = [number, number, number, number];
  const parse = (c: string): Rgba => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const [r, g, b, a] = m[1]
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return [r, g, b, a === undefined || Number.isNaN(a) ? 1 : a];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const background = (el: Element | null): Rgba => {
    const layers: Rgba[] = [];
    for (let e = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
    let color: Rgba = [255, 255, 255, 1]; // the canvas behind everything
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const luminance = ([r, g, b]: Rgba) => {
    const f = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (fg: Rgba, bg: Rgba) => {
    const [a, b] = [luminance(over(fg, bg)), luminance(bg)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const low: string[] = [];
  const check = (el: Element, text: string, color: string) => {
    const r = ratio(parse(color), background(el));
    if (r < 4.5)
      low.push(
        `"${text.trim().slice(0, 30)}" ${color} on ${background(el).map(Math.round).join(",")}: ${r.toFixed(2)}`,
      );
  };
  for (const el of document.querySelectorAll("body *")) {
    if (!(el instanceof HTMLElement) || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
      continue;
    if ((el as HTMLButtonElement).disabled) continue; // WCAG exempts inactive controls
    const own = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent ?? "")
      .join("");
    if (own.trim()) check(el, own, getComputedStyle(el).color);
    if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && el.placeholder && !el.value)
      check(el, el.placeholder, getComputedStyle(el, "::placeholder").color);
    if (el instanceof HTMLInputElement && el.value && !["range", "hidden", "password"].includes(el.type))
      check(el, el.value, getComputedStyle(el).color);
  }
  return low;
}
