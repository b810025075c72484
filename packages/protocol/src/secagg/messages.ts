/**
 * The secure-aggregation messages as in-memory values (bytes as Uint8Array, vectors as
 * Uint32Array). `wire/` turns them into versioned JSON and back.
 */

/** Client → server, stage 1: one sealed share pair per neighbour. */
export interface ShareSubmission {
  sender: number;
  shares: { recipient: number; ciphertext: Uint8Array }[];
}

/** Server → one client, after stage 1: the sealed share pairs addressed to it. */
export interface RoutedShare {
  sender: number;
  ciphertext: Uint8Array;
}

/** Client → server, stage 2: the masked, quantized update. */
export interface MaskedInputSubmission {
  sender: number;
  maskedInput: Uint32Array;
}

/**
 * Server → clients, stage 3: whose masked input arrived (reveal their self-mask seed shares) and
 * who shared keys but sent no input (reveal their masking-key shares). Disjoint, sorted.
 */
export interface UnmaskRequest {
  survivors: number[];
  dropouts: number[];
}

/** One revealed share: the share held by the responder of `owner`'s secret. */
export interface RevealedShare {
  owner: number;
  share: Uint8Array;
}

/** Client → server, stage 3. */
export interface UnmaskResponse {
  sender: number;
  seedShares: RevealedShare[];
  keyShares: RevealedShare[];
}
