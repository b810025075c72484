/**
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): a browser or extension setting
 * by which the user asks sites not to sell or share their data. Locus reads it as "no profiling,
 * no federated learning"; contextual ads (page vs ad text) and measurement still work.
 */
export function globalPrivacyControl(nav: unknown = globalThis.navigator): boolean {
  return (nav as { globalPrivacyControl?: unknown } | undefined)?.globalPrivacyControl === true;
}
