/**
 * Example: services of the M-ERP system on Redis Streams, wired as they run there, in one process
 * (each service with a connection of its own, as if it ran alone):
 *
 * - auth-service answers `user.validate_token` commands (a typed reply: validated or rejected) and
 *   publishes `user.logged_in` when a token is good;
 * - user-service publishes `user.created` and consumes `user.logged_in`;
 * - notification-service consumes `user.created` and pushes a welcome notification to that one
 *   user, in real time over Pub/Sub (at-most-once: only a listening gateway gets it);
 * - gateway-service listens for the user's notifications and asks auth-service to validate tokens.
 *
 * The same generated code runs on RabbitMQ with `AmqpTransport`; only the transport differs.
 * Run: `npm run example:redis` (REDIS_URL or redis://127.0.0.1:6379).
 */
import { randomUUID } from 'node:crypto';
import type { Envelope } from 'eventsmith/runtime';
import { RedisTransport, type RedisTransportOptions } from 'eventsmith/runtime/redis';
import { authService, gatewayService, notificationService, userService, type EventPayload } from '../generated/index.js';
import { log, runtimeLogger } from './shared.js';

/** The M-ERP tenant is a company: its events name it in company_id (the catalogue's x-tenant-field). */
const COMPANY = '2bb6fb99-6792-44fa-8c38-aff21c792b5f';
const USER = randomUUID();

/** Every service's transport: notifications go by Pub/Sub, the rest by streams; a day of retention. */
function transport(service: string): Promise<RedisTransport> {
  const options: RedisTransportOptions = {
    connectionName: service,
    logger: runtimeLogger(service),
    realtime: { destinations: ['notification.#'] },
    retention: { maxAgeMs: 24 * 60 * 60 * 1000 },
  };
  if (process.env.REDIS_URL !== undefined) options.url = process.env.REDIS_URL;
  return RedisTransport.connect(options);
}

// Each service here handles part of what the catalogue says it consumes: the rest is acknowledged
// (`unhandled: 'ack'`) rather than dead-lettered, the default for a real service.

// auth-service: validates tokens, reports logins.
const auth = authService.createAuthService({ transport: await transport('auth-service'), logger: runtimeLogger('auth-service'), unhandled: 'ack' });
auth.consumer.on('user.validate_token', async (request, ctx) => {
  if (!request.token.startsWith('good.')) {
    log('auth-service', 'token.rejected', { requestId: request.request_id });
    await ctx.reply('user.token_rejected', 1, { company_id: request.company_id, request_id: request.request_id, reason: 'invalid_signature', detail: 'The token signature does not verify.' });
    return;
  }
  const session = randomUUID();
  await ctx.reply('user.token_validated', 1, { company_id: request.company_id, request_id: request.request_id, user_id: USER, session_id: session, scopes: request.required_scopes ?? [], expires_at: new Date(Date.now() + 3_600_000).toISOString() });
  await auth.publisher.loggedIn({ company_id: request.company_id, user_id: USER, session_id: session, method: 'password', mfa: false, ip_address: '203.0.113.24', user_agent: 'example', logged_in_at: new Date().toISOString() });
  log('auth-service', 'token.validated', { requestId: request.request_id });
});
await auth.consumer.start();

// user-service: creates users, sees logins.
const user = userService.createUserService({ transport: await transport('user-service'), logger: runtimeLogger('user-service'), unhandled: 'ack' });
const loggedIn = new Promise<void>((resolve) => {
  user.consumer.on('user.logged_in', (login) => {
    log('user-service', 'user.logged_in', { user: login.user_id, session: login.session_id });
    resolve();
  });
});
await user.consumer.start();

// notification-service: welcomes new users on their open sessions.
const notification = notificationService.createNotificationService({ transport: await transport('notification-service'), logger: runtimeLogger('notification-service'), unhandled: 'ack' });
notification.consumer.on('user.created', async (created) => {
  const push: EventPayload<'notification.push_requested'> = {
    // Notifications name their tenant tenant_id; in M-ERP the tenant is the user's company.
    tenant_id: created.company_id,
    request_id: randomUUID(),
    user_id: created.user_id,
    template_id: 'user.welcome',
    platform: 'web',
    device_token: randomUUID().replaceAll('-', ''),
    data: { display_name: created.display_name },
    requested_at: new Date().toISOString(),
  };
  await notification.publisher.pushRequested(push);
  log('notification-service', 'notification.pushed', { user: created.user_id });
});
await notification.consumer.start();

// gateway-service: holds the user's session, asks for token checks.
const gatewayTransport = await transport('gateway-service');
const gateway = gatewayService.createGatewayService({ transport: gatewayTransport, logger: runtimeLogger('gateway-service'), unhandled: 'ack' });
await gateway.events.start();
const welcomed = new Promise<Envelope>((resolve) => {
  void gatewayTransport.listenForUser(USER, (envelope) => {
    log('gateway-service', 'notification.received', { user: USER, type: envelope.type });
    resolve(envelope);
  });
});
await new Promise((resolve) => setTimeout(resolve, 100)); // the listener is subscribed

await user.publisher.created({ company_id: COMPANY, user_id: USER, email: 'lucas.bernard@acme-bakery.example', display_name: 'Lucas Bernard', roles: ['buyer'], locale: 'fr-FR', created_at: new Date().toISOString() });
log('user-service', 'user.created', { user: USER });
await welcomed;

const good = await gateway.publisher.validateToken({ company_id: COMPANY, request_id: randomUUID(), token: 'good.eyJzdWIiOiI3OTEzODFiYSJ9.c2ln', audience: 'orders-api', required_scopes: ['orders:read'] });
log('gateway-service', 'reply', { type: good.type });
const bad = await gateway.publisher.validateToken({ company_id: COMPANY, request_id: randomUUID(), token: 'forged.eyJzdWIiOiJ4In0.c2ln', audience: 'orders-api' });
log('gateway-service', 'reply', { type: bad.type });
await loggedIn;

await Promise.all([auth, user, notification, gateway].map((service) => service.events.close({ timeoutMs: 5000 })));
log('example', 'done');
