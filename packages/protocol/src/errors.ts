/** Machine-readable error codes the aggregator answers with; clients must tolerate unknown ones. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal'
  | 'unavailable'
  | (string & {});

/** Body of every non-2xx aggregator response. */
export interface ErrorResponse {
  error: {
    code: ErrorCode;
    /** Human-readable, for logs; never parse it. */
    message: string;
  };
}
