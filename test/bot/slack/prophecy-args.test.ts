import { describe, expect, it } from "vitest";
import { parseProphecyText, unescapeSlack } from "../../../bot/slack/prophecy-args.ts";

const prophecy = (temperature: string | null, about: string | null) => ({ kind: "prophecy", temperature, about });

describe("parseProphecyText", () => {
  it.each([
    ["", null, null],
    ["   ", null, null],
    ["temperature:1.2", "1.2", null],
    ["temperature=1.2", "1.2", null],
    ["TEMPERATURE:1.2", "1.2", null],
    ["t=1.2", "1.2", null],
    ["t:1.2", "1.2", null],
    ["temp=0.7", "0.7", null],
    ["1.2", "1.2", null],
    [".5", ".5", null],
    ["2", "2", null],
    ["about:fire", null, "fire"],
    ["about=fire", null, "fire"],
    ["about:fire and blood", null, "fire and blood"],
    ["fire and blood", null, "fire and blood"],
    ["fire and blood 1.2", "1.2", "fire and blood"],
    ["1.2 fire and blood", "1.2", "fire and blood"],
    ["about:fire t=0.8 blood", "0.8", "fire blood"],
    ["t=0.8 about:fire", "0.8", "fire"],
    ["  temperature:1.5   the   king  ", "1.5", "the king"],
    ['about:"fire" “blood”', null, "fire blood"],
    ["-1.2", "-1.2", null], // a number: the core says it is out of range
  ])("%j → temperature %j, about %j", (text, temperature, about) => {
    expect(parseProphecyText(text)).toEqual(prophecy(temperature, about));
  });

  it.each([
    ["help", { kind: "help" }],
    ["HELP", { kind: "help" }],
    [" history ", { kind: "history", sort: "new" }],
    ["top", { kind: "history", sort: "reactions" }],
  ])("%j is a keyword", (text, expected) => {
    expect(parseProphecyText(text)).toEqual(expected);
  });

  it("reads keywords among other words as words", () => {
    expect(parseProphecyText("top of the tower")).toEqual(prophecy(null, "top of the tower"));
    expect(parseProphecyText("help 1.2")).toEqual(prophecy("1.2", "help"));
  });

  it.each([
    ["temperature:", /plain number/],
    ["t=", /plain number/],
    ["temperature:hot", /plain number.*temperature:hot/],
    ["t=1e1", /plain number/],
    ["t=0x1", /plain number/],
    ["t=Infinity", /plain number/],
    ["t=1.2.3", /plain number/],
    ["1e1", /not a plain number/],
    ["0x1", /not a plain number/],
    ["1,2", /not a plain number/],
    ["1.2.3", /not a plain number/],
    // The core's rule (config/text/numbers.ts): no plus sign, which the core would refuse anyway.
    ["+1.5", /not a plain number/],
    ["t=+1.5", /plain number/],
    ["1.2 0.8", /given twice/],
    ["t=1.2 temperature:0.5", /given twice/],
    ["1.2 t=1.2", /given twice/],
    ["about:", /needs words/],
    ['about:""', /needs words/],
    ["seed:4 fire", /Unknown option "seed"/],
    ["colour=red", /Unknown option "colour"/],
  ])("%j is refused", (text, problem) => {
    const parsed = parseProphecyText(text);
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.problem).toMatch(problem);
  });

  it("reads Slack's escaped &, < and > as the characters", () => {
    expect(unescapeSlack("a &amp;lt; b &lt;c&gt;")).toBe("a &lt; b <c>");
    expect(parseProphecyText("fire &amp; blood")).toEqual(prophecy(null, "fire & blood"));
  });
});
