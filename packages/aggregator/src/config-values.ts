/**
 * Parsers for single flag values. Each takes the text and the flag's name and returns a value or
 * throws a {@link ConfigError} whose one-line message names the flag and says what is allowed.
 */

/** A bad flag, environment variable or database path; `message` is one line, fit for a terminal. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Port text to an integer in 1..65535 (decimal digits only: no `0x`, `1e3`, `80.0`). */
export function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`invalid port ${JSON.stringify(text)} (an integer from 1 to 65535)`);
  }
  return port;
}

/** A decimal integer in [min, max]; no signs, exponents or fractions. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`invalid --${flag} ${JSON.stringify(text)} (an integer from ${min} to ${max})`);
  }
  return value;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** A finite decimal number (exponents allowed: 1e-6) within the given bounds. */
export function parseNumber(
  flag: string,
  text: string,
  bounds: { min?: number; max?: number; exclusiveMin?: number; exclusiveMax?: number },
  what: string,
): number {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  const ok =
    Number.isFinite(value) &&
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.max === undefined || value <= bounds.max) &&
    (bounds.exclusiveMin === undefined || value > bounds.exclusiveMin) &&
    (bounds.exclusiveMax === undefined || value < bounds.exclusiveMax);
  if (!ok) throw new ConfigError(`invalid --${flag} ${JSON.stringify(text)} (${what})`);
  return value;
}

const DURATION = /^(\d{1,9})(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A duration with its unit (`500ms`, `30s`, `2m`, `1h`) in milliseconds. A bare number is refused:
 * seconds and milliseconds are both plausible and a wrong guess breaks every round.
 */
export function parseDuration(flag: string, text: string, minMs: number, maxMs: number): number {
  const match = DURATION.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
    throw new ConfigError(
      `invalid --${flag} ${JSON.stringify(text)} (a duration with its unit, e.g. 500ms, 30s, 2m; ` +
        `from ${formatDuration(minMs)} to ${formatDuration(maxMs)})`,
    );
  }
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError(`invalid --${flag} ${JSON.stringify(text)} (one of ${choices.join(', ')})`);
  }
  return text as T;
}

/** Comma-separated web origins (`https://example.com`), no paths; `*` is refused for credentials' sake. */
export function parseOrigins(flag: string, text: string): string[] {
  const origins = text
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `invalid --${flag} entry ${JSON.stringify(origin)} (an origin such as https://news.example, no path)`,
      );
    }
  }
  return origins;
}
