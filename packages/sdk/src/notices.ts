import type * as C from '@qonduit/contract';
import type { Static } from 'typebox';
import type { RequestOptions, Transport } from './http';

// Token notices (expiring, unused and failing tokens), the webhook that receives them, and the
// calendar feed of expiries. Types are the contract's schemas.

export type Notice = Static<typeof C.NoticeResponse>;
export type NoticePage = { items: Notice[]; next_cursor: string | null };
export type NoticeWebhook = Static<typeof C.NoticeWebhookResponse>;
export type NewNoticeWebhook = Static<typeof C.NewNoticeWebhookResponse>;
export type CalendarFeed = Static<typeof C.CalendarFeedResponse>;
export type NewCalendarFeed = Static<typeof C.NewCalendarFeedResponse>;
export interface NoticeListQuery {
  limit?: number;
  cursor?: string;
}

const enc = encodeURIComponent;

function webhookApi(request: Transport, base: string) {
  return {
    get: (options?: RequestOptions) => request<NoticeWebhook>({ method: 'GET', path: `${base}/notice-webhook` }, options),
    /** The answer holds the signing secret: it is shown only this once. */
    set: (url: string, options?: RequestOptions) => request<NewNoticeWebhook>({ method: 'PUT', path: `${base}/notice-webhook`, body: { url } }, options),
    remove: async (options?: RequestOptions) => {
      await request<unknown>({ method: 'DELETE', path: `${base}/notice-webhook` }, options);
    },
  };
}

export function createNoticesApi(request: Transport) {
  return {
    /** Notices about your tokens, newest first, with how each was delivered. */
    list: (query: NoticeListQuery = {}, options?: RequestOptions) =>
      request<NoticePage>({ method: 'GET', path: '/api/v1/user/notices', query: { ...query } }, options),
    /** An organization's notices (its provider tokens); owners and maintainers. */
    listForOrg: (org: string, query: NoticeListQuery = {}, options?: RequestOptions) =>
      request<NoticePage>({ method: 'GET', path: `/api/v1/orgs/${enc(org)}/notices`, query: { ...query } }, options),
    webhook: webhookApi(request, '/api/v1/user'),
    orgWebhook: (org: string) => webhookApi(request, `/api/v1/orgs/${enc(org)}`),
    calendarFeed: {
      get: (options?: RequestOptions) => request<CalendarFeed>({ method: 'GET', path: '/api/v1/user/calendar-feed' }, options),
      /** Creates the feed, or replaces its URL (the old one stops working); the answer holds the URL, shown only this once. */
      reset: (options?: RequestOptions) => request<NewCalendarFeed>({ method: 'PUT', path: '/api/v1/user/calendar-feed' }, options),
      remove: async (options?: RequestOptions) => {
        await request<unknown>({ method: 'DELETE', path: '/api/v1/user/calendar-feed' }, options);
      },
    },
  };
}

export type NoticesApi = ReturnType<typeof createNoticesApi>;
