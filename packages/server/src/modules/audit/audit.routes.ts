import { AuditEventQuery, AuditEventResponse, Page, withErrors } from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../plugins/auth';
import type { AuditService } from './audit.service';

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/api/v1/user/audit-events',
    { config: { access: 'read_api' }, schema: { tags: ['audit'], summary: 'Audit events of your account, newest first; filter by actor, action (or a prefix such as `user.`) and time', querystring: AuditEventQuery, response: withErrors({ 200: Page(AuditEventResponse) }) } },
    async (request) => audit.list(principalOf(request).userId, request.query),
  );
};
