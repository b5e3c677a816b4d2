import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock, PasswordHasher } from '@qonduit/core';
import type { DbHandle } from '@qonduit/db';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config';
import { loggerOptions } from './logger';
import { accountRoutes } from './modules/accounts/accounts.routes';
import { createAccountService } from './modules/accounts/accounts.service';
import { createInvalidationBus } from './cache/invalidation-bus';
import { auditRoutes } from './modules/audit/audit.routes';
import { createAuditService } from './modules/audit/audit.service';
import { createTokenVerifier } from './modules/tokens/token-verifier';
import type { TokenVerifier } from './modules/tokens/token-verifier';
import { tokenRoutes } from './modules/tokens/tokens.routes';
import { createTokenService } from './modules/tokens/tokens.service';
import type { KeyringHolder } from './modules/keys/keyring-holder';
import { checkKeyOpensNewestRecord } from './modules/keys/server-keyring';
import { providerTokenRoutes } from './modules/provider-tokens/provider-tokens.routes';
import { createProviderTokenService } from './modules/provider-tokens/provider-tokens.service';
import { proxyRoutes } from './modules/proxy/proxy.routes';
import { proxyJobLookup } from './modules/proxy/proxy.store';
import { createCredentialResolver } from './modules/quantum/credential-resolver';
import { createJobWorker } from './modules/quantum/job-worker';
import type { JobWorker } from './modules/quantum/job-worker';
import { createJobService } from './modules/quantum/jobs.service';
import { quantumRoutes } from './modules/quantum/quantum.routes';
import { createSimulatorPool } from './modules/quantum/simulator-pool';
import { createSpendingService } from './modules/spending/spending.service';
import { spendingRoutes } from './modules/spending/spending.routes';

import { noticeRoutes } from './modules/notices/notices.routes';
import { createNoticeService } from './modules/notices/notices.service';
import type { NoticeService } from './modules/notices/notices.service';
import { healthRoutes } from './modules/health/health.routes';
import { orgRoutes } from './modules/orgs/orgs.routes';
import { createOrgJobCanceller } from './modules/orgs/org-jobs';
import { createOrgService } from './modules/orgs/orgs.service';
import { tokenPolicyRoutes } from './modules/orgs/token-policy.routes';
import { createTokenPolicyService } from './modules/orgs/token-policy.service';
import { registerStepUp } from './modules/identity/step-up';
import { createSecondFactorService } from './modules/identity/second-factors/second-factors.service';
import { secondFactorRoutes } from './modules/identity/second-factors/second-factors.routes';
import { signInRoutes } from './modules/identity/sign-in/sign-in.routes';
import { registerAuth } from './plugins/auth';
import type { Access } from './plugins/auth';
import { registerEdge } from './plugins/edge';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './plugins/errors';
import { createRateLimiter, registerRateLimits } from './plugins/rate-limit';
import { registerOpenApi } from './plugins/openapi';
import { registerValidation } from './plugins/validation';
import { registerWebUi } from './plugins/web-ui';

/** A program within the parser's budgets is read in well under this. */
const PROGRAM_READ_DEADLINE_MS = 10_000;

export interface AppDeps {
  config: Config;
  database: DbHandle;
  clock: Clock;
  passwords: PasswordHasher;
  /** A pino instance to log to (tests pass one that writes to memory); else one from config. */
  logger?: FastifyBaseLogger;
  /** The master keyring that seals provider tokens. */
  keyring: KeyringHolder;
  /** How adapters reach providers; tests pass fetch through to fake servers on 127.0.0.1. */
  fetch?: typeof fetch;
  /** Run the job worker in this process (default true). */
  startWorker?: boolean;
  /** Routes added beside the API (the benchmark's trivial routes); each declares its access too. */
  extraPlugins?: FastifyPluginAsync[];
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
}

// Every API route must say what it needs (plugins/auth.ts); forgetting is a start-up error.
const GUARDED_PREFIXES = ['/api/', '/my/', '/quantum', '/proxy', '/authorize'];

// A hop count means "the nearest N proxies", as proxy-addr counts them.
function trustProxyOption(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting === false ? false : [...setting];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance & { routeTable: RouteEntry[]; tokenVerifier: TokenVerifier; jobWorker: JobWorker; notices: NoticeService }> {
  const { config, database, clock } = deps;
  // Whatever started us: a key that cannot open what the database holds must not serve.
  await checkKeyOpensNewestRecord(database.db, deps.keyring.current());
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config.logLevel) }),
    trustProxy: trustProxyOption(config.trustProxy),
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = route.config?.access;
    if (access === undefined && GUARDED_PREFIXES.some((p) => route.url.startsWith(p))) {
      throw new Error(`route ${methods.join(',')} ${route.url} does not declare config.access`);
    }
    for (const method of methods) routeTable.push({ method, url: route.url, access });
  });

  // The API speaks JSON only: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  registerValidation(app);
  let webUi = false;
  registerErrorHandling(app, { webUi: () => webUi });
  await registerEdge(app);
  await app.register(cookie);
  const limiter = await createRateLimiter(database, config.rateLimits);

  const audit = createAuditService({ db: database.db, clock });
  const accounts = createAccountService({
    db: database.db,
    clock,
    passwords: deps.passwords,
    sessionTtlHours: config.sessionTtlHours,
    limiter,
    audit,
  });
  const secondFactors = createSecondFactorService({
    db: database.db,
    clock,
    keyring: deps.keyring,
    audit,
    limiter,
    issuer: `Qonduit (${new URL(config.publicUrl).host})`,
  });
  database.pgPool?.on('error', (err) => app.log.warn({ err }, 'an idle database connection was lost; the pool opens a new one'));
  const bus = createInvalidationBus(database, app.log);
  const tokens = createTokenService({ db: database.db, dialect: database.dialect, clock, audit, bus, listRetentionDays: config.tokenListRetentionDays });
  const verifier = createTokenVerifier({ db: database.db, clock, bus, log: app.log, audit, cacheTtlMs: config.authCacheTtlMs });
  const providerTokens = createProviderTokenService({
    db: database.db,
    clock,
    audit,
    keyring: deps.keyring,
    adapterContext: { urls: config.providerUrls, fetch: deps.fetch ?? globalThis.fetch, clock },
  });
  const resolver = createCredentialResolver({ providerTokens, platformCredentials: config.platformCredentials });
  const notices = createNoticeService({
    db: database.db,
    clock,
    audit,
    bus,
    keyring: deps.keyring,
    log: app.log,
    settings: { smtpUrl: config.smtpUrl, smtpFrom: config.smtpFrom, publicUrl: config.publicUrl, webhookAllowPrivate: config.webhookAllowPrivate, tokenInactiveDays: config.tokenInactiveDays },
  });
  // Token notices (and inactive-token retirement) on every server: each notice is written once, whoever gets there first.
  app.addHook('onReady', async () => notices.start(config.sweepIntervalMs));
  app.addHook('onClose', async () => notices.stop());
  const orgs = createOrgService({
    db: database.db,
    dialect: database.dialect,
    clock,
    audit,
    jobs: createOrgJobCanceller({
      db: database.db,
      clock,
      log: app.log,
      resolver,
      adapterContext: { urls: config.providerUrls, fetch: deps.fetch ?? globalThis.fetch, clock },
    }),
  });
  const policies = createTokenPolicyService({
    db: database.db,
    clock,
    audit,
    bus,
    orgs,
    cacheTtlMs: config.authCacheTtlMs,
    signInRules: { hasSecondFactor: (userId) => secondFactors.hasSecondFactor(userId), ssoConfigured: false },
  });
  const simulator = createSimulatorPool({ size: config.simulatorWorkers, deadlineMs: config.simulatorDeadlineMs });
  // Large programs are read for submission in a worker of their own, never behind a simulation.
  const programs = createSimulatorPool({ size: 1, deadlineMs: PROGRAM_READ_DEADLINE_MS });
  const worker = createJobWorker({
    db: database.db,
    dialect: database.dialect,
    clock,
    log: app.log,
    providerTokens,
    resolver,
    adapterContext: { urls: config.providerUrls, fetch: deps.fetch ?? globalThis.fetch, clock },
    intervalMs: config.workerIntervalMs,
    leaseMs: config.workerLeaseMs,
    concurrency: config.workerConcurrency,
    maxRunningPerAccount: config.jobsMaxRunningPerAccount,
    simulator,
    simulatorMaxWork: config.simulatorMaxWork,
    accountLabel: async (job) => {
      if (job.account_type === 'organization') {
        const org = await database.db.selectFrom('organizations').select('name').where('id', '=', job.account_id).executeTakeFirst();
        return `organization ${org?.name ?? job.account_id}`;
      }
      const user = await database.db.selectFrom('users').select('email').where('id', '=', job.account_id).executeTakeFirst();
      return `user ${user?.email ?? job.account_id}`;
    },
  });
  app.addHook('onClose', async () => {
    await worker.stop();
    await simulator.close();
    await programs.close();
  });
  const spending = createSpendingService({ db: database.db, clock, audit, prices: config.prices });
  const jobs = createJobService({
    db: database.db,
    dialect: database.dialect,
    clock,
    audit,
    resolver,
    providerTokens,
    limits: { maxQueuedPerAccount: config.jobsMaxQueuedPerAccount, simulatorMaxWork: config.simulatorMaxWork },
    programs,
    spending,
    onSubmitted: () => worker.kick(),
  });
  app.addHook('onReady', async () => {
    if (deps.startWorker !== false) worker.start();
  });
  // Expired sessions and ended rate-limit windows; every process sweeps, the deletes are idempotent.
  let sweeper: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    sweeper = setInterval(() => {
      accounts.sweep().catch((err: unknown) => app.log.warn({ err }, 'sweeping expired sessions failed'));
      secondFactors.sweep().catch((err: unknown) => app.log.warn({ err }, 'sweeping expired sign-in challenges failed'));
    }, config.sweepIntervalMs);
    sweeper.unref();
  });
  app.addHook('onClose', async () => {
    if (sweeper) clearInterval(sweeper);
    await worker.stop();
    await verifier.close();
    await bus.close();
  });

  registerAuth(app, {
    resolveSession: (secret) => accounts.resolveSession(secret),
    verifyPat: (token, ip) => verifier.verify(token, ip),
    membershipRole: (org, user) => orgs.membershipRole(org, user),
    tokenPolicy: (org) => policies.lookup(org),
    memberFacts: async (userId) => ({ twoFactor: await secondFactors.hasSecondFactor(userId), ssoLinked: false }),
  });
  registerStepUp(app, { clock, minutes: config.stepUpMinutes });
  registerRateLimits(app, limiter);

  await registerOpenApi(app);
  await app.register(healthRoutes, { db: database.db });
  await app.register(accountRoutes, { accounts, cookieSecure: config.cookieSecure, startSecondFactor: (userId, method) => secondFactors.startSignIn(userId, method) });
  await app.register(signInRoutes, { accounts, secondFactors, audit, cookieSecure: config.cookieSecure, clock });
  await app.register(secondFactorRoutes, { secondFactors, accounts });
  await app.register(orgRoutes, { orgs, accounts });
  await app.register(tokenPolicyRoutes, { policies, ssoLinked: async () => new Set<string>() });
  await app.register(tokenRoutes, { tokens, accounts });
  await app.register(auditRoutes, { audit });
  await app.register(providerTokenRoutes, { providerTokens, orgs, audit });
  await app.register(noticeRoutes, { notices, orgs, db: database.db, clock, publicUrl: config.publicUrl });
  await app.register(quantumRoutes, { jobs });
  await app.register(spendingRoutes, { spending, orgs });
  await app.register(proxyRoutes, { resolver, providerTokens, audit, jobs: proxyJobLookup(database.db), providerUrls: config.providerUrls, fetch: deps.fetch ?? globalThis.fetch, clock });
  for (const plugin of deps.extraPlugins ?? []) await app.register(plugin);
  webUi = await registerWebUi(app, config.webDir);

  await app.ready();
  return Object.assign(app, { routeTable, tokenVerifier: verifier, jobWorker: worker, notices });
}
