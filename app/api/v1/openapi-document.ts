/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas each route registers in
 * the `*.types.ts` beside its handler. A new route is added here; the unit test
 * (openapi-document.test.ts) fails for any route file under app/api/v1 the document lacks.
 */
import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { registerCommon } from '@/lib/api/openapi';
import { registerOpenApi as accountCalendarFeed } from './account/calendar-feed/calendar-feed.types';
import { registerOpenApi as accountLogoutEverywhere } from './account/logout-everywhere/logout-everywhere.types';
import { registerOpenApi as accountPassword } from './account/password/password.types';
import { registerOpenApi as agentSessionsId } from './agent-sessions/[id]/agent-session.types';
import { registerOpenApi as agentSessions } from './agent-sessions/agent-sessions.types';
import { registerOpenApi as adminAudit } from './admin/audit/audit.types';
import { registerOpenApi as adminBookings } from './admin/bookings/bookings.types';
import { registerOpenApi as adminInvitesId } from './admin/invites/[id]/invite.types';
import { registerOpenApi as adminInvites } from './admin/invites/invites.types';
import { registerOpenApi as adminPool } from './admin/pool/pool.types';
import { registerOpenApi as adminRegistration } from './admin/registration/registration.types';
import { registerOpenApi as adminSessions } from './admin/sessions/sessions.types';
import { registerOpenApi as adminUsage } from './admin/usage/usage.types';
import { registerOpenApi as adminUsersId } from './admin/users/[id]/user.types';
import { registerOpenApi as adminUsers } from './admin/users/users.types';
import { registerOpenApi as apiKeysId } from './api-keys/[id]/api-key.types';
import { registerOpenApi as apiKeys } from './api-keys/api-keys.types';
import { registerOpenApi as avatarsId } from './avatars/[id]/avatar.types';
import { registerOpenApi as avatarsIdEmbed } from './avatars/[id]/embed/embed.types';
import { registerOpenApi as avatarsIdConversationTest } from './avatars/[id]/conversation/test/test.types';
import { registerOpenApi as avatarsIdImage } from './avatars/[id]/image/image.types';
import { registerOpenApi as avatarsIdLipSyncModel } from './avatars/[id]/lip-sync-model/lip-sync-model.types';
import { registerOpenApi as avatars } from './avatars/avatars.types';
import { registerOpenApi as bookingsId } from './bookings/[id]/booking.types';
import { registerOpenApi as bookingsIdIcs } from './bookings/[id]/ics/ics.types';
import { registerOpenApi as bookings } from './bookings/bookings.types';
import { registerOpenApi as openapiJson } from './openapi.json/openapi.types';
import { registerOpenApi as sessionsIdEvents } from './sessions/[id]/events/events.types';
import { registerOpenApi as sessionsIdInterrupt } from './sessions/[id]/interrupt/interrupt.types';
import { registerOpenApi as sessionsIdMessages } from './sessions/[id]/messages/messages.types';
import { registerOpenApi as sessionsId } from './sessions/[id]/session.types';
import { registerOpenApi as sessionsIdSpeakAudio } from './sessions/[id]/speak-audio/speak-audio.types';
import { registerOpenApi as sessionsIdSpeak } from './sessions/[id]/speak/speak.types';
import { registerOpenApi as sessionsIdTokens } from './sessions/[id]/tokens/tokens.types';
import { registerOpenApi as sessionsIdTranscript } from './sessions/[id]/transcript/transcript.types';
import { registerOpenApi as sessions } from './sessions/sessions.types';
import { registerOpenApi as usage } from './usage/usage.types';
import { registerOpenApi as voices } from './voices/voices.types';
import { registerOpenApi as webhooksIdDeliveriesReplay } from './webhooks/[id]/deliveries/[deliveryId]/replay/replay.types';
import { registerOpenApi as webhooksIdDeliveries } from './webhooks/[id]/deliveries/deliveries.types';
import { registerOpenApi as webhooksId } from './webhooks/[id]/webhook.types';
import { registerOpenApi as webhooks } from './webhooks/webhooks.types';

/** Every route's registration (one `*.types.ts` per route folder). */
const routes = [
  accountCalendarFeed,
  accountLogoutEverywhere,
  accountPassword,
  agentSessionsId,
  agentSessions,
  adminAudit,
  adminBookings,
  adminInvitesId,
  adminInvites,
  adminPool,
  adminRegistration,
  adminSessions,
  adminUsage,
  adminUsersId,
  adminUsers,
  apiKeysId,
  apiKeys,
  avatarsId,
  avatarsIdConversationTest,
  avatarsIdEmbed,
  avatarsIdImage,
  avatarsIdLipSyncModel,
  avatars,
  bookingsId,
  bookingsIdIcs,
  bookings,
  openapiJson,
  sessionsIdEvents,
  sessionsIdInterrupt,
  sessionsIdMessages,
  sessionsId,
  sessionsIdSpeakAudio,
  sessionsIdSpeak,
  sessionsIdTokens,
  sessionsIdTranscript,
  sessions,
  usage,
  voices,
  webhooksIdDeliveriesReplay,
  webhooksIdDeliveries,
  webhooksId,
  webhooks,
];

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

let cached: OpenApiDocument | undefined;

/** The document (built once per process: the schemas do not change while it runs). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registerCommon(registry);
  for (const register of routes) register(registry);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Facecast API',
      version: 'v1',
      description:
        'Lip-synced streaming avatars: avatars, sessions, speech, bookings, usage and administration. Guide: docs/api.md.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Avatars' },
      { name: 'Sessions' },
      { name: 'Speech' },
      { name: 'Bookings' },
      { name: 'Account' },
      {
        name: 'Webhooks',
        description:
          'Signed HTTP callbacks (Standard Webhooks) for session, transcript, avatar and booking events; docs/webhooks.md.',
      },
      { name: 'Admin', description: 'Admins only; 404 for anyone else.' },
      { name: 'Meta' },
    ],
  });
  return cached;
}
