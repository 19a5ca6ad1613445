// A deliberately naive next-word draw (full sort, full softmax) to check drawToken against.
import { BREAK_ID, type NextWordDraw } from "../../core/model/index.ts";

/**
 * The draw drawToken must make: bans applied, the break marker's mass moved to `breakInto`, every
 * id sorted by score (ties: lower id first; id order when nothing is truncated), top-k, softmax at
 * T, top-p, then the cumulative draw.
 * `margin`: distance of u from the nearest cumulative boundary (float rounding may cross it).
 */
export function referenceDraw(
  scores: ArrayLike<number>,
  d: NextWordDraw,
): { index: number; margin: number; kept: number[] } {
  const s = Array.from(scores, Number);
  const banned = new Set(d.banned);
  if (d.breakInto >= 0) {
    if (!banned.has(d.breakInto)) s[d.breakInto] = Math.log(Math.exp(s[d.breakInto]) + Math.exp(s[BREAK_ID]));
    banned.add(BREAK_ID);
  }
  let order = s.map((_, i) => i).filter((i) => !banned.has(i));
  // With no truncation drawToken cumulates in id order; otherwise from the most likely word.
  if (d.topK > 0 || d.topP < 1) order.sort((a, b) => s[b] - s[a] || a - b);
  else if (d.temperature <= 1e-6) order.sort((a, b) => s[b] - s[a] || a - b);
  if (d.topK > 0) order = order.slice(0, d.topK);
  if (d.temperature <= 1e-6) return { index: order[0], margin: Infinity, kept: [order[0]] };
  const max = Math.max(...order.map((i) => s[i]));
  let p = order.map((i) => Math.exp((s[i] - max) / d.temperature));
  const total = p.reduce((a, b) => a + b, 0);
  if (d.topP < 1) {
    let mass = 0;
    let keep = p.length;
    for (let j = 0; j < p.length; j++) {
      mass += p[j];
      if (mass >= d.topP * total) {
        keep = j + 1;
        break;
      }
    }
    order = order.slice(0, keep);
    p = p.slice(0, keep);
  }
  const sum = p.reduce((a, b) => a + b, 0);
  let cum = 0;
  let index = order[order.length - 1];
  let found = false;
  let margin = Infinity;
  for (let j = 0; j < p.length; j++) {
    cum += p[j] / sum;
    margin = Math.min(margin, Math.abs(d.uniform - cum));
    if (!found && d.uniform < cum) [index, found] = [order[j], true];
  }
  return { index, margin, kept: order };
}
