import type { Avatar } from '@prisma/client';

/** The public shape of an avatar in API responses. */
export interface AvatarView {
  id: string;
  name: string;
  status: Avatar['status'];
  error?: string;
  voice: string;
  /** 1 = natural pace. */
  speechRate: number;
  createdAt: string;
}

export function avatarView(avatar: Avatar): AvatarView {
  return {
    id: avatar.id,
    name: avatar.name,
    status: avatar.status,
    ...(avatar.error ? { error: avatar.error } : {}),
    voice: avatar.voice,
    speechRate: avatar.speechRate,
    createdAt: avatar.createdAt.toISOString(),
  };
}
