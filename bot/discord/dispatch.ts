// Routes one interaction (from the gateway or HTTP) to its command, button or autocomplete handler.
// Never throws: user errors and bugs are answered here, and logged once by runCommand.
import type { BotDeps } from "../surface.ts";
import type { DiscordCall } from "./call.ts";
import { buttons, commands } from "./commands/index.ts";
import { answerError } from "./respond.ts";

export async function dispatch(call: DiscordCall, deps: BotDeps): Promise<void> {
  if (call.kind === "autocomplete") {
    try {
      await commands.get(call.name)?.autocomplete?.(call, deps);
    } catch (err) {
      deps.log.warn({ err, command: call.name, via: call.via }, "autocomplete failed");
      await call.respond([]).catch(() => {});
    }
    return;
  }
  const info = { surface: "discord" as const, user: call.invoker.userId };
  try {
    if (call.kind === "command") {
      const command = commands.get(call.name);
      await deps.runCommand({ ...info, command: `/${call.name}` }, async (scope) => {
        if (!command) throw new Error(`unknown command /${call.name}`);
        await command.execute(call, deps, scope);
      });
    } else {
      const button = buttons.find((b) => call.name.startsWith(b.prefix));
      await deps.runCommand(
        { ...info, command: `button:${button?.prefix.replace(/:$/, "") ?? call.name}` },
        async (scope) => {
          if (!button) throw new Error(`unknown button ${call.name}`);
          await button.execute(call, deps, scope);
        },
      );
    }
  } catch (err) {
    await answerError(call, err, deps.log);
  }
}
