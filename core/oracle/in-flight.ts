// The one in-flight limit of a bot process, shared by every surface: past `max` quatrains in the
// making, a new ask is shed at once (BusyError, answered by each surface its own way: Discord and
// Slack privately, the web 503 with Retry-After) rather than queueing behind the sampler, so under
// overload the answers accepted stay timely. A shed request writes nothing.
import { BusyError } from "../errors.ts";

/** A place in the limit; `release` once the work that took it has ended (more calls do nothing). */
export interface Admission {
  release(): void;
}

export interface InFlightLimit {
  /** A place when there is one, null when full. */
  tryEnter(): Admission | null;
  /** A place, or BusyError when full. */
  enter(): Admission;
  readonly active: number;
  readonly max: number;
}

/** `max` 0: no limit. */
export function inFlightLimit(max: number): InFlightLimit {
  let active = 0;
  const limit: InFlightLimit = {
    max,
    get active() {
      return active;
    },
    tryEnter() {
      if (max > 0 && active >= max) return null;
      active++;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          active--;
        },
      };
    },
    enter() {
      const admission = limit.tryEnter();
      if (!admission) throw new BusyError();
      return admission;
    },
  };
  return limit;
}
