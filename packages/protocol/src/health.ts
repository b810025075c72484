import type { ModelInfo } from './model.js';

/** Body of `GET /healthz`: the server is up and which protocol and model version it serves. */
export interface HealthResponse {
  status: 'ok';
  /** The server's `PROTOCOL_VERSION`. */
  protocolVersion: number;
  model: ModelInfo;
}
