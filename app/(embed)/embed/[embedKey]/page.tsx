import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ApiError } from '@/lib/api/errors';
import { db } from '@/lib/db/db';
import { embedView } from '@/lib/embeds/embed-settings';
import { findEmbed } from '@/lib/embeds/widget-session';
import { EmbedWidget } from './embed-widget';

export const metadata: Metadata = { title: 'Facecast widget', robots: { index: false } };

/**
 * The widget's frame (docs/widget.md): the loader (public/embed.js) frames it on allowed
 * sites; the middleware sends `frame-ancestors` from the embed's allowlist. Unknown keys are
 * a 404 page inside the frame.
 */
export default async function EmbedPage(props: {
  params: Promise<{ embedKey: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { embedKey } = await props.params;
  const query = await props.searchParams;
  const embed = await findEmbed(await db(), embedKey).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'not_found') notFound();
    throw error;
  });
  const view = embedView(embed);
  const one = (value: string | string[] | undefined) =>
    typeof value === 'string' ? value : undefined;
  return (
    <EmbedWidget
      embedKey={embed.embedKey}
      avatarName={embed.avatar.name}
      theme={view.theme}
      microphone={view.microphone}
      allowSay={view.allowSay}
      autostart={one(query.autostart) === '1'}
      hostParam={one(query.host)}
      visitorToken={one(query.visitor)}
    />
  );
}
