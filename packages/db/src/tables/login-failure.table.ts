// Failed log-ins counted per key ("ip:…" or "account:…") and fixed window, in the database so
// that every server process sharing it enforces one limit.
export interface LoginFailureTable {
  key: string;
  window_start: string;
  count: number;
}
