/**
 * The metadata of a LiveKit agent dispatch that starts an avatar session: the whole session
 * request (worker hosts hold no database connection), with the one secret in it, a speech
 * provider's API key, sealed with the shared worker secret. Dispatch metadata passes through
 * the LiveKit server (and its logs at debug level), so it never carries a key in clear.
 */
import { z } from 'zod';
import { sealSecret, unsealSecret } from './sealing';
import { sessionRequestSchema, type SessionRequest } from './session-request';

/** The agent name worker hosts register under and the app dispatches to (default). */
export const DEFAULT_AGENT_NAME = 'facecast-avatar';

/** LiveKit's default limit for metadata is 64 KiB; a request with 468 landmarks is ~15 KB. */
export const DISPATCH_METADATA_MAX_BYTES = 60_000;

const dispatchMetadataSchema = z.object({
  v: z.literal(1),
  request: sessionRequestSchema,
  /** The speech provider's API key, sealed; `request.speech.apiKey` is then absent. */
  apiKeySealed: z.string().optional(),
  /** The language model's API key, sealed; `request.conversation.llm.apiKey` is then absent. */
  llmApiKeySealed: z.string().optional(),
  /** The transcriber's API key, sealed; `…conversation.transcription.apiKey` is then absent. */
  sttApiKeySealed: z.string().optional(),
});

/** Key material for sealing: the worker secret, domain-separated from other uses. */
const sealingSecret = (workerSecret: string) => `facecast-dispatch:${workerSecret}`;

/** The request as dispatch metadata (JSON), its API key sealed for this session only. */
export function encodeDispatchMetadata(request: SessionRequest, workerSecret: string): string {
  const { speech } = request;
  let apiKeySealed: string | undefined;
  let cleared = request;
  if (speech?.provider === 'openai' && speech.apiKey) {
    apiKeySealed = sealSecret(speech.apiKey, sealingSecret(workerSecret), request.sessionId);
    const { apiKey: _key, ...rest } = speech;
    cleared = { ...cleared, speech: rest };
  }
  let llmApiKeySealed: string | undefined;
  const llm = request.conversation?.llm;
  if (request.conversation && llm?.apiKey) {
    llmApiKeySealed = sealSecret(
      llm.apiKey,
      sealingSecret(workerSecret),
      `${request.sessionId}:llm`,
    );
    const { apiKey: _key, ...rest } = llm;
    cleared = { ...cleared, conversation: { ...request.conversation, llm: rest } };
  }
  let sttApiKeySealed: string | undefined;
  const stt = cleared.conversation?.transcription;
  if (cleared.conversation && stt?.provider === 'openai' && stt.apiKey) {
    sttApiKeySealed = sealSecret(
      stt.apiKey,
      sealingSecret(workerSecret),
      `${request.sessionId}:stt`,
    );
    const { apiKey: _key, ...rest } = stt;
    cleared = { ...cleared, conversation: { ...cleared.conversation, transcription: rest } };
  }
  const text = JSON.stringify({
    v: 1,
    request: cleared,
    ...(apiKeySealed ? { apiKeySealed } : {}),
    ...(llmApiKeySealed ? { llmApiKeySealed } : {}),
    ...(sttApiKeySealed ? { sttApiKeySealed } : {}),
  });
  if (Buffer.byteLength(text) > DISPATCH_METADATA_MAX_BYTES) {
    throw new Error(`dispatch metadata is ${Buffer.byteLength(text)} bytes, over the limit`);
  }
  return text;
}

/** A dispatch's metadata back into a session request; throws on anything malformed. */
export function decodeDispatchMetadata(text: string, workerSecret: string): SessionRequest {
  const parsed = dispatchMetadataSchema.parse(JSON.parse(text));
  const { apiKeySealed, llmApiKeySealed, sttApiKeySealed } = parsed;
  let { request } = parsed;
  if (apiKeySealed && request.speech?.provider === 'openai') {
    const apiKey = unsealSecret(apiKeySealed, sealingSecret(workerSecret), request.sessionId);
    request = { ...request, speech: { ...request.speech, apiKey } };
  }
  const llm = request.conversation?.llm;
  if (llmApiKeySealed && request.conversation && llm) {
    const apiKey = unsealSecret(
      llmApiKeySealed,
      sealingSecret(workerSecret),
      `${request.sessionId}:llm`,
    );
    request = { ...request, conversation: { ...request.conversation, llm: { ...llm, apiKey } } };
  }
  const stt = request.conversation?.transcription;
  if (sttApiKeySealed && request.conversation && stt?.provider === 'openai') {
    const apiKey = unsealSecret(
      sttApiKeySealed,
      sealingSecret(workerSecret),
      `${request.sessionId}:stt`,
    );
    request = {
      ...request,
      conversation: { ...request.conversation, transcription: { ...stt, apiKey } },
    };
  }
  return request;
}
