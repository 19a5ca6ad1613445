/** Model dimensions that set the arithmetic. */
export interface ModelSize {
  V: number;
  E: number;
  H: number;
  L: number;
}

/**
 * FLOPs (multiply and add counted separately) of one forward pass of one example: L GRU steps
 * (input and recurrent products of three gates) and the Dense layer. Elementwise work is left out.
 */
export function forwardFlops({ V, E, H, L }: ModelSize): number {
  return L * (2 * E * 3 * H + 2 * H * 3 * H) + 2 * H * V;
}

/** A training example costs its forward pass and a backward pass of about twice that. */
export const trainingFlops = (size: ModelSize): number => 3 * forwardFlops(size);
