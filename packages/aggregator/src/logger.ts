import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

/** JSON lines on stdout (pino's default sink), one `name` for every line, ISO timestamps. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: 'locus-aggregator',
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { pid: process.pid },
  };
  return destination ? pino(options, destination) : pino(options);
}
