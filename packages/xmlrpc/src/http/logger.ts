/** Where the HTTP layer reports what supervisord would log (levels as supervisord names them). All optional. */
export interface RpcLogger {
  trace?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
  critical?(message: string): void;
}

