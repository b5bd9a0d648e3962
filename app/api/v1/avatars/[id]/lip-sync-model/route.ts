import { ApiError, readForm } from '@/lib/api/errors';
import {
  MAX_LIP_SYNC_MODEL_BYTES,
  getLipSyncModel,
  removeLipSyncModel,
  saveLipSyncModel,
  tooLarge,
} from '@/lib/avatars/lip-sync-model';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { json } from '@/lib/api/respond';
import { lipSyncModelViewSchema, lipSyncSettingsSchema } from './lip-sync-model.types';

type Params = { id: string };

const SETTING_FIELDS = ['melInput', 'faceInput', 'channelOrder', 'batchSize'] as const;

/** Settings present in a source, blanks dropped (a blank name means "match by shape"). */
function settingsFrom(get: (name: string) => unknown) {
  const raw: Record<string, string> = {};
  for (const field of SETTING_FIELDS) {
    const value = get(field);
    if (typeof value === 'string' && value.trim() !== '') raw[field] = value.trim();
  }
  return lipSyncSettingsSchema.parse(raw);
}

/** GET /api/v1/avatars/:id/lip-sync-model → {configured: false} | {configured: true, …settings, resolved, sizeBytes, uploadedAt, fileMissing?} */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  const view = await getLipSyncModel(await db(), {
    userId: user.id,
    avatarId: params.id,
    dataDir: env().FACECAST_DATA_DIR,
  });
  return json(lipSyncModelViewSchema, view);
});

/**
 * PUT /api/v1/avatars/:id/lip-sync-model — the .onnx file as the raw body
 * (application/octet-stream; settings in the query: melInput, faceInput, channelOrder,
 * batchSize) or multipart/form-data with the file in "model" and the settings as fields.
 * ≤ 500 MB; refused with 422 unless it is a Wav2Lip-compatible ONNX model. → the settings.
 */
export const PUT = withAuth<Params>({ scope: 'avatars' }, async ({ request, user, params }) => {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_LIP_SYNC_MODEL_BYTES + 64 * 1024) throw tooLarge();
  const contentType = (request.headers.get('content-type') ?? 'application/octet-stream')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  let body: ReadableStream<Uint8Array>;
  let settings;
  if (contentType === 'multipart/form-data') {
    const form = await readForm(
      request,
      MAX_LIP_SYNC_MODEL_BYTES + 64 * 1024,
      tooLarge,
      'The multipart body could not be read. Send the file in the field "model".',
    );
    const file = form.get('model');
    if (!(file instanceof Blob)) {
      throw new ApiError(
        'unprocessable',
        'Missing "model": attach the .onnx file in the multipart field "model".',
      );
    }
    if (file.size > MAX_LIP_SYNC_MODEL_BYTES) throw tooLarge();
    settings = settingsFrom((name) => form.get(name));
    body = file.stream();
  } else if (contentType === 'application/octet-stream') {
    const query = new URL(request.url).searchParams;
    settings = settingsFrom((name) => query.get(name));
    if (!request.body) {
      throw new ApiError(
        'unprocessable',
        'The request has no body: send the .onnx file as the body.',
      );
    }
    body = request.body;
  } else {
    throw new ApiError(
      'unsupported_media_type',
      'Send the .onnx file as application/octet-stream, or as multipart/form-data in the field "model".',
    );
  }
  const view = await saveLipSyncModel(await db(), {
    userId: user.id,
    avatarId: params.id,
    dataDir: env().FACECAST_DATA_DIR,
    body,
    settings,
  });
  return json(lipSyncModelViewSchema, view);
});

/** DELETE /api/v1/avatars/:id/lip-sync-model → 204; sessions use the built-in renderer again. */
export const DELETE = withAuth<Params>({ scope: 'avatars' }, async ({ user, params }) => {
  await removeLipSyncModel(await db(), {
    userId: user.id,
    avatarId: params.id,
    dataDir: env().FACECAST_DATA_DIR,
  });
  return new Response(null, { status: 204 });
});
