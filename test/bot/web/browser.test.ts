// The web page in a real headless browser (Debian's chromium driven by playwright-core) against the
// real bot server on 127.0.0.1. Set WEB_SCREENSHOTS=docs/screenshots to also write each page's PNG.
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../core/db/client.ts";
import { claimNextJob, enqueueJob, finishJob, getJob, recordEpoch } from "../../../core/db/jobs.ts";
import { scratchSqlite, type ScratchDatabase } from "../../helpers/db.ts";
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

    const open = async (url: string, ctx: BrowserContext = context): Promise<Page> => {
      const page = await ctx.newPage();
      page.on("request", (request) => requested.push(request.url()));
      const response = await page.goto(base + url);
      expect(response?.status()).toBe(200);
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
      await react(web.oracle, ids[0]!, "👍", 2);
      await react(web.oracle, ids[0]!, "🔥", 1);
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

    it("an admin action is refused without the token and succeeds with it", async () => {
      const page = await open("/models");
      expect(await page.locator(`article.model[data-version="${version}"]`).textContent()).toContain("current");
      await shoot(page, "models");
      const before = await db.prisma.trainingJob.count();
      await page.locator("#admin-reason").fill("more epochs");
      await page.locator("#retrain").click();
      await expect.poll(() => page.locator("#admin-status").textContent()).toContain("Refused");
      expect(await db.prisma.trainingJob.count()).toBe(before);
      await page.locator("#admin-token").fill(ADMIN_TOKEN);
      await page.locator("#retrain").click();
      await expect.poll(() => page.locator("#admin-status").textContent()).toMatch(/Queued as run \d+/);
      const jobId = Number(/run (\d+)/.exec((await page.locator("#admin-status").textContent())!)![1]);
      expect(await getJob(db, jobId)).toMatchObject({ state: "queued", reason: "more epochs" });
      await page.close();
    });

    it("every page fits a phone's width (390×844: no horizontal overflow)", async () => {
      const phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 1,
      });
      for (const url of ["/", "/history", "/history?sort=reactions", `/p/1`, "/models", `/runs/${runId}`]) {
        const page = await open(url, phone);
        await page.waitForLoadState("networkidle").catch(() => {});
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

    it("no request left for another host", () => {
      expect(requested.length).toBeGreaterThan(10);
      for (const url of requested) expect(url.startsWith(base), url).toBe(true);
    });
  },
);
