// The "Another one" button under a quatrain: a fresh prophecy at the same temperature.
import type { ButtonHandler } from "../call.ts";
import { postProphecy } from "../post-prophecy.ts";

const PREFIX = "another-one:";

/** The button's custom id carries the temperature, so no state is kept between clicks. */
export const anotherOneId = (temperature: number) => `${PREFIX}${temperature}`;

export const anotherOne: ButtonHandler = {
  prefix: PREFIX,
  async execute(call, deps, scope) {
    await postProphecy(call, deps, scope, { temperature: call.name.slice(PREFIX.length) });
  },
};
