export { AvatarSession, type AvatarSessionOptions, type StartOptions } from './avatar-session.js';
export { FacecastError } from './facecast-api.js';
export { mintAvatarToken, type AvatarTokenOptions } from './avatar-token.js';
