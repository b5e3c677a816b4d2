import {
  AddMemberBody,
  CreateOrgBody,
  InvitationParams,
  InviteResponse,
  MemberParams,
  MemberResponse,
  MyAccount,
  MyInvitation,
  MyInvitationParams,
  OrgInvitation,
  OrgParams,
  OrgResponse,
  Page,
  PageQuery,
  UpdateMemberBody,
  UpdateOrgBody,
  withErrors,
} from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../plugins/auth';
import type { AccountService } from '../accounts/accounts.service';
import { actorOf } from '../tokens/tokens.service';
import type { OrgService } from './orgs.service';

const tags = ['organizations'];

export const orgRoutes: FastifyPluginAsyncTypebox<{ orgs: OrgService; accounts: AccountService }> = async (app, { orgs, accounts }) => {
  app.post(
    '/api/v1/orgs',
    { config: { access: 'api' }, schema: { tags, summary: 'Create an organization (you become its owner)', body: CreateOrgBody, response: withErrors({ 201: OrgResponse }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      return reply.status(201).send(await orgs.create(principal.userId, request.body.name, actorOf(principal, request.ip)));
    },
  );

  app.get(
    '/api/v1/orgs',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Organizations you are a member of', querystring: PageQuery, response: withErrors({ 200: Page(OrgResponse) }) } },
    async (request) => orgs.list(principalOf(request).userId, request.query),
  );

  app.get(
    '/api/v1/orgs/:org',
    { config: { access: 'read_api' }, schema: { tags, summary: 'One organization', params: OrgParams, response: withErrors({ 200: OrgResponse }) } },
    async (request) => orgs.authorize(principalOf(request).userId, request.params.org, 'read'),
  );

  app.patch(
    '/api/v1/orgs/:org',
    { config: { access: 'api' }, schema: { tags, summary: 'Rename (owners)', params: OrgParams, body: UpdateOrgBody, response: withErrors({ 200: OrgResponse }) } },
    async (request) => {
      const principal = principalOf(request);
      return orgs.rename(principal.userId, request.params.org, request.body.name, actorOf(principal, request.ip));
    },
  );

  app.delete(
    '/api/v1/orgs/:org',
    { config: { access: 'api', stepUp: 'recent_session_or_token' }, schema: { tags, summary: 'Delete (owners): cancels its jobs, also at the providers, and destroys its provider tokens', params: OrgParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      await orgs.remove(principal.userId, request.params.org, actorOf(principal, request.ip));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/orgs/:org/members',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Members and their roles', params: OrgParams, querystring: PageQuery, response: withErrors({ 200: Page(MemberResponse) }) } },
    async (request) => orgs.listMembers(principalOf(request).userId, request.params.org, request.query),
  );

  // Kept at /members for existing clients; it invites, and answers the same whether or not
  // the e-mail has an account (DESIGN.md).
  app.post(
    '/api/v1/orgs/:org/members',
    {
      config: { access: 'api', rateLimit: 'member_add' },
      schema: { tags, summary: 'Invite someone by e-mail (owners); they become a member when they accept', params: OrgParams, body: AddMemberBody, response: withErrors({ 202: InviteResponse }) },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      return reply.status(202).send(await orgs.invitations.invite(principal.userId, request.params.org, request.body, actorOf(principal, request.ip)));
    },
  );

  app.get(
    '/api/v1/orgs/:org/invitations',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Open invitations (pending or expired)', params: OrgParams, querystring: PageQuery, response: withErrors({ 200: Page(OrgInvitation) }) } },
    async (request) => orgs.invitations.listOfOrg(principalOf(request).userId, request.params.org, request.query),
  );

  app.delete(
    '/api/v1/orgs/:org/invitations/:id',
    { config: { access: 'api' }, schema: { tags, summary: 'Revoke an open invitation (owners)', params: InvitationParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      await orgs.invitations.revoke(principal.userId, request.params.org, request.params.id, actorOf(principal, request.ip));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/user/invitations',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Pending invitations to your e-mail', querystring: PageQuery, response: withErrors({ 200: Page(MyInvitation) }) } },
    async (request) => orgs.invitations.listMine(principalOf(request).userId, request.query),
  );

  app.post(
    '/api/v1/user/invitations/:id/accept',
    { config: { access: 'api' }, schema: { tags, summary: 'Accept an invitation: become a member in its role', params: MyInvitationParams, response: withErrors({ 200: OrgResponse }) } },
    async (request) => {
      const principal = principalOf(request);
      return orgs.invitations.accept(principal.userId, request.params.id, actorOf(principal, request.ip));
    },
  );

  app.post(
    '/api/v1/user/invitations/:id/decline',
    { config: { access: 'api' }, schema: { tags, summary: 'Decline an invitation', params: MyInvitationParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      await orgs.invitations.decline(principal.userId, request.params.id, actorOf(principal, request.ip));
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/v1/orgs/:org/members/:user_id',
    { config: { access: 'api', stepUp: 'recent_session_or_token' }, schema: { tags, summary: "Change a member's role (owners)", params: MemberParams, body: UpdateMemberBody, response: withErrors({ 200: MemberResponse }) } },
    async (request) => {
      const principal = principalOf(request);
      return orgs.changeRole(principal.userId, request.params.org, request.params.user_id, request.body.role, actorOf(principal, request.ip));
    },
  );

  app.delete(
    '/api/v1/orgs/:org/members/:user_id',
    { config: { access: 'api' }, schema: { tags, summary: 'Remove a member (owners), or leave', params: MemberParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      await orgs.removeMember(principal.userId, request.params.org, request.params.user_id, actorOf(principal, request.ip));
      return reply.status(204).send(null);
    },
  );

  // PlanQK's account switcher: the personal account first, then each organization.
  app.get(
    '/my/accounts',
    { config: { access: 'read_api' }, schema: { tags: ['planqk'], summary: 'Accounts the caller can act for (PlanQK shape)', response: withErrors({ 200: Type.Array(MyAccount) }) } },
    async (request) => {
      const principal = principalOf(request);
      const userId = principal.userId;
      const user = await accounts.getUser(userId);
      // A token restricted to chosen organizations can act for those only: PlanQK's switcher offers no others.
      const allowed = principal.token?.organizationIds ?? null;
      const memberships = (await orgs.listAllMemberships(userId)).filter((m) => allowed === null || allowed.has(m.id));
      return [
        { id: user.id, displayName: user.name, role: null, isOrganization: false, accountType: { name: 'PERSONAL', feature: 'DEFAULT' } },
        ...memberships.map((m) => ({
          id: m.id,
          displayName: m.name,
          role: m.role,
          isOrganization: true,
          accountType: { name: 'ORGANIZATION', feature: 'DEFAULT' },
        })),
      ];
    },
  );
};
