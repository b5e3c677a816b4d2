import {
  BackendParams,
  BackendQuery,
  BackendResponse,
  BackendStatusResponse,
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
import { Type } from 'typebox';
import { AppError } from '@qonduit/core';
import { principalOf } from '../../plugins/auth';
import type { JobService } from './jobs.service';

const tags = ['quantum'];

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
    { config: { access: 'quantum_tokens', rateLimit: 'job_submit' }, schema: { tags, summary: "Submit a job (spends the context's provider token)", body: SubmitJobBody, response: withErrors({ 201: JobResponse }) } },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (typeof key === 'string' && (key.length === 0 || key.length > 200)) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 200 characters', { details: [{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }] });
      }
      return reply.status(201).send(await jobs.submit(principalOf(request), request.orgContext, request.ip, request.body, typeof key === 'string' ? key : undefined));
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
    { config: { access: 'quantum_tokens' }, schema: { tags, summary: 'Cancel a job (reaches the provider)', params: JobParams, querystring: JobQuery, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await jobs.cancel(principalOf(request), request.orgContext, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
