import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Qonduit API',
        version: '0.1.0',
        description:
          'Personal access tokens and provider access tokens for a quantum computing platform. ' +
          'Send a token as `Authorization: Bearer <token>` or `X-Auth-Token: <token>`; ' +
          'act for an organization with `X-OrganizationId`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          xAuthToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
          session: { type: 'apiKey', in: 'cookie', name: 'qonduit_session' },
        },
      },
      security: [{ bearer: [] }, { xAuthToken: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
}
