import {
  BackendParams,
  BackendQuery,
  BackendResponse,
  BackendStatusResponse,
  EstimateResponse,
  JobListQuery,
  JobPage,
  JobParams,
  JobQuery,
  JobResponse,
  JobResultResponse,
  JobStatusResponse,
  SubmitJobBody,
  withErrors,
} from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '@qonduit/core';
import { backendById } from '@qonduit/runtime';
import { principalOf, requireScope } from '../../plugins/auth';
import type { JobService } from './jobs.service';

const tags = ['quantum'];

// `quantum_tokens` is what lets a token spend a provider access token (DESIGN.md, Scopes). A job
// on a backend that runs inside Qonduit (local.simulator) spends none, so for it `api`, the
// scope the CLI's token has, will do too: submitting and cancelling declare either scope, and a
// job on any other backend then asks for `quantum_tokens`.
const JOB_WRITE_ACCESS = ['quantum_tokens', 'api'] as const;
const SPENDS_NO_PROVIDER_TOKEN = 'local';

function requireQuantumTokensFor(request: FastifyRequest, backendId: string, doing: string): void {
  const backend = backendById(backendId);
  // An unknown backend is the service's to answer (404).
  if (!backend || backend.provider === SPENDS_NO_PROVIDER_TOKEN) return;
  requireScope(request, 'quantum_tokens', `${doing} a job on ${backendId} spends a provider access token (only local.simulator needs none)`);
}

// PlanQK's quantum API (DESIGN.md). The organization context comes from X-OrganizationId:
// jobs then belong to the organization, run on its provider tokens, and every member sees them.
export const quantumRoutes: FastifyPluginAsyncTypebox<{ jobs: JobService }> = async (app, { jobs }) => {
  app.get(
    '/quantum/backends',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Backends, with access_type for the caller', querystring: BackendQuery, response: withErrors({ 200: Type.Array(BackendResponse) }) } },
    async (request) => jobs.backends(principalOf(request), request.orgContext, request.query),
  );

  app.get(
    '/quantum/backends/:id',
    { config: { access: 'read_api' }, schema: { tags, summary: 'One backend', params: BackendParams, response: withErrors({ 200: BackendResponse }) } },
    async (request) => jobs.backend(principalOf(request), request.orgContext, request.params.id),
  );

  app.get(
    '/quantum/backends/:id/status',
    { config: { access: 'read_api' }, schema: { tags, summary: "Backend status and whether the caller's provider token is usable", params: BackendParams, response: withErrors({ 200: BackendStatusResponse }) } },
    async (request) => jobs.backendStatus(principalOf(request), request.orgContext, request.params.id),
  );

  app.post(
    '/quantum/jobs',
    {
      config: { access: JOB_WRITE_ACCESS, rateLimit: 'job_submit' },
      schema: {
        tags,
        summary: "Submit a job (spends the context's provider token)",
        description: 'Needs `quantum_tokens`, except on `local.simulator`, which spends no provider token: there `api` will do too.',
        body: SubmitJobBody,
        response: withErrors({ 201: JobResponse }),
      },
    },
    async (request, reply) => {
      requireQuantumTokensFor(request, request.body.backend_id, 'Submitting');
      const key = request.headers['idempotency-key'];
      if (typeof key === 'string' && (key.length === 0 || key.length > 200)) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 200 characters', { details: [{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }] });
      }
      return reply.status(201).send(await jobs.submit(principalOf(request), request.orgContext, request.ip, request.body, typeof key === 'string' ? key : undefined));
    },
  );

  app.post(
    '/quantum/jobs/estimate',
    {
      config: { access: JOB_WRITE_ACCESS, rateLimit: 'job_estimate' },
      schema: {
        tags,
        summary: 'What a job would cost, and whether it would be accepted now; creates no job',
        description:
          'The same body as `POST /quantum/jobs`, checked the same way (backend, program, shots), and the same scope. ' +
          "Answers the estimated cost from the price table (null on a backend without a price), whose token the job would spend, and the refusal a submission would get now " +
          "(a spending limit on the organization's token, or no token to spend), or null.",
        body: SubmitJobBody,
        response: withErrors({ 200: EstimateResponse }),
      },
    },
    async (request) => {
      requireQuantumTokensFor(request, request.body.backend_id, 'Estimating');
      return jobs.estimate(principalOf(request), request.orgContext, request.body);
    },
  );

  app.get(
    '/quantum/jobs',
    {
      config: { access: 'read_api' },
      schema: {
        tags,
        summary: 'Jobs of the context: a plain list, or {content, last} with ?page&size',
        querystring: JobListQuery,
        response: withErrors({ 200: Type.Union([Type.Array(JobResponse), JobPage]) }),
      },
    },
    async (request) => jobs.list(principalOf(request), request.orgContext, request.query),
  );

  app.get(
    '/quantum/jobs/:id',
    { config: { access: 'read_api' }, schema: { tags, summary: 'One job', params: JobParams, querystring: JobQuery, response: withErrors({ 200: JobResponse }) } },
    async (request) => jobs.get(principalOf(request), request.orgContext, request.params.id),
  );

  app.get(
    '/quantum/jobs/:id/status',
    { config: { access: 'read_api' }, schema: { tags, summary: "A job's status", params: JobParams, querystring: JobQuery, response: withErrors({ 200: JobStatusResponse }) } },
    async (request) => ({ status: (await jobs.get(principalOf(request), request.orgContext, request.params.id)).status }),
  );

  app.get(
    '/quantum/jobs/:id/result',
    { config: { access: 'read_api' }, schema: { tags, summary: "A completed job's counts", params: JobParams, querystring: JobQuery, response: withErrors({ 200: JobResultResponse }) } },
    async (request) => jobs.result(principalOf(request), request.orgContext, request.params.id),
  );

  app.delete(
    '/quantum/jobs/:id',
    {
      config: { access: JOB_WRITE_ACCESS },
      schema: {
        tags,
        summary: 'Cancel a job (reaches the provider)',
        description: 'Needs `quantum_tokens`, except for a job on `local.simulator`: there `api` will do too.',
        params: JobParams,
        querystring: JobQuery,
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      requireQuantumTokensFor(request, (await jobs.get(principalOf(request), request.orgContext, request.params.id)).backend_id, 'Cancelling');
      await jobs.cancel(principalOf(request), request.orgContext, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
