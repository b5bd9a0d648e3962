/** Schemas of /api/v1/avatars/:id/lip-sync-model (lib/avatars/lip-sync-model.ts). */
import {
  authenticated,
  errorResponses,
  idParams,
  instant,
  jsonResponse,
  noContent,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { MAX_LIP_SYNC_MODEL_BYTES, lipSyncSettingsSchema } from '@/lib/avatars/lip-sync-model';

export { lipSyncSettingsSchema };

const settings = {
  melInput: z.string().optional(),
  faceInput: z.string().optional(),
  channelOrder: z.enum(['bgr', 'rgb']),
  batchSize: z.number().int(),
};

export const lipSyncModelViewSchema = z
  .discriminatedUnion('configured', [
    z.object({ configured: z.literal(false) }),
    z.object({
      configured: z.literal(true),
      ...settings,
      resolved: z.object({
        melName: z.string(),
        faceName: z.string(),
        outputName: z.string(),
        faceSizePx: z.number().int(),
      }),
      sizeBytes: z.number().int(),
      uploadedAt: instant,
      fileMissing: z.boolean().optional(),
    }),
  ])
  .openapi('LipSyncModel');

const modelFile = z.string().openapi({
  type: 'string',
  format: 'binary',
  description: `A Wav2Lip-compatible .onnx model, at most ${MAX_LIP_SYNC_MODEL_BYTES / 1024 / 1024} MB.`,
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/avatars/{id}/lip-sync-model',
    tags: ['Avatars'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: "The avatar's lip-sync model, if one is attached.",
    responses: {
      200: jsonResponse(lipSyncModelViewSchema, 'The model and its settings.'),
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    ...base,
    method: 'put',
    summary: 'Attach a lip-sync model (ONNX), checked before it is kept.',
    description:
      'The file as the raw body (`application/octet-stream`, settings in the query) or as multipart (`model` and the settings as fields).',
    request: {
      ...base.request,
      query: lipSyncSettingsSchema,
      body: {
        required: true,
        content: {
          'application/octet-stream': { schema: modelFile },
          'multipart/form-data': {
            schema: lipSyncSettingsSchema.extend({ model: modelFile }),
          },
        },
      },
    },
    responses: {
      200: jsonResponse(lipSyncModelViewSchema, 'The model and its settings.'),
      ...errorResponses(400, 404, 413, 415, 422, 503, 507),
    },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: 'Remove the model; sessions use the built-in renderer again.',
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
