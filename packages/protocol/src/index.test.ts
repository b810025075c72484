import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CTR_MODEL_ID,
  type ErrorResponse,
  type HealthResponse,
  type ModelInfo,
  PROTOCOL_VERSION,
} from './index.js';

describe('@locus/protocol', () => {
  it('exports the wire version and the CTR model id', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(CTR_MODEL_ID).toBe('locus-ctr');
  });

  it('types the health response as JSON-safe data', () => {
    const health: HealthResponse = {
      status: 'ok',
      protocolVersion: PROTOCOL_VERSION,
      model: { modelId: CTR_MODEL_ID, version: 0, layoutVersion: 1, updatedAt: '2025-01-01T00:00:00.000Z' },
    };
    expect(JSON.parse(JSON.stringify(health))).toEqual(health);
    expectTypeOf(health.model).toEqualTypeOf<ModelInfo>();
    expectTypeOf<ErrorResponse['error']['message']>().toEqualTypeOf<string>();
  });
});
