'use client';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { api, jsonInit } from '../_components/api';
import { type Avatar, AvatarCard } from './avatar-card';
import { ConversationSettings } from './conversation-settings';
import { EmbedPanel } from './embed-panel';
import { LipSyncPanel } from './lip-sync-panel';
import { NewAvatarForm } from './new-avatar-form';
import { SpeechSettings } from './speech-settings';

export function AvatarLibrary({
  maxUploadMb,
  serverTranscriber,
}: {
  maxUploadMb: number;
  /** How the server's default transcriber reads, e.g. "Server default (offline recogniser)". */
  serverTranscriber: string;
}) {
  const router = useRouter();
  const [avatars, setAvatars] = useState<Avatar[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);

  const load = useCallback(async () => {
    const body = await api<{ avatars: Avatar[] }>('/api/v1/avatars');
    setAvatars(body.avatars);
  }, []);

  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  // Poll while any avatar is still being prepared, so progress and stage stay current.
  useEffect(() => {
    if (!avatars?.some((a) => a.status === 'preparing')) return;
    const timer = setInterval(() => void load().catch(() => undefined), 1000);
    return () => clearInterval(timer);
  }, [avatars, load]);

  async function onChangeVoice(avatar: Avatar, changes: { voice?: string; speechRate?: number }) {
    setError(null);
    try {
      await api(`/api/v1/avatars/${avatar.id}`, jsonInit('PATCH', changes));
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onDelete(avatar: Avatar) {
    if (!confirm(`Delete avatar "${avatar.name}"? Its live sessions end too.`)) return;
    try {
      await api(`/api/v1/avatars/${avatar.id}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onStart(avatar: Avatar) {
    setStarting(avatar.id);
    setError(null);
    try {
      const session = await api<{ id: string }>(
        '/api/v1/sessions',
        jsonInit('POST', { avatarId: avatar.id }),
      );
      router.push(`/sessions/${session.id}`);
    } catch (e) {
      setError((e as Error).message);
      setStarting(null);
    }
  }

  return (
    <>
      <h1>Avatars</h1>
      <NewAvatarForm maxUploadMb={maxUploadMb} onCreated={load} />

      <h2>Your avatars</h2>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {avatars === null ? (
        <p className="muted">Loading…</p>
      ) : avatars.length === 0 ? (
        <div className="empty">
          No avatars yet. Upload a portrait or a short video above to create your first one.
        </div>
      ) : (
        <div className="grid">
          {avatars.map((avatar) => (
            <AvatarCard
              key={avatar.id}
              avatar={avatar}
              starting={starting === avatar.id}
              startDisabled={starting !== null}
              onStart={() => void onStart(avatar)}
              onDelete={() => void onDelete(avatar)}
              onChangeVoice={(changes) => void onChangeVoice(avatar, changes)}
            >
              {avatar.status !== 'failed' && (
                <details className="avatar-settings">
                  <summary>
                    Speech provider and lip-sync model
                    {avatar.speech.provider !== 'flite' ? ` · ${avatar.speech.provider}` : ''}
                    {avatar.hasLipSyncModel ? ' · ONNX model' : ''}
                  </summary>
                  <SpeechSettings
                    avatarId={avatar.id}
                    initial={avatar.speech}
                    onSaved={() => void load()}
                  />
                  <LipSyncPanel avatarId={avatar.id} />
                </details>
              )}
              {avatar.status !== 'failed' && (
                <details className="avatar-settings" data-testid="conversation-details">
                  <summary>
                    Conversation ·{' '}
                    {avatar.conversation.mode === 'chat'
                      ? `chat${avatar.conversation.llm.model ? ` (${avatar.conversation.llm.model})` : ''}`
                      : 'echo'}
                  </summary>
                  <ConversationSettings
                    avatarId={avatar.id}
                    conversation={avatar.conversation}
                    transcription={avatar.transcription}
                    serverTranscriber={serverTranscriber}
                    onSaved={() => void load()}
                  />
                </details>
              )}
              {avatar.status === 'ready' && (
                <details className="avatar-settings" data-testid="embed-details">
                  <summary>Embed on your site</summary>
                  <EmbedPanel
                    avatarId={avatar.id}
                    chatAvailable={
                      !!avatar.conversation.llm.baseUrl && !!avatar.conversation.llm.model
                    }
                  />
                </details>
              )}
            </AvatarCard>
          ))}
        </div>
      )}
    </>
  );
}
