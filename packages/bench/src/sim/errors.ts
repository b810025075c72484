export type SimulationErrorCode = 'invalid-options' | 'inconsistent-round' | 'aggregate-mismatch';

/** A simulation that cannot run as configured, or whose rounds disagree with the protocol. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  constructor(
    readonly code: SimulationErrorCode,
    message: string,
  ) {
    super(message);
  }
}
