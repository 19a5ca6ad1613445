// Admission control for quatrains: past `max` in flight, a new ask is answered "busy" in its ack
// instead of queueing behind the sampler. Under overload Slack's 3-second ack then still holds and
// the quatrains accepted stay timely, rather than every ack and answer arriving a minute late.

export interface InFlightLimit {
  /** A release function when there is room (call it once, when the work ends), null when full. */
  tryEnter(): (() => void) | null;
  readonly active: number;
}

/** `max` 0: no limit. */
export function inFlightLimit(max: number): InFlightLimit {
  let active = 0;
  return {
    get active() {
      return active;
    },
    tryEnter() {
      if (max > 0 && active >= max) return null;
      active++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        active--;
      };
    },
  };
}

export const BUSY_MESSAGE = "The oracle is answering many questions at once; ask again in a few seconds.";
