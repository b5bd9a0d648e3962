/** The platform's rate limits: what a stranger (an address) or an account may do how often. */
import { env } from '@/lib/config/env';
import { retryIn, type RateLimitRule } from './rate-limit';

/** Chat lines and questions of one room participant (docs/booking.md, Rooms). */
export function chatRule(): RateLimitRule {
  const { FACECAST_CHAT_MESSAGES: points, FACECAST_CHAT_WINDOW_SECONDS: seconds } = env();
  return {
    name: 'chat',
    shortLived: true,
    points,
    durationSeconds: seconds,
    message: (retry) =>
      `Slow down: at most ${points} messages every ${seconds} seconds. Try again ${retryIn(retry)}.`,
  };
}

/** Registrations from one address per hour. */
export function registrationRule(): RateLimitRule {
  const points = env().FACECAST_REGISTRATIONS_PER_HOUR;
  return {
    name: 'register-ip',
    points,
    durationSeconds: 3600,
    message: (retry) =>
      `Too many accounts were registered from your address (at most ${points} an hour). Try again ${retryIn(retry)}.`,
  };
}

/** Sign-in attempts from one address per 15 minutes, whatever the accounts. */
export function signInRule(): RateLimitRule {
  const points = env().FACECAST_SIGNINS_PER_IP;
  return {
    name: 'signin-ip',
    points,
    durationSeconds: 15 * 60,
    message: (retry) => `Too many sign-in attempts from your address. Try again ${retryIn(retry)}.`,
  };
}

/** Viewer and room tokens issued to one address, or to one account through the API. */
export function tokenRule(scope: 'ip' | 'account'): RateLimitRule {
  const points = env().FACECAST_TOKENS_PER_MINUTE;
  return {
    name: `token-${scope}`,
    shortLived: true,
    points,
    durationSeconds: 60,
    message: (retry) =>
      `Too many viewer tokens were asked for (at most ${points} a minute). Try again ${retryIn(retry)}.`,
  };
}

/**
 * Widget sessions started from one address per minute (FACECAST_WIDGET_STARTS_PER_MINUTE),
 * and through one embed per minute whatever the addresses (ten times that: a busy shop
 * has many visitors, a script walking addresses has a ceiling).
 */
export function widgetStartRule(scope: 'ip' | 'embed'): RateLimitRule {
  const perIp = env().FACECAST_WIDGET_STARTS_PER_MINUTE;
  const points = scope === 'ip' ? perIp : perIp * 10;
  return {
    name: `widget-${scope}`,
    shortLived: true,
    points,
    durationSeconds: 60,
    message: (retry) =>
      scope === 'ip'
        ? `Too many conversations were started from your address (at most ${points} a minute). Try again ${retryIn(retry)}.`
        : `This avatar is starting too many conversations right now. Try again ${retryIn(retry)}.`,
  };
}
