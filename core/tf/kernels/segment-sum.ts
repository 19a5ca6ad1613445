/**
 * The arithmetic of UnsortedSegmentSum, shared by the wasm and cpu kernels: row i of `x`
 * is added into row `segmentIds[i]` of `out`. Ids outside [0, numSegments) are dropped, as in
 * TensorFlow (negative ids) and the stock tfjs kernels.
 *
 * @param out    [numSegments * rowSize], overwritten
 * @param x      [ids.length * rowSize]
 * @param ids    [ids.length]
 */
export function segmentSumRows(
  out: Float32Array | Int32Array,
  x: Float32Array | Int32Array,
  ids: Int32Array,
  rowSize: number,
  numSegments: number,
): void {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] += x[from + j];
  }
}
