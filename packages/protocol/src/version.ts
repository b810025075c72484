/**
 * Version of the client ↔ aggregator wire protocol. Bumped on any breaking change to a message
 * shape or meaning; clients refuse to talk to a server that reports another version.
 */
export const PROTOCOL_VERSION = 1;
