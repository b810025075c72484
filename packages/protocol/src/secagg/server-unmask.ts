import { x25519 } from '@noble/curves/ed25519.js';
import { equalBytes } from '@noble/curves/utils.js';
import { ProtocolError } from '../protocol-error.js';
import { type Hkdf, hkdfSha256, pairwiseMaskKey, selfMaskKey } from './key-derivation.js';
import { applyMask, createMaskWorkspace, type MaskKeystream } from './mask-expansion.js';
import type { UnmaskResponse } from './messages.js';
import { neighbourhoods, requireStage, type ServerUnmaskStage } from './server.js';
import { decodeShareValue, interpolateSecret, lagrangeCoefficientsAtZero, SHARE_BYTES } from './shamir.js';

/**
 * Stage 3 of the server: check the revealed shares, reconstruct what the unmask request asked
 * for, and strip every mask from the sum.
 */

export interface UnmaskedSum {
  /** Σ quantized updates of the survivors, mod 2^32: see `dequantizeSum`. */
  sum: Uint32Array;
  survivors: number[];
}

/** Sets the unmask checks consult for every share, built once per stage call. */
interface UnmaskContext {
  survivors: Set<number>;
  dropouts: Set<number>;
  neighbours: Map<number, Set<number>>;
}

function unmaskContext(state: ServerUnmaskStage): UnmaskContext {
  const survivors = new Set(state.survivors);
  const neighbours = new Map(
    [...neighbourhoods(state.setup)].map(([client, list]) => [client, new Set(list)]),
  );
  return {
    survivors,
    dropouts: new Set(state.sharedClients.filter((client) => !survivors.has(client))),
    neighbours,
  };
}

/** Validates one unmask response: from a survivor, only shares it holds, of the right kind. */
export function checkUnmaskResponse(
  state: ServerUnmaskStage,
  response: UnmaskResponse,
  context: UnmaskContext = unmaskContext(state),
): void {
  requireStage(state.stage, 'collecting-unmask-responses');
  const { sender } = response;
  if (!context.survivors.has(sender)) {
    throw new ProtocolError('unexpected-message', `client ${sender} is not a survivor of this round`);
  }
  const neighbours = context.neighbours.get(sender)!;
  const check = (shares: UnmaskResponse['seedShares'], owners: Set<number>, kind: string) => {
    const seen = new Set<number>();
    for (const { owner, share } of shares) {
      if (!owners.has(owner) || !(owner === sender || neighbours.has(owner))) {
        throw new ProtocolError(
          'unexpected-message',
          `client ${sender} cannot hold a ${kind} share of ${owner}`,
        );
      }
      if (seen.has(owner)) throw new ProtocolError('duplicate-message', `two ${kind} shares of ${owner}`);
      seen.add(owner);
      if (share.length !== SHARE_BYTES)
        throw new ProtocolError('wrong-length', `a share is ${SHARE_BYTES} bytes`);
    }
  };
  check(response.seedShares, context.survivors, 'seed');
  check(response.keyShares, context.dropouts, 'key');
}

/** Shares received per owner: (holder index, share bytes), decoded only when used. */
type ReceivedShares = Map<number, { x: number; y: Uint8Array }[]>;

/** Reconstructs every owner's secret from its first t shares (by holder index), caching λ per holder set. */
function reconstructAll(owners: readonly number[], shares: ReceivedShares, threshold: number, kind: string) {
  const missing = owners.filter((owner) => (shares.get(owner)?.length ?? 0) < threshold);
  if (missing.length > 0) {
    throw new ProtocolError(
      'too-few-shares',
      `fewer than ${threshold} ${kind} shares for clients ${missing.join(', ')}`,
      {
        owners: missing,
      },
    );
  }
  // With the complete graph every owner's first t holders are the same clients: one λ for all.
  const coefficientCache = new Map<string, bigint[]>();
  return owners.map((owner) => {
    const used = shares
      .get(owner)!
      .sort((a, b) => a.x - b.x)
      .slice(0, threshold);
    const xs = used.map((share) => share.x);
    const cacheKey = xs.join(',');
    let coefficients = coefficientCache.get(cacheKey);
    if (!coefficients) {
      coefficients = lagrangeCoefficientsAtZero(xs);
      coefficientCache.set(cacheKey, coefficients);
    }
    return {
      owner,
      secret: interpolateSecret(
        used.map((share) => decodeShareValue(share.y)),
        coefficients,
      ),
    };
  });
}

/** X25519 (RFC 7748) as a function, so a server can substitute a native implementation. */
export type KeyAgreement = (secretKey: Uint8Array, publicKey: Uint8Array) => Uint8Array;

/**
 * The X25519 base point (u = 9, little-endian): X25519(k, 9) is k's public key (RFC 7748 §6.1), so
 * checking a reconstructed masking key needs no second implementation of the curve.
 */
const X25519_BASE_POINT = Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? 9 : 0));

export interface UnmaskOptions {
  /**
   * The X25519 used to recompute dropouts' pairwise masks, the dominant cost of unmasking with
   * dropouts (one call per dropout and surviving neighbour, plus one per dropout with the base
   * point to check its reconstructed key). Default: noble's (pure JS, about 1 ms a call here); a
   * Node server may pass one backed by `node:crypto` (much faster). It must be the same function:
   * X25519 with RFC 7748 scalar clamping.
   */
  keyAgreement?: KeyAgreement;
  /**
   * The ChaCha20 keystream every mask expansion uses (one per survivor, one per dropout and
   * surviving neighbour). Default: noble's (pure JS); a Node server may pass one backed by
   * `node:crypto`. It must write the same bytes: see {@link MaskKeystream}.
   */
  maskKeystream?: MaskKeystream;
  /**
   * The HKDF-SHA256 that derives every mask key from its seed or shared secret (one call per
   * mask). Default: noble's (pure JS); a Node server may pass one backed by `node:crypto`. It
   * must return the same bytes: see {@link Hkdf}.
   */
  hkdf?: Hkdf;
}

/**
 * Stage 3: removes every mask and returns the exact sum of the survivors' quantized updates.
 * Survivors' self masks come off with their reconstructed seeds; dropouts' masking keys are
 * reconstructed (and checked against their advertised public keys) to recompute and remove the
 * pairwise masks the survivors added with them, straight into the sum through one reusable
 * buffer. Cost: one mask expansion per survivor and one ECDH + expansion per (dropout, surviving
 * neighbour) pair: inherent to the graph, since each pair's mask is an independent stream.
 */
export function serverUnmask(
  state: ServerUnmaskStage,
  responses: Iterable<UnmaskResponse>,
  options: UnmaskOptions = {},
): UnmaskedSum {
  const { setup } = state;
  const derive = options.hkdf ?? hkdfSha256;
  const keyAgreement: KeyAgreement =
    options.keyAgreement ?? ((secretKey, publicKey) => x25519.getSharedSecret(secretKey, publicKey));
  const members = new Map(setup.members.map((member) => [member.index, member]));
  const context = unmaskContext(state);
  const seedShares: ReceivedShares = new Map();
  const keyShares: ReceivedShares = new Map();
  const responders = new Set<number>();
  const collect = (target: ReceivedShares, owner: number, x: number, y: Uint8Array) => {
    const list = target.get(owner);
    if (list) list.push({ x, y });
    else target.set(owner, [{ x, y }]);
  };
  for (const response of responses) {
    checkUnmaskResponse(state, response, context);
    if (responders.has(response.sender)) {
      throw new ProtocolError('duplicate-message', `two unmask responses from client ${response.sender}`);
    }
    responders.add(response.sender);
    for (const { owner, share } of response.seedShares) collect(seedShares, owner, response.sender, share);
    for (const { owner, share } of response.keyShares) collect(keyShares, owner, response.sender, share);
  }
  const dropouts = [...context.dropouts].sort((a, b) => a - b);
  const seeds = reconstructAll(state.survivors, seedShares, setup.threshold, 'self-mask seed');
  const maskingKeys = reconstructAll(dropouts, keyShares, setup.threshold, 'masking key');

  const sum = state.maskedSum.slice();
  const workspace = createMaskWorkspace(setup.vectorLength, options.maskKeystream);
  for (const { owner, secret } of seeds)
    applyMask(sum, selfMaskKey(secret, setup.roundId, owner, derive), -1, workspace);
  for (const { owner: dropout, secret } of maskingKeys) {
    if (!equalBytes(keyAgreement(secret, X25519_BASE_POINT), members.get(dropout)!.maskingPublicKey)) {
      throw new ProtocolError(
        'reconstruction-failed',
        `shares of client ${dropout}'s masking key are inconsistent`,
        {
          owner: dropout,
        },
      );
    }
    for (const neighbour of context.neighbours.get(dropout)!) {
      if (!context.survivors.has(neighbour)) continue;
      const shared = keyAgreement(secret, members.get(neighbour)!.maskingPublicKey);
      // The survivor added +mask if its index is lower than the dropout's, −mask otherwise.
      const survivorSign = neighbour < dropout ? 1 : -1;
      applyMask(
        sum,
        pairwiseMaskKey(shared, setup.roundId, neighbour, dropout, derive),
        survivorSign === 1 ? -1 : 1,
        workspace,
      );
    }
  }
  return { sum, survivors: state.survivors };
}
