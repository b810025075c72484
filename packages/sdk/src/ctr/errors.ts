/** Typed failures of the CTR model; `code` is stable, the message is for people. */
export type CtrModelErrorCode =
  /** A saved model that is not a Locus CTR model at all. */
  | 'wrong-format'
  /** Weights written for another layout version than this build reads. */
  | 'wrong-layout-version'
  /** Weights for another model shape (or of the wrong length). */
  | 'wrong-shape'
  /** NaN or ±Infinity in weights or calibration. */
  | 'non-finite'
  /** A model version older than one the caller already has. */
  | 'stale-version'
  /** Inputs the model cannot read (lengths, labels). */
  | 'bad-input'
  /** The model was used after dispose(). */
  | 'disposed';

export class CtrModelError extends Error {
  override readonly name = 'CtrModelError';
  constructor(
    readonly code: CtrModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
