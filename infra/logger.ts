import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = 'info', name?: string): Logger {
  return pino({ level, name, base: name ? { component: name } : undefined });
}
