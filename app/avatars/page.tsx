import { env } from '@/lib/config/env';
import { serverTranscriberLabel } from '@/lib/conversation/transcription-settings';
import { requireUser } from '../_components/require-user';
import { AvatarLibrary } from './avatar-library';

export default async function AvatarsPage() {
  await requireUser('/avatars');
  return (
    <AvatarLibrary
      maxUploadMb={env().MAX_UPLOAD_MB}
      serverTranscriber={serverTranscriberLabel(env())}
    />
  );
}
