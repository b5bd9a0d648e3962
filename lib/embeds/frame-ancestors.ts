import { db } from '@/lib/db/db';
import { frameAncestorSources } from './allowed-origins';

/**
 * Who may frame `/embed/<embedKey>`: the app itself (the owner's preview) and the embed's
 * allowed origins. An unknown key's page is a plain "not available" note, which any page
 * may frame (so a wrong snippet shows why inside the frame); `*` then.
 */
export async function frameAncestorsForEmbed(embedKey: string): Promise<string[]> {
  const prisma = await db();
  const embed =
    embedKey.length <= 64
      ? await prisma.avatarEmbed.findUnique({
          where: { embedKey },
          select: { allowedOrigins: true },
        })
      : null;
  if (!embed) return ['*'];
  return ["'self'", ...frameAncestorSources(embed.allowedOrigins)];
}
