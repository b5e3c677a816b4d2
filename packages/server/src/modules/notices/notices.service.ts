import { AppError, credentialHint, newId, newSecret, notFound, openCredential, parseSealed, sealCredential, serializeSealed, sha256Hex } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { Database, NewNoticeDelivery, NewTokenNotice } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { InvalidationBus } from '../../cache/invalidation-bus';
import { decodeCursor, pageOf } from '../../pagination';
import type { AuditService } from '../audit/audit.service';
import type { KeyringHolder } from '../keys/keyring-holder';
import { rolesAllowed } from '../orgs/org-policy';
import { TOKEN_CHANNEL } from '../tokens/token-verifier';
import * as tokenStore from '../tokens/tokens.store';
import { DAY_MS, displayHint, noticeLink, noticeText, noticeTitle, webhookBody } from './notice-message';
import type { NoticeFacts } from './notice-message';
import * as store from './notices.store';
import { postWebhook, webhookUrlProblem } from './webhook';

/** Days before a PAT's expiry at which its owner is told, largest first. */
export const EXPIRY_THRESHOLDS = [30, 7, 1] as const;
/** How long before an inactive token is revoked its owner is told. */
export const INACTIVE_WARNING_DAYS = 7;
/** A delivery is tried this often before it is marked failed (about two days of backoff). */
export const MAX_DELIVERY_ATTEMPTS = 12;
const LEASE_MS = 2 * 60_000;
/** Deliveries one pass sends at most; the next pass takes the rest. */
const DELIVERIES_PER_PASS = 100;
/** Pages of SCAN_BATCH tokens one scan reads at most per kind (10⁶ tokens): a bound, not a limit met in use. */
const MAX_SCAN_PAGES = 2000;
/**
 * Notices are kept this long, then deleted: longer than a token lives (365 days), so that a
 * token's notice for a threshold is never written twice.
 */
export const NOTICE_RETENTION_DAYS = 400;
const MAX_ERROR_LENGTH = 500;
const SLACK_MS = 3_600_000;
const FIRST_PASS_MS = 60_000;

/** A notice to a personal access token's owner (expiring, or unused and to be revoked). */
function patNotice(
  t: { id: string; user_id: string; name: string; hint: string },
  notice: { kind: 'pat_expiring' | 'pat_inactive'; key: string; expiresAt: string; thresholdDays: number; now: Date },
): NewTokenNotice {
  return {
    id: newId(),
    dedupe_key: notice.key,
    kind: notice.kind,
    account_type: 'user',
    account_id: t.user_id,
    organization_id: null,
    token_type: 'personal_access_token',
    token_id: t.id,
    token_name: t.name,
    token_hint: displayHint(t.hint),
    provider: null,
    expires_at: notice.expiresAt,
    threshold_days: notice.thresholdDays,
    created_at: notice.now.toISOString(),
  };
}
export const FEED_TOKEN_PREFIX = 'qdc_';

export interface NoticeSettings {
  smtpUrl: string | null;
  smtpFrom: string;
  publicUrl: string;
  webhookAllowPrivate: boolean;
  tokenInactiveDays: number | null;
}

export interface NoticeAccount {
  id: string;
  type: 'user' | 'organization';
}

/** Backoff after the n-th failed attempt: 1, 2, 4, ... minutes, at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(6 * 3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

/** The smallest threshold the remaining time is within, if the token was made before it began. */
export function thresholdFor(createdAt: string, expiresAt: string, now: Date): number | null {
  const left = Date.parse(expiresAt) - now.getTime();
  if (left <= 0) return null;
  let found: number | null = null;
  for (const t of EXPIRY_THRESHOLDS) {
    // A token created inside the window was made knowing its expiry: no notice for that window
    // (an hour's slack, for a client that computed "in 7 days" a moment before the server stored it).
    if (left <= t * DAY_MS && Date.parse(expiresAt) - Date.parse(createdAt) >= t * DAY_MS - SLACK_MS) found = t;
  }
  return found;
}

function clip(message: string): string {
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

export function createNoticeService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditService;
  bus: InvalidationBus;
  keyring: KeyringHolder;
  log: FastifyBaseLogger;
  settings: NoticeSettings;
}) {
  const { db, clock, audit, bus, keyring, log, settings } = deps;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const mailer: Transporter | null = settings.smtpUrl
    ? nodemailer.createTransport(settings.smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never)
    : null;
  const iso = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();
  const managers = rolesAllowed('token_notices');

  /** The notice and its deliveries in one transaction; false when another server made it first. */
  async function schedule(notice: NewTokenNotice, emails: string[]): Promise<boolean> {
    const webhook = await store.webhookOf(db, notice.account_id);
    return db.transaction().execute(async (trx) => {
      if (!(await store.insertNoticeOnce(trx, notice))) return false;
      const now = iso();
      const rows: NewNoticeDelivery[] = [];
      const base = { notice_id: notice.id, status: 'pending' as const, attempts: 0, next_attempt_at: now, created_at: now };
      if (mailer) for (const email of new Set(emails)) rows.push({ ...base, id: newId(), channel: 'email', recipient: email });
      if (webhook) rows.push({ ...base, id: newId(), channel: 'webhook', recipient: notice.account_id });
      await store.insertDeliveries(trx, rows);
      return true;
    });
  }

  async function scanExpiring(now: Date): Promise<number> {
    let created = 0;
    let after: [string, string] | null = null;
    const until = new Date(now.getTime() + EXPIRY_THRESHOLDS[0] * DAY_MS).toISOString();
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const tokens = await store.patsExpiringBy(db, now.toISOString(), until, after);
      const due = tokens.flatMap((t) => {
        const threshold = thresholdFor(t.created_at, t.expires_at, now);
        return threshold === null ? [] : [{ t, threshold, key: `pat:${t.id}:expiring:${threshold}` }];
      });
      const known = await store.existingKeys(db, due.map((d) => d.key));
      for (const { t, threshold, key } of due) {
        if (known.has(key)) continue;
        const user = await store.userEmail(db, t.user_id);
        if (!user) continue;
        const made = await schedule(patNotice(t, { kind: 'pat_expiring', key, expiresAt: t.expires_at, thresholdDays: threshold, now }), [user.email]);
        if (made) created++;
      }
      const last = tokens.at(-1);
      if (!last || tokens.length < store.SCAN_BATCH) break;
      after = [last.expires_at, last.id];
    }
    return created;
  }

  /** Inactive tokens: a notice when revocation is a warning period away, revocation after it. */
  async function scanInactive(now: Date, inactiveDays: number): Promise<{ created: number; revoked: number }> {
    let created = 0;
    let revoked = 0;
    const warning = Math.min(INACTIVE_WARNING_DAYS, inactiveDays);
    const noticeFrom = new Date(now.getTime() - (inactiveDays - warning) * DAY_MS).toISOString();
    let after: string | null = null;
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const tokens = await store.patsUnusedSince(db, now.toISOString(), noticeFrom, after);
      for (const t of tokens) {
        const lastUse = t.last_used_at ?? t.created_at;
        // Keyed by the last use: a token used after its notice and idle again gets a new one.
        const key = `pat:${t.id}:inactive:${lastUse}`;
        const revokeAt = Date.parse(lastUse) + inactiveDays * DAY_MS;
        const notice = await store.noticeByKey(db, key);
        if (!notice) {
          const user = await store.userEmail(db, t.user_id);
          if (!user) continue;
          // Its date is when the token will be revoked: the notice gives the owner the whole warning period.
          const revokesAt = new Date(Math.max(revokeAt, now.getTime() + warning * DAY_MS)).toISOString();
          const made = await schedule(patNotice(t, { kind: 'pat_inactive', key, expiresAt: revokesAt, thresholdDays: warning, now }), [user.email]);
          if (made) created++;
          continue;
        }
        // Revoked only once it is unused for the whole period and its notice had the warning period.
        if (now.getTime() < revokeAt || now.getTime() < Date.parse(notice.created_at) + warning * DAY_MS) continue;
        const done = await bus.transaction(db, async (trx, invalidate) => {
          if (!(await tokenStore.revokeToken(trx, t.id, now.toISOString(), 'inactive'))) return false;
          await invalidate(TOKEN_CHANNEL, t.id);
          await audit.record(
            {
              account: { id: t.user_id, type: 'user' },
              actor: { userId: null, tokenId: null, ip: null },
              action: 'personal_access_token.revoked_inactive',
              target: { type: 'personal_access_token', id: t.id, name: t.name },
              details: { actor: 'system', inactive_days: inactiveDays, last_used_at: t.last_used_at },
            },
            trx,
          );
          return true;
        });
        if (done) revoked++;
      }
      const last = tokens.at(-1);
      if (!last || tokens.length < store.SCAN_BATCH) break;
      after = last.id;
    }
    return { created, revoked };
  }

  async function scanProviderTokens(now: Date): Promise<number> {
    let created = 0;
    let after: string | null = null;
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const rows = await store.failedOrgProviderTokens(db, after);
      // Keyed by the stored credential: replacing it (updated_at) and failing again is a new notice.
      const keyOf = (r: (typeof rows)[number]) => `provider:${r.id}:failed:${r.updated_at}`;
      const known = await store.existingKeys(db, rows.map(keyOf));
      for (const r of rows) {
        if (known.has(keyOf(r))) continue;
        const hints = JSON.parse(r.hints) as Record<string, string>;
        const hint = Object.values(hints)[0] ?? null;
        const emails = (await store.memberEmails(db, r.account_id, managers)).map((m) => m.email);
        const made = await schedule(
          {
            id: newId(),
            dedupe_key: keyOf(r),
            kind: 'provider_token_failed',
            account_type: 'organization',
            account_id: r.account_id,
            organization_id: r.account_id,
            token_type: 'provider_token',
            token_id: r.id,
            token_name: `${r.organization_name} ${r.provider}`,
            token_hint: hint ? String(hint).slice(0, 40) : null,
            provider: r.provider,
            expires_at: null,
            threshold_days: null,
            created_at: now.toISOString(),
          },
          emails,
        );
        if (made) created++;
      }
      const last = rows.at(-1);
      if (!last || rows.length < store.SCAN_BATCH) break;
      after = last.id;
    }
    return created;
  }

  function openSecret(row: { account_id: string; sealed_secret: string }): string {
    const parsed = parseSealed(row.sealed_secret);
    if (!parsed.ok) throw new Error('the webhook secret is not a sealed record');
    const aad = { accountId: row.account_id, provider: 'notice-webhook', recordId: row.account_id };
    let result = openCredential(keyring.current(), parsed.sealed, aad);
    if (!result.ok && result.reason === 'unknown_key') result = openCredential(keyring.reload(), parsed.sealed, aad);
    if (!result.ok) throw new Error('the webhook secret cannot be opened with the master key; set the webhook again');
    const secret = result.credential.secret;
    if (!secret) throw new Error('the webhook secret is missing; set the webhook again');
    return secret;
  }

  async function send(delivery: NonNullable<Awaited<ReturnType<typeof store.deliveryWithNotice>>>): Promise<void> {
    const facts: NoticeFacts = delivery;
    if (delivery.channel === 'email') {
      if (!mailer) throw new Error('e-mail is no longer configured on this server');
      let organizationName: string | null = null;
      if (facts.account_type === 'organization') {
        organizationName = (await db.selectFrom('organizations').select('name').where('id', '=', facts.account_id).executeTakeFirst())?.name ?? null;
      }
      await mailer.sendMail({
        from: settings.smtpFrom,
        to: delivery.recipient,
        subject: noticeTitle(facts, settings.tokenInactiveDays),
        text: noticeText(facts, { publicUrl: settings.publicUrl, inactiveDays: settings.tokenInactiveDays, organizationName }),
        messageId: `<${delivery.delivery_id}@qonduit>`,
        date: clock.now(),
        headers: { 'X-Qonduit-Notice': facts.id, 'Auto-Submitted': 'auto-generated' },
      });
      return;
    }
    const hook = await store.webhookOf(db, delivery.recipient);
    if (!hook) throw new Error('the webhook was removed');
    await postWebhook({
      url: hook.url,
      secret: openSecret(hook),
      // One id per notice: a receiver that got it before ignores a retry.
      deliveryId: facts.id,
      body: webhookBody(facts, { publicUrl: settings.publicUrl, inactiveDays: settings.tokenInactiveDays }),
      timestamp: Math.floor(clock.now().getTime() / 1000),
      allowPrivate: settings.webhookAllowPrivate,
    });
  }

  function toNoticeResponse(n: NoticeFacts, deliveries: Awaited<ReturnType<typeof store.deliveriesOf>>) {
    return {
      id: n.id,
      kind: n.kind,
      title: noticeTitle(n, settings.tokenInactiveDays),
      token_type: n.token_type,
      token_id: n.token_id,
      token_name: n.token_name,
      token_hint: n.token_hint,
      provider: n.provider,
      expires_at: n.expires_at,
      threshold_days: n.threshold_days,
      created_at: n.created_at,
      link: noticeLink(settings.publicUrl, n),
      deliveries: deliveries
        .filter((d) => d.notice_id === n.id)
        .map((d) => ({ channel: d.channel, status: d.status, attempts: d.attempts, last_error: d.last_error, next_attempt_at: d.status === 'pending' ? d.next_attempt_at : null, sent_at: d.sent_at })),
    };
  }

  let timer: NodeJS.Timeout | null = null;
  let first: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const service = {
    /** Writes every notice now due (each once, whichever server gets there first); revokes inactive tokens. */
    async scan(): Promise<{ created: number; revoked: number }> {
      const now = clock.now();
      await store.deleteNoticesBefore(db, new Date(now.getTime() - NOTICE_RETENTION_DAYS * DAY_MS).toISOString());
      let created = await scanExpiring(now);
      created += await scanProviderTokens(now);
      let revoked = 0;
      if (settings.tokenInactiveDays !== null) {
        const inactive = await scanInactive(now, settings.tokenInactiveDays);
        created += inactive.created;
        revoked = inactive.revoked;
      }
      return { created, revoked };
    },

    /** Sends due deliveries, each leased so that no other server sends it at the same time. */
    async deliver(): Promise<{ sent: number; failed: number }> {
      let sent = 0;
      let failed = 0;
      const due = await store.dueDeliveries(db, iso(), DELIVERIES_PER_PASS);
      for (const { id } of due) {
        const token = `${owner}:${randomBytes(6).toString('hex')}`;
        if (!(await store.claim(db, id, token, iso(), iso(LEASE_MS)))) continue;
        const delivery = await store.deliveryWithNotice(db, id);
        if (!delivery) continue;
        // A notice about a token revoked (or expired) since it was written is not worth sending.
        if (delivery.token_type === 'personal_access_token' && !(await store.patIsLive(db, delivery.token_id, iso()))) {
          await store.finish(db, id, token, { status: 'failed', last_error: 'not sent: the token was revoked or has expired meanwhile' });
          continue;
        }
        try {
          await send(delivery);
          await store.finish(db, id, token, { status: 'sent', sent_at: iso(), attempts: delivery.attempts + 1, last_error: null });
          sent++;
        } catch (err) {
          const attempts = delivery.attempts + 1;
          const message = clip(err instanceof Error ? err.message : String(err));
          const final = attempts >= MAX_DELIVERY_ATTEMPTS;
          log.warn({ notice_id: delivery.id, channel: delivery.channel, attempts, error: message }, 'a token notice could not be delivered');
          await store.finish(db, id, token, {
            status: final ? 'failed' : 'pending',
            attempts,
            last_error: message,
            next_attempt_at: final ? iso() : iso(retryDelayMs(attempts)),
          });
          failed++;
        }
      }
      return { sent, failed };
    },

    /** scan, then deliver: what the timer runs on every server. */
    async tick(): Promise<void> {
      if (running) return running;
      running = (async () => {
        try {
          await service.scan();
          await service.deliver();
        } catch (err) {
          log.warn({ err }, 'the token notice pass failed');
        } finally {
          running = null;
        }
      })();
      return running;
    },

    start(intervalMs: number): void {
      if (timer) return;
      timer = setInterval(() => void service.tick(), intervalMs);
      timer.unref();
      // A first pass soon after start, so that a server restarted more often than the interval still sends.
      first = setTimeout(() => void service.tick(), Math.min(intervalMs, FIRST_PASS_MS));
      first.unref();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      if (first) clearTimeout(first);
      timer = null;
      first = null;
      await running;
      mailer?.close();
    },

    async list(accountId: string, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50;
      const rows = await store.listNotices(db, accountId, limit + 1, decodeCursor(query.cursor, 2));
      const page = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      const deliveries = await store.deliveriesOf(db, page.items.map((n) => n.id));
      return { items: page.items.map((n) => toNoticeResponse(n, deliveries)), next_cursor: page.next_cursor };
    },

    async getWebhook(account: NoticeAccount) {
      const row = await store.webhookOf(db, account.id);
      if (!row) throw notFound('Webhook');
      return { url: row.url, secret_hint: row.secret_hint, created_at: row.created_at };
    },

    /** Sets (or replaces) the account's webhook with a fresh signing secret, shown in this answer only. */
    async setWebhook(account: NoticeAccount, actor: { userId: string; tokenId: string | null; ip: string | null }, url: string) {
      const problem = webhookUrlProblem(url, settings.webhookAllowPrivate);
      if (problem) throw new AppError('validation_failed', `url ${problem}`, { details: [{ field: 'url', message: problem }] });
      const secret = `qdw_${newSecret(32)}`;
      const sealed = sealCredential(keyring.current(), { secret }, { accountId: account.id, provider: 'notice-webhook', recordId: account.id });
      const now = iso();
      const row = {
        account_id: account.id,
        account_type: account.type,
        organization_id: account.type === 'organization' ? account.id : null,
        url,
        sealed_secret: serializeSealed(sealed),
        key_id: sealed.key_id,
        secret_hint: `qdw_…${credentialHint(secret)}`,
        created_at: now,
        created_by: actor.userId,
      };
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('notice_webhooks').where('account_id', '=', account.id).execute();
        await trx.insertInto('notice_webhooks').values(row).execute();
        await audit.record({ account, actor, action: 'notice_webhook.set', target: { type: 'notice_webhook', id: account.id }, details: { url_host: new URL(url).host } }, trx);
      });
      return { url, secret, secret_hint: row.secret_hint, created_at: now };
    },

    async deleteWebhook(account: NoticeAccount, actor: { userId: string; tokenId: string | null; ip: string | null }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('notice_webhooks').where('account_id', '=', account.id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) throw notFound('Webhook');
        await audit.record({ account, actor, action: 'notice_webhook.deleted', target: { type: 'notice_webhook', id: account.id } }, trx);
      });
    },

    async getFeed(userId: string) {
      const row = await db.selectFrom('calendar_feeds').select(['hint', 'created_at']).where('user_id', '=', userId).executeTakeFirst();
      if (!row) throw notFound('Calendar feed');
      return row;
    },

    /** A new feed token (the old one stops working); the token is in this answer only. */
    async resetFeed(userId: string) {
      const token = `${FEED_TOKEN_PREFIX}${newSecret(32)}`;
      const row = { user_id: userId, token_digest: sha256Hex(token), hint: `${FEED_TOKEN_PREFIX}…${token.slice(-4)}`, created_at: iso() };
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
        await trx.insertInto('calendar_feeds').values(row).execute();
      });
      return { hint: row.hint, created_at: row.created_at, feed_token: token, url: feedUrl(settings.publicUrl, token) };
    },

    async deleteFeed(userId: string): Promise<void> {
      const result = await db.deleteFrom('calendar_feeds').where('user_id', '=', userId).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound('Calendar feed');
    },

    /** The user whose feed this token opens, or null (unknown, malformed or reset). */
    async feedOwner(token: string): Promise<string | null> {
      if (!token.startsWith(FEED_TOKEN_PREFIX)) return null;
      const row = await db.selectFrom('calendar_feeds').select('user_id').where('token_digest', '=', sha256Hex(token)).executeTakeFirst();
      return row?.user_id ?? null;
    },
  };
  return service;
}

export function feedUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/api/v1/feeds/token-expiries.ics?feed_token=${encodeURIComponent(token)}`;
}

export type NoticeService = ReturnType<typeof createNoticeService>;
