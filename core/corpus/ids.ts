import { BREAK_ID } from "./tokenize.ts";

/** Splits a stored id stream (documents separated by break markers) back into documents. */
export function documentsOfIds(ids: ArrayLike<number>): number[][] {
  const docs: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === BREAK_ID) {
      docs.push(current);
      current = [];
    } else current.push(ids[i]);
  }
  if (current.length) docs.push(current);
  return docs;
}

/** int32 ids ↔ little-endian bytes, as stored in ModelVersion.corpusIds. */
export const idsToBytes = (ids: Int32Array): Uint8Array => {
  const out = new Uint8Array(ids.length * 4);
  const view = new DataView(out.buffer);
  ids.forEach((id, i) => view.setInt32(i * 4, id, true));
  return out;
};

export const bytesToIds = (bytes: Uint8Array): Int32Array => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
};
