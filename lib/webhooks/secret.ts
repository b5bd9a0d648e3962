/**
 * Endpoint secrets: `whsec_` + 24 random bytes in base64 (the Standard Webhooks format), shown
 * once and kept sealed with AUTH_SECRET, since every delivery is signed with it again.
 */
import { randomBytes } from 'node:crypto';
import { sealSecret, unsealSecret } from '@/protocol/sealing';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

const context = (endpointId: string) => `webhook:${endpointId}`;

export function sealWebhookSecret(secret: string, appSecret: string, endpointId: string): string {
  return sealSecret(secret, appSecret, context(endpointId));
}

export function unsealWebhookSecret(sealed: string, appSecret: string, endpointId: string): string {
  return unsealSecret(sealed, appSecret, context(endpointId));
}
