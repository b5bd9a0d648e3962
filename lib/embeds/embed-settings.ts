/**
 * An avatar's embed settings (docs/widget.md): the owner turns embedding on with a list of
 * allowed origins and how the widget looks and behaves; the answer carries the snippet to
 * paste. Turning it off deletes the row (and with it the key: a new one is made next time).
 */
import { randomBytes } from 'node:crypto';
import type { AvatarEmbed, PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { ApiError, notFound } from '@/lib/api/errors';
import { env } from '@/lib/config/env';
import { MAX_ALLOWED_ORIGINS, normalizeOrigin, originProblem } from './allowed-origins';

export const EMBED_MODES = ['chat', 'echo'] as const;
export const EMBED_THEMES = ['light', 'dark'] as const;
export const EMBED_POSITIONS = ['bottom-right', 'bottom-left'] as const;
/** Bounds of the per-avatar limits. */
export const MAX_WIDGET_SESSIONS = 100;
export const MAX_WIDGET_MINUTES = 120;

const originsSchema = z
  .array(z.string().max(300), { invalid_type_error: 'allowedOrigins must be a list of origins' })
  .min(1, 'allowedOrigins needs at least one origin, e.g. https://shop.example')
  .max(MAX_ALLOWED_ORIGINS, `allowedOrigins takes at most ${MAX_ALLOWED_ORIGINS} origins`)
  .superRefine((entries, ctx) => {
    entries.forEach((entry, index) => {
      const problem = originProblem(entry);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: problem });
    });
  })
  .transform((entries) => [...new Set(entries.map(normalizeOrigin))]);

export const embedThemeSchema = z.object({
  mode: z.enum(EMBED_THEMES, { message: 'theme.mode must be "light" or "dark"' }).optional(),
  accent: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'theme.accent must be a colour such as #4f46e5')
    .optional(),
});

/** PUT /api/v1/avatars/:id/embed: only allowedOrigins is required; the rest keeps its value. */
export const embedInputSchema = z.object({
  allowedOrigins: originsSchema,
  greeting: z.string().trim().max(500, 'greeting must be at most 500 characters').optional(),
  mode: z.enum(EMBED_MODES, { message: 'mode must be "chat" or "echo"' }).optional(),
  theme: embedThemeSchema.optional(),
  position: z
    .enum(EMBED_POSITIONS, { message: 'position must be "bottom-right" or "bottom-left"' })
    .optional(),
  launcherLabel: z
    .string()
    .trim()
    .min(1, 'launcherLabel must not be empty')
    .max(40, 'launcherLabel must be at most 40 characters')
    .optional(),
  microphone: z.boolean().optional(),
  allowSay: z.boolean().optional(),
  maxSessions: z.number().int().min(1).max(MAX_WIDGET_SESSIONS).optional(),
  maxMinutes: z.number().int().min(1).max(MAX_WIDGET_MINUTES).optional(),
  /** Makes a new visitor-signing secret (the old one stops verifying). */
  rotateSecret: z.boolean().optional(),
});
export type EmbedInput = z.infer<typeof embedInputSchema>;

export interface EmbedView {
  embedKey: string;
  avatarId: string;
  allowedOrigins: string[];
  greeting: string;
  mode: 'chat' | 'echo';
  theme: { mode: 'light' | 'dark'; accent: string };
  position: 'bottom-right' | 'bottom-left';
  launcherLabel: string;
  microphone: boolean;
  allowSay: boolean;
  maxSessions: number;
  maxMinutes: number;
  /** The HS256 key for signed visitor identities (docs/widget.md); the owner's only. */
  secret: string;
  /** The tag to paste into a page. */
  snippet: string;
  /** The frame's page, for a preview. */
  frameUrl: string;
  updatedAt: string;
}

/** The app's public origin, as pages on other sites load the widget from. */
export function appOrigin(): string {
  return new URL(env().APP_URL).origin;
}

export function embedSnippet(embedKey: string, origin = appOrigin()): string {
  return `<script src="${origin}/embed.js" data-avatar="${embedKey}" async></script>`;
}

export function embedView(row: AvatarEmbed): EmbedView {
  const origin = appOrigin();
  return {
    embedKey: row.embedKey,
    avatarId: row.avatarId,
    allowedOrigins: row.allowedOrigins,
    greeting: row.greeting,
    mode: row.mode === 'chat' ? 'chat' : 'echo',
    theme: { mode: row.theme === 'dark' ? 'dark' : 'light', accent: row.accent },
    position: row.position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    launcherLabel: row.launcherLabel,
    microphone: row.microphone,
    allowSay: row.allowSay,
    maxSessions: row.maxSessions,
    maxMinutes: row.maxMinutes,
    secret: row.secret,
    snippet: embedSnippet(row.embedKey, origin),
    frameUrl: `${origin}/embed/${row.embedKey}`,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function ownedAvatar(prisma: PrismaClient, userId: string, avatarId: string) {
  const avatar = await prisma.avatar.findFirst({
    where: { id: avatarId, userId },
    select: { id: true, conversationMode: true, conversationConfig: true },
  });
  if (!avatar) throw notFound('Avatar');
  return avatar;
}

/** Whether the avatar has a language model set (chat mode needs one). */
function hasModel(config: unknown): boolean {
  const llm = (config as { llm?: { baseUrl?: unknown; model?: unknown } } | null)?.llm;
  return typeof llm?.baseUrl === 'string' && typeof llm.model === 'string';
}

/** The avatar's embed settings; 404 when embedding is off. */
export async function getEmbed(
  prisma: PrismaClient,
  options: { userId: string; avatarId: string },
): Promise<EmbedView> {
  await ownedAvatar(prisma, options.userId, options.avatarId);
  const row = await prisma.avatarEmbed.findUnique({ where: { avatarId: options.avatarId } });
  if (!row) {
    throw new ApiError(
      'not_found',
      'Embedding is off for this avatar: PUT its allowedOrigins to turn it on.',
    );
  }
  return embedView(row);
}

/** Turns embedding on, or changes its settings; returns them with the snippet. */
export async function putEmbed(
  prisma: PrismaClient,
  options: { userId: string; avatarId: string; input: EmbedInput },
): Promise<{ view: EmbedView; created: boolean }> {
  const avatar = await ownedAvatar(prisma, options.userId, options.avatarId);
  const { input } = options;
  const existing = await prisma.avatarEmbed.findUnique({ where: { avatarId: avatar.id } });
  const mode =
    input.mode ?? existing?.mode ?? (avatar.conversationMode === 'chat' ? 'chat' : 'echo');
  if (mode === 'chat' && !hasModel(avatar.conversationConfig)) {
    throw new ApiError(
      'unprocessable',
      'mode "chat" needs a language model: set the avatar\'s conversation model first (PATCH /api/v1/avatars/:id conversation.llm), or use mode "echo".',
    );
  }
  const settings = {
    allowedOrigins: input.allowedOrigins,
    mode,
    ...(input.greeting !== undefined ? { greeting: input.greeting } : {}),
    ...(input.theme?.mode ? { theme: input.theme.mode } : {}),
    ...(input.theme?.accent ? { accent: input.theme.accent.toLowerCase() } : {}),
    ...(input.position ? { position: input.position } : {}),
    ...(input.launcherLabel ? { launcherLabel: input.launcherLabel } : {}),
    ...(input.microphone !== undefined ? { microphone: input.microphone } : {}),
    ...(input.allowSay !== undefined ? { allowSay: input.allowSay } : {}),
    ...(input.maxSessions !== undefined ? { maxSessions: input.maxSessions } : {}),
    ...(input.maxMinutes !== undefined ? { maxMinutes: input.maxMinutes } : {}),
    ...(input.rotateSecret ? { secret: newSecret() } : {}),
  };
  const row = await prisma.avatarEmbed.upsert({
    where: { avatarId: avatar.id },
    create: {
      avatarId: avatar.id,
      embedKey: randomBytes(12).toString('base64url'),
      secret: newSecret(),
      ...settings,
    },
    update: settings,
  });
  return { view: embedView(row), created: !existing };
}

/** Turns embedding off: the snippet and frame stop working; running widget sessions go on. */
export async function deleteEmbed(
  prisma: PrismaClient,
  options: { userId: string; avatarId: string },
): Promise<void> {
  await ownedAvatar(prisma, options.userId, options.avatarId);
  await prisma.avatarEmbed.deleteMany({ where: { avatarId: options.avatarId } });
}

function newSecret(): string {
  return `fces_${randomBytes(32).toString('base64url')}`;
}
