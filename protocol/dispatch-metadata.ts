/**
 * The metadata of a LiveKit agent dispatch that starts an avatar session: the whole session
 * request (worker hosts hold no database connection), with its provider API keys sealed with
 * the shared worker secret. Dispatch metadata passes through the LiveKit server (and its logs
 * at debug level), so it never carries a key in clear.
 *
 * It is also **signed** (HMAC-SHA256 with a key derived from WORKER_SECRET): anyone holding
 * the LiveKit API key could create a dispatch, so a host runs only requests the app wrote.
 * The text is `fc2.<signature, base64url>.<JSON>`; the signature covers the JSON's bytes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
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

/** The signed format's prefix (format 1 was the bare, unsigned JSON). */
const SIGNED_PREFIX = 'fc2.';

/** A dispatch the host must not run: unsigned, signed with another secret, or altered. */
export class DispatchSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DispatchSignatureError';
  }
}

const signature = (json: string, workerSecret: string): Buffer =>
  createHmac('sha256', `facecast-dispatch-signature:${workerSecret}`).update(json).digest();

/** The JSON of signed metadata after checking its signature; throws DispatchSignatureError. */
function verifiedJson(text: string, workerSecret: string): string {
  const dot = text.indexOf('.', SIGNED_PREFIX.length);
  if (!text.startsWith(SIGNED_PREFIX) || dot < 0) {
    throw new DispatchSignatureError(
      'dispatch metadata is not signed: only dispatches from a Facecast app with this WORKER_SECRET are run',
    );
  }
  const given = Buffer.from(text.slice(SIGNED_PREFIX.length, dot), 'base64url');
  const json = text.slice(dot + 1);
  const expected = signature(json, workerSecret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DispatchSignatureError(
      'dispatch metadata signature does not verify: the app and this host use different WORKER_SECRETs, or the metadata was altered',
    );
  }
  return json;
}

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
  const signed = `${SIGNED_PREFIX}${signature(text, workerSecret).toString('base64url')}.${text}`;
  if (Buffer.byteLength(signed) > DISPATCH_METADATA_MAX_BYTES) {
    throw new Error(`dispatch metadata is ${Buffer.byteLength(signed)} bytes, over the limit`);
  }
  return signed;
}

/**
 * A dispatch's metadata back into a session request. Throws DispatchSignatureError when the
 * signature is missing or wrong, and on anything malformed.
 */
export function decodeDispatchMetadata(text: string, workerSecret: string): SessionRequest {
  const json = verifiedJson(text, workerSecret);
  const parsed = dispatchMetadataSchema.parse(JSON.parse(json));
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
