import type { Avatar } from '@prisma/client';
import { conversationView, type ConversationView } from '@/lib/conversation/conversation-settings';
import {
  transcriptionView,
  type TranscriptionView,
} from '@/lib/conversation/transcription-settings';
import { speechSettingsView, type SpeechSettingsView } from './avatar-settings';

/** The public shape of an avatar in API responses. */
export interface AvatarView {
  id: string;
  name: string;
  status: Avatar['status'];
  error?: string;
  /** Preparation progress, percent 0..100 (100 once ready), and what it is doing now. */
  progress: number;
  stage?: string;
  /** What the avatar was made from: a portrait image or a video. */
  sourceKind: 'image' | 'video';
  /** Output framing id: square-512, square-720 or wide-720p. */
  framing: string;
  /** Prepared frame size, px, and the number of frames in its loop (1 for a portrait). */
  widthPx?: number;
  heightPx?: number;
  frameCount?: number;
  voice: string;
  /** 1 = natural pace. */
  speechRate: number;
  /** Speech provider and its settings (`hasApiKey`, never the key). */
  speech: SpeechSettingsView;
  /** How it converses (docs/conversation.md); `hasApiKey`, never the key. */
  conversation: ConversationView;
  /** How viewers' voices are transcribed; `hasApiKey`, never the key. */
  transcription: TranscriptionView;
  /** Whether a lip-sync model is attached (details at /api/v1/avatars/:id/lip-sync-model). */
  hasLipSyncModel: boolean;
  createdAt: string;
}

export function avatarView(avatar: Avatar): AvatarView {
  return {
    id: avatar.id,
    name: avatar.name,
    status: avatar.status,
    ...(avatar.error ? { error: avatar.error } : {}),
    progress: avatar.status === 'ready' ? 100 : avatar.progress,
    ...(avatar.stage && avatar.status !== 'failed' ? { stage: avatar.stage } : {}),
    sourceKind: avatar.sourceKind === 'video' ? 'video' : 'image',
    framing: avatar.framing,
    ...(avatar.widthPx !== null ? { widthPx: avatar.widthPx } : {}),
    ...(avatar.heightPx !== null ? { heightPx: avatar.heightPx } : {}),
    ...(avatar.frameCount !== null ? { frameCount: avatar.frameCount } : {}),
    voice: avatar.voice,
    speechRate: avatar.speechRate,
    speech: speechSettingsView(avatar),
    conversation: conversationView(avatar),
    transcription: transcriptionView(avatar),
    hasLipSyncModel: avatar.lipSyncModel !== null,
    createdAt: avatar.createdAt.toISOString(),
  };
}
