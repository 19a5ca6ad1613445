/** Where each trainable weight lives in one flat Float32Array (model.trainableWeights order). */
export interface FlatLayout {
  shapes: number[][];
  /** Start of weight i, in floats. */
  offsets: number[];
  /** Floats in all. */
  total: number;
}

export function flatLayout(shapes: number[][]): FlatLayout {
  const offsets: number[] = [];
  let total = 0;
  for (const shape of shapes) {
    offsets.push(total);
    total += shape.reduce((a, b) => a * b, 1);
  }
  return { shapes, offsets, total };
}

/** Weight i's slice of a flat buffer (a view, not a copy). */
export function slot(buffer: Float32Array, layout: FlatLayout, i: number): Float32Array {
  const size = layout.shapes[i].reduce((a, b) => a * b, 1);
  return buffer.subarray(layout.offsets[i], layout.offsets[i] + size);
}

/**
 * Splits `size` rows into `parts` contiguous shards as even as possible (larger ones first).
 * @returns [start, end) per shard; shards may be empty when size < parts
 */
export function shardRanges(size: number, parts: number): Array<[number, number]> {
  const base = Math.floor(size / parts);
  const extra = size % parts;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
