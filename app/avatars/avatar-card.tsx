'use client';
/**
 * One avatar in the library: poster, name, status; while preparing a progress bar with the
 * current stage; a "video" badge for avatars made from a video; the reason when it failed.
 */
import type { ReactNode } from 'react';
import type { AvatarView } from '@/lib/avatars/avatar-view';
import { FRAMINGS, type FramingId } from '@/lib/avatars/framings';
import { VOICES } from '@/protocol/voices';

/** An avatar as the API returns it. */
export type Avatar = AvatarView;

export const RATES = [
  { value: 0.75, label: 'Slow' },
  { value: 1, label: 'Natural' },
  { value: 1.25, label: 'Brisk' },
  { value: 1.5, label: 'Fast' },
];
const voiceLabel = (id: string) => VOICES.find((v) => v.id === id)?.label ?? id;

function sizeText(avatar: Avatar): string {
  const framing = FRAMINGS[avatar.framing as FramingId];
  const [w, h] = [avatar.widthPx ?? framing?.widthPx, avatar.heightPx ?? framing?.heightPx];
  const size = w && h ? `${w} × ${h}` : avatar.framing;
  if (avatar.sourceKind !== 'video' || !avatar.frameCount) return size;
  return `${size} · ${(avatar.frameCount / 25).toFixed(1)} s loop`;
}

export interface AvatarCardProps {
  avatar: Avatar;
  starting: boolean;
  startDisabled: boolean;
  onStart: () => void;
  onDelete: () => void;
  onChangeVoice: (changes: { voice?: string; speechRate?: number }) => void;
  /** Extra settings panels shown under the voice selects. */
  children?: ReactNode;
}

export function AvatarCard(props: AvatarCardProps) {
  const { avatar, onChangeVoice } = props;
  const preparing = avatar.status === 'preparing';
  // A video has no poster until its first frame is cut; a portrait shows its upload.
  const hasPoster = !(preparing && avatar.sourceKind === 'video' && !avatar.widthPx);
  return (
    <div className="card avatar-card" data-testid="avatar-card" data-status={avatar.status}>
      {hasPoster ? (
        <img src={`/api/v1/avatars/${avatar.id}/image?s=${avatar.status}`} alt={avatar.name} />
      ) : (
        <div
          className="empty"
          style={{ aspectRatio: '1', display: 'grid', placeItems: 'center', padding: 8 }}
        >
          Video: the poster appears when it is ready
        </div>
      )}
      <div className="name">{avatar.name}</div>
      <div className="row" style={{ gap: 6 }}>
        <span className={`badge ${avatar.status}`} data-testid="avatar-status">
          {avatar.status}
        </span>
        {avatar.sourceKind === 'video' && (
          <span className="badge" data-testid="avatar-video-badge" title="Made from a video loop">
            video
          </span>
        )}
        <span className="muted" style={{ fontSize: 13 }}>
          {sizeText(avatar)}
        </span>
      </div>
      {preparing && (
        <div style={{ marginTop: 8 }}>
          <progress
            max={100}
            value={avatar.progress}
            style={{ width: '100%' }}
            aria-label={`Preparing ${avatar.name}`}
            data-testid="avatar-progress"
          />
          <div className="muted" style={{ fontSize: 13 }} aria-live="polite">
            {avatar.stage ?? 'Preparing'} · {avatar.progress} %
          </div>
        </div>
      )}
      {avatar.error && (
        <p className="error" role="alert">
          {avatar.error}
        </p>
      )}
      {avatar.status !== 'failed' && (
        <div className="row" style={{ marginTop: 8 }}>
          <select
            aria-label={`Voice of ${avatar.name}`}
            value={avatar.voice}
            onChange={(e) => onChangeVoice({ voice: e.target.value })}
            title={voiceLabel(avatar.voice)}
          >
            {VOICES.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
          <select
            aria-label={`Speaking rate of ${avatar.name}`}
            value={String(avatar.speechRate)}
            onChange={(e) => onChangeVoice({ speechRate: Number(e.target.value) })}
          >
            {RATES.some((r) => r.value === avatar.speechRate) ? null : (
              <option value={String(avatar.speechRate)}>{avatar.speechRate}×</option>
            )}
            {RATES.map((r) => (
              <option key={r.value} value={String(r.value)}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {props.children}
      <div className="row" style={{ marginTop: 12 }}>
        {avatar.status === 'ready' && (
          <button type="button" onClick={props.onStart} disabled={props.startDisabled}>
            {props.starting ? 'Starting…' : 'Start session'}
          </button>
        )}
        <button type="button" className="secondary" onClick={props.onDelete}>
          Delete
        </button>
      </div>
    </div>
  );
}
