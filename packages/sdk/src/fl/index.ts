/** Federated learning, the device's side: one round of the secure-aggregation protocol over HTTP. */
export { type Fetch, FlHttp, FlHttpError } from './http.js';
export {
  type GlobalModel,
  type RoundOptions,
  type RoundReport,
  type RoundStage,
  runFederatedRound,
} from './round-client.js';
