import { expect, it } from "vitest";
import { ConfigError } from "../../config/define.ts";
import { APOLOGY, describeError, UserError, userMessage } from "../../core/errors.ts";

it("classifies user errors (UserError, bad config) with exit 1 and bugs with exit 2", () => {
  expect(describeError(new UserError("Too hot.", "Use 0.1 to 2"))).toEqual({
    kind: "user",
    message: "Too hot.",
    hint: "Use 0.1 to 2",
    exitCode: 1,
  });
  expect(describeError(new ConfigError(["PORT (bot.port): too big"]))).toMatchObject({ kind: "user", exitCode: 1 });
  const bug = describeError(new TypeError("x is undefined"));
  expect(bug).toMatchObject({ kind: "bug", message: "x is undefined", exitCode: 2 });
  expect(bug.kind === "bug" && bug.stack).toMatch(/TypeError: x is undefined/);
  expect(describeError("thrown string")).toEqual({ kind: "bug", message: "thrown string", exitCode: 2 });
});

it("shows users their own mistakes and the apology for bugs, never a bug's message", () => {
  expect(userMessage(describeError(new UserError("Too hot.")))).toBe("Too hot.");
  expect(userMessage(describeError(new Error("connection refused at 10.0.0.3")))).toBe(APOLOGY);
});
