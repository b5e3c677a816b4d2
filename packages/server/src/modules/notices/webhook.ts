import { createHmac } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

// Notice webhooks: the URL is the account's choice, the request is the server's. So that a
// webhook cannot make the server probe its own network (SSRF), only https is accepted, no
// credentials in the URL, redirects are never followed, and every address the name resolves
// to (checked at connect time, so a DNS answer that changes after the check cannot slip
// through) must be public, unless the operator allows private ones (QONDUIT_WEBHOOK_ALLOW_PRIVATE,
// which also admits plain http on loopback, for tests and a receiver on the same host).

export const MAX_WEBHOOK_URL = 2000;
const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Private, loopback, link-local, reserved or multicast (an IPv4-mapped IPv6 address as its IPv4). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (mapped) {
    if (mapped.length === 2 && mapped[1]) return PRIVATE.check(mapped[1], 'ipv4');
    const hi = parseInt(mapped[1] ?? '0', 16);
    const lo = parseInt(mapped[2] ?? '0', 16);
    return PRIVATE.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return PRIVATE.check(address, 'ipv6');
}

function isLoopbackName(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why a webhook URL is refused, or null. Checked when it is set and again before each send. */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  if (raw.length > MAX_WEBHOOK_URL) return `must be at most ${MAX_WEBHOOK_URL} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials (the signature authenticates the sender)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    if (!(allowPrivate && isLoopbackName(host))) return 'must use https';
  } else if (url.protocol !== 'https:') {
    return 'must use https';
  }
  if (!allowPrivate && (isLoopbackName(host) || (isIP(host) !== 0 && isPrivateAddress(host)))) {
    return 'must not point at a private, loopback or link-local address';
  }
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that refuses names resolving to any private address. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses;
    const blocked = list.find((a) => isPrivateAddress(a.address));
    if (blocked || list.length === 0) {
      const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private address; webhooks reach public addresses only`);
      refusal.code = 'EPRIVATE';
      return callback(refusal, []);
    }
    if (options.all) return callback(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export interface WebhookSend {
  url: string;
  secret: string;
  deliveryId: string;
  body: string;
  /** Unix seconds (the app's clock). */
  timestamp: number;
  allowPrivate: boolean;
}

/** Posts once; resolves on a 2xx answer, rejects with a reason fit to show the account otherwise. */
export function postWebhook(send: WebhookSend): Promise<void> {
  const problem = webhookUrlProblem(send.url, send.allowPrivate);
  if (problem) return Promise.reject(new Error(`the webhook URL ${problem}`));
  const url = new URL(send.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<void>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        ...(send.allowPrivate ? {} : { lookup: guardedLookup }),
        timeout: TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(send.body),
          'user-agent': 'Qonduit-Notices/1',
          'x-qonduit-delivery': send.deliveryId,
          'x-qonduit-signature': `t=${send.timestamp},v1=${signatureOf(send.secret, send.timestamp, send.body)}`,
        },
      },
      (response) => {
        let seen = 0;
        response.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('error', () => undefined);
        response.on('close', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else if (status >= 300 && status < 400) reject(new Error(`the webhook answered HTTP ${status}; redirects are not followed`));
          else reject(new Error(`the webhook answered HTTP ${status}`));
        });
        response.resume();
      },
    );
    request.on('timeout', () => request.destroy(new Error(`the webhook did not answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', (err) => reject(new Error(`the webhook could not be reached: ${err.message}`)));
    request.end(send.body);
  });
}
