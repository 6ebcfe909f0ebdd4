/**
 * The engine's activity-log port. Messages are supervisord's exact wording (spec §2); the daemon plugs its
 * pino-based logger in, with supervisord's level names (critical CRIT 50 … blather BLAT 3).
 */
export interface EngineLogger {
  critical(message: string): void;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  blather(message: string): void;
}

export type EngineLogLevel = keyof EngineLogger;

/** A logger that drops everything (the default when none is injected). */
export const nullLogger: EngineLogger = {
  critical() {},
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  blather() {},
};
