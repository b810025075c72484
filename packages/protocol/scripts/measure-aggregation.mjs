#!/usr/bin/env node
// One-off measurement of the aggregator's hot path, not a test: how long the server needs to sum
// and unmask N masked updates of an L-parameter model, with and without dropouts, and how large a
// masked update is on the wire. Run after `pnpm --filter @locus/protocol build`:
//   node packages/protocol/scripts/measure-aggregation.mjs [clients=100] [parameters=10000]
import { createCipheriv, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import {
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
  cohortFieldOf,
  createChaCha20RandomSource,
  createRoundToken,
  encodeMessage,
  maskedInputSubmissionOf,
  PROTOCOL_VERSION,
  parseMessage,
  randomUint32s,
  serverCollectKeys,
  serverRouteShares,
  serverSumMaskedInputs,
  serverUnmask,
} from '../dist/index.js';

const clients = Number(process.argv[2] ?? 100);
const vectorLength = Number(process.argv[3] ?? 10_000);
const neighbourCount = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const repeats = 5;
const random = createChaCha20RandomSource(new Uint8Array(32).fill(7));
// What an aggregator on Node can inject as serverUnmask's keyAgreement: OpenSSL's X25519 (RFC 7748,
// same clamping), keys wrapped in their fixed PKCS#8 / SPKI DER prefixes. Key objects are cached:
// parsing them costs twice the agreement itself, and each key is used against many peers.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const privateKeys = new Map();
const publicKeys = new Map();
const cached = (cache, bytes, create) => {
  const key = Buffer.from(bytes).toString('hex');
  if (!cache.has(key)) cache.set(key, create());
  return cache.get(key);
};
const nodeKeyAgreement = (secretKey, publicKey) =>
  new Uint8Array(
    diffieHellman({
      privateKey: cached(privateKeys, secretKey, () =>
        createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secretKey]), format: 'der', type: 'pkcs8' }),
      ),
      publicKey: cached(publicKeys, publicKey, () =>
        createPublicKey({ key: Buffer.concat([SPKI_X25519, publicKey]), format: 'der', type: 'spki' }),
      ),
    }),
  );

// What it can inject as serverUnmask's maskKeystream: OpenSSL's ChaCha20 over zeros. Its 16-byte IV
// is the 32-bit block counter (little-endian) then the 96-bit nonce, so all zeros is the protocol's
// counter 0, nonce 0 (the aggregator's native-chacha20.ts tests the bytes).
let zeros = Buffer.alloc(0);
const nodeMaskKeystream = (key, output) => {
  if (zeros.length < output.length) zeros = Buffer.alloc(output.length);
  output.set(createCipheriv('chacha20', key, Buffer.alloc(16)).update(zeros.subarray(0, output.length)));
};

// Client side (not timed): every client shares keys and masks its update.
const start = performance.now();
const keyed = Array.from({ length: clients }, () => clientAdvertiseKeys(random));
const collected = serverCollectKeys(
  { roundId: 'measure', vectorLength, random, ...(neighbourCount ? { neighbourCount } : {}) },
  keyed.map((client) => client.publicKeys),
);
const shared = keyed.map((client) =>
  clientShareKeys(client.state, collected.setup, { random, minimumThreshold: 2 }),
);
const routed = serverRouteShares(
  collected.state,
  shared.map((client) => client.submission),
);
const masked = shared.map((client) =>
  clientMaskInput(client.state, routed.inboxes.get(client.state.index), randomUint32s(random, vectorLength)),
);
const clientSeconds = (performance.now() - start) / 1000;

const token = createRoundToken(random);
const wireTexts = masked.map(({ submission }) =>
  encodeMessage('masked-input-request', {
    protocolVersion: PROTOCOL_VERSION,
    roundId: 'measure',
    token,
    clientIndex: submission.sender,
    maskedInput: submission.maskedInput,
  }),
);

function measure(dropoutCount, keyAgreementName) {
  const options =
    keyAgreementName === 'node:crypto'
      ? { keyAgreement: nodeKeyAgreement }
      : keyAgreementName === 'node:crypto + chacha20'
        ? { keyAgreement: nodeKeyAgreement, maskKeystream: nodeMaskKeystream }
        : {};
  const survivors = masked.slice(0, clients - dropoutCount);
  const parseTimes = [];
  const sumTimes = [];
  const unmaskTimes = [];
  for (let k = 0; k < repeats; k++) {
    let t = performance.now();
    const submissions = wireTexts
      .slice(0, survivors.length)
      .map((text) => maskedInputSubmissionOf(parseMessage('masked-input-request', text, { vectorLength })));
    parseTimes.push(performance.now() - t);
    t = performance.now();
    const summed = serverSumMaskedInputs(routed.state, submissions);
    sumTimes.push(performance.now() - t);
    // Client answers are not the server's time.
    const responses = survivors.map(({ state }) => clientAnswerUnmask(state, summed.unmaskRequest).response);
    privateKeys.clear();
    publicKeys.clear();
    t = performance.now();
    serverUnmask(summed.state, responses, options);
    unmaskTimes.push(performance.now() - t);
  }
  // The machine is shared: the fastest repetition is the least disturbed one.
  const sum = Math.min(...sumTimes);
  const unmask = Math.min(...unmaskTimes);
  const parse = Math.min(...parseTimes);
  return {
    keyAgreement: keyAgreementName,
    dropouts: dropoutCount,
    inputs: survivors.length,
    parseMs: parse.toFixed(1),
    sumMs: sum.toFixed(1),
    unmaskMs: unmask.toFixed(1),
    updatesPerSecond: Math.round(survivors.length / ((sum + unmask) / 1000)),
    withParsingPerSecond: Math.round(survivors.length / ((sum + unmask + parse) / 1000)),
  };
}

console.log(
  `${clients} clients, ${vectorLength} parameters, ${
    neighbourCount ? `${neighbourCount} neighbours` : 'complete graph'
  }, threshold ${collected.setup.threshold}; client side took ${clientSeconds.toFixed(1)} s in total`,
);
// Bytes one client sends (↑) and receives (↓) in a round, as JSON.
const first = shared[0].submission;
const unmaskAnswer = clientAnswerUnmask(masked[0].state, {
  survivors: masked.map(({ state }) => state.index),
  dropouts: [],
}).response;
const envelope = { protocolVersion: PROTOCOL_VERSION, roundId: 'measure', token, clientIndex: first.sender };
const sizes = {
  '↑ check-in request': encodeMessage('check-in-request', {
    protocolVersion: PROTOCOL_VERSION,
    modelId: 'locus-ctr',
    modelVersion: 12,
    publicKeys: keyed[0].publicKeys,
  }).length,
  '↓ check-in response (accepted, cohort keys)': encodeMessage('check-in-response', {
    protocolVersion: PROTOCOL_VERSION,
    status: 'accepted',
    roundId: 'measure',
    token,
    clientIndex: 1,
    model: { modelId: 'locus-ctr', version: 12, layoutVersion: 1, updatedAt: new Date(0).toISOString() },
    clippingBound: 0.5,
    maxSummands: clients,
    noiseMultiplier: 1,
    cohort: cohortFieldOf(collected.setup),
  }).length,
  '↑ share-keys request': encodeMessage('share-keys-request', { ...envelope, shares: first.shares }).length,
  '↓ routed shares': encodeMessage('routed-shares', {
    protocolVersion: PROTOCOL_VERSION,
    roundId: 'measure',
    shares: routed.inboxes.get(1),
  }).length,
  '↑ masked-input request': wireTexts[0].length,
  '↑ unmask response (no dropouts)': encodeMessage('unmask-response', {
    ...envelope,
    seedShares: unmaskAnswer.seedShares,
    keyShares: unmaskAnswer.keyShares,
  }).length,
};
const upload = Object.entries(sizes)
  .filter(([name]) => name.startsWith('↑'))
  .reduce((total, [, bytes]) => total + bytes, 0);
console.table(Object.entries(sizes).map(([message, bytes]) => ({ message, bytes })));
console.log(`upload per client per round: ${upload} bytes (${4 * vectorLength} bytes of masked words)`);
const dropouts = Math.floor(clients * 0.3);
console.table([
  measure(0, 'noble'),
  measure(0, 'node:crypto + chacha20'),
  measure(dropouts, 'noble'),
  measure(dropouts, 'node:crypto'),
  measure(dropouts, 'node:crypto + chacha20'),
]);
