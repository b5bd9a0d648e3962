/**
 * Chromium launch flags for the suite: quiet offline browser, WebRTC on the namespace's
 * addresses (loopback allowed, real IPs instead of mDNS names), media plays without a click.
 */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

export const AUTOPLAY_ALLOWED = '--autoplay-policy=no-user-gesture-required';

/** Chromium's policy for sites a visitor never interacted with: sound waits for a click. */
export const AUTOPLAY_NEEDS_ACTIVATION = '--autoplay-policy=document-user-activation-required';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  AUTOPLAY_ALLOWED,
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
];

/**
 * Permissions every browser context needs here (see playwright.config.ts): Chromium gathers
 * ICE candidates on all interfaces only for pages with a media permission.
 */
export const WEBRTC_PERMISSIONS = ['camera', 'microphone'];
