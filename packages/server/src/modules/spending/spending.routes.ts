import {
  OrgParams,
  OrgSpendingLimitParams,
  PutSpendingLimitBody,
  SpendingLimitResponse,
  UsageQuery,
  UsageResponse,
  withErrors,
} from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../plugins/auth';
import type { OrgService } from '../orgs/orgs.service';
import { actorOf } from '../tokens/tokens.service';
import type { SpendingService } from './spending.service';

const tags = ['spending limits and usage'];

// Spending limits on the organization's provider tokens (owners and maintainers set them,
// org-policy.ts `set_spending_limits`) and the month's usage (every member reads it).
export const spendingRoutes: FastifyPluginAsyncTypebox<{
  spending: SpendingService;
  orgs: OrgService;
}> = async (app, { spending, orgs }) => {
  app.get(
    '/api/v1/orgs/:org/spending-limits',
    {
      config: { access: 'read_api' },
      schema: {
        tags,
        summary: "Spending limits set on the organization's provider tokens",
        params: OrgParams,
        response: withErrors({ 200: Type.Array(SpendingLimitResponse) }),
      },
    },
    async (request) => {
      await orgs.authorize(principalOf(request).userId, request.params.org, 'read');
      return spending.listLimits(request.params.org);
    },
  );

  app.get(
    '/api/v1/orgs/:org/spending-limits/:provider',
    {
      config: { access: 'read_api' },
      schema: {
        tags,
        summary: "The spending limits on one of the organization's provider tokens",
        params: OrgSpendingLimitParams,
        response: withErrors({ 200: SpendingLimitResponse }),
      },
    },
    async (request) => {
      await orgs.authorize(principalOf(request).userId, request.params.org, 'read');
      return spending.getLimit(request.params.org, request.params.provider);
    },
  );

  app.put(
    '/api/v1/orgs/:org/spending-limits/:provider',
    {
      config: { access: 'api' },
      schema: {
        tags,
        summary:
          "Set the spending limits on one of the organization's provider tokens (owners and maintainers)",
        description:
          'Replaces every limit of the token: a limit left out or null is no limit. Monthly limits count calendar months in UTC; ' +
          'a job that would pass one is refused with 429 `spending_limit_reached`, one over `max_shots_per_job` with 422 `job_over_limit`. ' +
          'Costs are the estimates of the price table, in USD.',
        params: OrgSpendingLimitParams,
        body: PutSpendingLimitBody,
        response: withErrors({ 200: SpendingLimitResponse }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await orgs.authorize(principal.userId, request.params.org, 'set_spending_limits');
      return spending.setLimit(
        request.params.org,
        request.params.provider,
        request.body,
        actorOf(principal, request.ip),
      );
    },
  );

  app.delete(
    '/api/v1/orgs/:org/spending-limits/:provider',
    {
      config: { access: 'api' },
      schema: {
        tags,
        summary:
          "Remove the spending limits from one of the organization's provider tokens (owners and maintainers)",
        params: OrgSpendingLimitParams,
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await orgs.authorize(principal.userId, request.params.org, 'set_spending_limits');
      await spending.removeLimit(request.params.org, request.params.provider, actorOf(principal, request.ip));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/orgs/:org/usage',
    {
      config: { access: 'read_api' },
      schema: {
        tags,
        summary: "What the organization's provider tokens were spent on in a month, per provider and member",
        description:
          "Counts jobs that spent the organization's own provider tokens, from acceptance; a job that never reached its provider is given back. `?month=YYYY-MM` (UTC), default this month.",
        params: OrgParams,
        querystring: UsageQuery,
        response: withErrors({ 200: UsageResponse }),
      },
    },
    async (request) => {
      await orgs.authorize(principalOf(request).userId, request.params.org, 'read');
      return spending.usage(request.params.org, request.query.month);
    },
  );
};
