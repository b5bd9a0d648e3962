import type { Avatar } from '@prisma/client';

/** The public shape of an avatar in API responses. */
export interface AvatarView {
  id: string;
  name: string;
  status: Avatar['status'];
  error?: string;
  createdAt: string;
}

export function avatarView(avatar: Avatar): AvatarView {
  return {
    id: avatar.id,
    name: avatar.name,
    status: avatar.status,
    ...(avatar.error ? { error: avatar.error } : {}),
    createdAt: avatar.createdAt.toISOString(),
  };
}
