import { type HealthResponse, PROTOCOL_VERSION } from '@locus/protocol';
import { Hono } from 'hono';
import { unavailable } from '../http/http-error.js';
import type { ModelRecord, Store } from '../store/index.js';

/** `GET /healthz`: liveness plus the protocol and model version served; 503 when the store fails. */
export function healthRoutes(store: Store) {
  return new Hono().get('/healthz', async (c) => {
    let model: ModelRecord;
    try {
      model = await store.currentModel();
    } catch (error) {
      throw unavailable('store unavailable', error);
    }
    const body: HealthResponse = {
      status: 'ok',
      protocolVersion: PROTOCOL_VERSION,
      model: {
        modelId: model.modelId,
        version: model.version,
        layoutVersion: model.layoutVersion,
        updatedAt: model.createdAt,
      },
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}
