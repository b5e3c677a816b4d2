import {
  CalendarFeedQuery,
  CalendarFeedResponse,
  NewCalendarFeedResponse,
  NewNoticeWebhookResponse,
  NoticeListQuery,
  NoticeOrgParams,
  NoticeResponse,
  NoticeWebhookResponse,
  Page,
  PutNoticeWebhookBody,
  withErrors,
} from '@qonduit/contract';
import type { Clock } from '@qonduit/core';
import { notFound } from '@qonduit/core';
import type { Database } from '@qonduit/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { principalOf } from '../../plugins/auth';
import type { OrgService } from '../orgs/orgs.service';
import { actorOf } from '../tokens/tokens.service';
import { tokenExpiryCalendar } from './calendar';
import type { NoticeAccount, NoticeService } from './notices.service';

const tags = ['token notices'];

export const noticeRoutes: FastifyPluginAsyncTypebox<{ notices: NoticeService; orgs: OrgService; db: Kysely<Database>; clock: Clock; publicUrl: string }> = async (
  app,
  { notices, orgs, db, clock, publicUrl },
) => {
  // An organization's notices and webhook concern its provider tokens: the roles that may act on
  // them (org-policy.ts, token_notices) read and configure them. Others get 403, non-members 404.
  async function accountOf(request: FastifyRequest): Promise<NoticeAccount> {
    const { org } = request.params as { org?: string };
    if (org === undefined) return { id: principalOf(request).userId, type: 'user' };
    await orgs.authorize(principalOf(request).userId, org, 'token_notices');
    return { id: org, type: 'organization' };
  }
  const actor = (request: FastifyRequest) => actorOf(principalOf(request), request.ip);

  for (const scope of ['user', 'org'] as const) {
    const base = scope === 'user' ? '/api/v1/user' : '/api/v1/orgs/:org';
    const params = scope === 'user' ? {} : { params: NoticeOrgParams };
    const whose = scope === 'user' ? 'your' : "the organization's";

    app.get(
      `${base}/notices`,
      { config: { access: 'read_api' }, schema: { tags, summary: `Notices about ${whose} tokens, newest first, with their deliveries`, ...params, querystring: NoticeListQuery, response: withErrors({ 200: Page(NoticeResponse) }) } },
      async (request) => notices.list((await accountOf(request)).id, request.query),
    );

    app.get(
      `${base}/notice-webhook`,
      { config: { access: 'read_api' }, schema: { tags, summary: `${whose[0]?.toUpperCase()}${whose.slice(1)} notice webhook (its secret is never shown again)`, ...params, response: withErrors({ 200: NoticeWebhookResponse }) } },
      async (request) => notices.getWebhook(await accountOf(request)),
    );

    app.put(
      `${base}/notice-webhook`,
      {
        config: { access: 'api', rateLimit: 'token_create', stepUp: 'recent_session_or_token' },
        schema: { tags, summary: `Set ${whose} notice webhook; a new signing secret is in this answer only`, ...params, body: PutNoticeWebhookBody, response: withErrors({ 200: NewNoticeWebhookResponse }) },
      },
      async (request) => {
        const account = await accountOf(request);
        return notices.setWebhook(account, { ...actor(request), userId: principalOf(request).userId }, request.body.url);
      },
    );

    app.delete(
      `${base}/notice-webhook`,
      { config: { access: 'api' }, schema: { tags, summary: `Remove ${whose} notice webhook`, ...params, response: withErrors({ 204: Type.Null() }) } },
      async (request, reply) => {
        const account = await accountOf(request);
        await notices.deleteWebhook(account, { ...actor(request), userId: principalOf(request).userId });
        return reply.status(204).send(null);
      },
    );
  }

  app.get(
    '/api/v1/user/calendar-feed',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Your calendar feed of token expiries (its URL is never shown again)', response: withErrors({ 200: CalendarFeedResponse }) } },
    async (request) => notices.getFeed(principalOf(request).userId),
  );

  app.put(
    '/api/v1/user/calendar-feed',
    {
      config: { access: 'api', rateLimit: 'token_create' },
      schema: { tags, summary: 'Create or reset your calendar feed: the old URL stops working, the new one is in this answer only', response: withErrors({ 200: NewCalendarFeedResponse }) },
    },
    async (request) => notices.resetFeed(principalOf(request).userId),
  );

  app.delete(
    '/api/v1/user/calendar-feed',
    { config: { access: 'api' }, schema: { tags, summary: 'Delete your calendar feed', response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await notices.deleteFeed(principalOf(request).userId);
      return reply.status(204).send(null);
    },
  );

  // Calendar applications cannot send headers: the feed token in the query is the credential
  // (logs keep the path only, logger.ts). Unknown and reset tokens answer alike.
  app.get(
    '/api/v1/feeds/token-expiries.ics',
    {
      config: { access: 'public', rateLimit: 'calendar_feed' },
      schema: {
        tags,
        summary: 'The iCalendar feed of token expiries (text/calendar), opened by its feed token',
        querystring: CalendarFeedQuery,
        response: withErrors({ 200: Type.String({ description: 'text/calendar (RFC 5545)' }) }),
      },
    },
    async (request, reply) => {
      const userId = await notices.feedOwner(request.query.feed_token);
      if (!userId) throw notFound('Calendar feed');
      const body = await tokenExpiryCalendar({ db, clock, publicUrl }, userId);
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
    },
  );
};
