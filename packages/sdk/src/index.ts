export { Qonduit, SDK_VERSION, paginate } from './client';
export { INPUT_FORMATS, JOB_STATUSES, ROLES, SCOPES, isScope } from './constants';
export type { OrgOption, QonduitOptions } from './client';
export {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  JobCancelledError,
  NotFoundError,
  PermissionError,
  ProviderError,
  QonduitError,
  RateLimitError,
  SecondFactorRequiredError,
  ValidationError,
} from './errors';
export type { QonduitErrorCode } from './errors';
export { CookieJar, DEFAULT_RETRY } from './http';
export type { RequestOptions, RetryPolicy } from './http';
export { DEFAULT_SHOTS, TERMINAL_STATUSES, detectInputFormat } from './jobs';
export { shortId, shortIds } from './ids';
export type { Circuit, IonqCircuit, JobRun, JobsApi, RunOptions, WaitOptions } from './jobs';
export { DEFAULT_BASE_URL, configDir, configFilePath, parseCliConfig, readCliConfig, sameServer } from './cli-config';
export type { CliConfig, CliContext, Env } from './cli-config';
export type * from './types';
export type { TokenPolicyApi } from './token-policy';
export type { CalendarFeed, NewCalendarFeed, NewNoticeWebhook, Notice, NoticeListQuery, NoticePage, NoticeWebhook, NoticesApi } from './notices';
