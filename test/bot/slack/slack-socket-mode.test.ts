// Socket Mode: with SLACK_APP_TOKEN the real Bolt app asks apps.connections.open (on SLACK_API_URL)
// for a WebSocket URL, connects to the local fake, and handles one /prophecy envelope delivered on it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { silentLogger } from "../../../core/logger.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";
import { freshDatabase } from "../../helpers/db.ts";
import { waitFor } from "../../helpers/wait.ts";
import type { Db } from "../../../core/db/client.ts";
import { contextText, quatrainLines, startSlackBot, type SlackBot } from "./harness.ts";

let fixture: { db: Db; drop(): Promise<void> };
let bot: SlackBot;

beforeAll(async () => {
  await initBackend({ preference: "wasm" });
  fixture = await freshDatabase("sqlite");
  await trainVersion(
    { db: fixture.db, config: testConfig(fixture.db.url, { trainer: { evalSamples: 0 } }), log: silentLogger },
    { maxDocuments: 30 },
  );
  bot = await startSlackBot(fixture.db, { appToken: "xapp-1-test" });
});
afterAll(async () => {
  await bot?.stop();
  await fixture?.drop();
});

it("connects through apps.connections.open and answers a /prophecy envelope: ack on the socket, quatrain by chat.postMessage", async () => {
  // Socket Mode opens its connection with the app-level token, not the bot token.
  const open = await bot.fake.waitFor("apps.connections.open");
  expect(open.token).toBe("xapp-1-test");
  const socket = await bot.fake.socket.connected;
  socket.send(
    JSON.stringify({
      envelope_id: "57d6a792-4d35-4d0b-b6aa-3361493e1caf",
      type: "slash_commands",
      accepts_response_payload: true,
      payload: {
        token: "legacy",
        team_id: "T0TEST",
        team_domain: "oracle-test",
        channel_id: "C0SOCKET",
        channel_name: "socket",
        user_id: "U0ALICE",
        user_name: "alice",
        command: "/prophecy",
        text: "temperature:1.2",
        api_app_id: "A0TEST",
        is_enterprise_install: "false",
        response_url: bot.fake.responseUrl("socket"),
        trigger_id: "trigger.socket",
      },
    }),
  );
  const post = await bot.fake.waitFor("chat.postMessage");
  expect(post.args.channel).toBe("C0SOCKET");
  expect(quatrainLines(post)).toHaveLength(4);
  expect(contextText(post)).toContain("temperature 1.2");
  const acked = () =>
    bot.fake.socket.received.some(
      (m) => (m as { envelope_id?: string }).envelope_id === "57d6a792-4d35-4d0b-b6aa-3361493e1caf",
    );
  await waitFor("the envelope acknowledged on the socket", acked);
  // The HTTP route is not mounted in Socket Mode.
  expect(
    (
      await fetch(`${bot.url}/slack/events`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      })
    ).status,
  ).toBe(404);
});
