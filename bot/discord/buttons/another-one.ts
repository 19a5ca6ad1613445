// The "Another one" button under a quatrain: a fresh prophecy at the same temperature, starting
// with the same words.
import { UserError } from "../../../core/errors.ts";
import type { ButtonHandler } from "../call.ts";
import { postProphecy } from "../post-prophecy.ts";
import { ANOTHER_ONE_PREFIX, parseAnotherOneId } from "./ids.ts";

export const anotherOne: ButtonHandler = {
  prefix: ANOTHER_ONE_PREFIX,
  async execute(call, deps, scope) {
    const target = parseAnotherOneId(call.name);
    if (target && "temperature" in target) {
      await postProphecy(call, deps, scope, { temperature: target.temperature });
      return;
    }
    const previous = target ? await deps.oracle.getProphecy(target.prophecyId) : null;
    if (!previous) throw new UserError("This button no longer works; ask with /prophecy.");
    await postProphecy(call, deps, scope, { temperature: previous.temperature, about: previous.about });
  },
};
