/**
 * Why a provider's base URL (speech, language model, transcriber) is refused, or undefined when it is fine: https anywhere; plain
 * http only to this machine or a local service name without dots (a Docker service), since
 * the API key would otherwise cross the network in clear text.
 */
export function providerBaseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'baseUrl must be a full URL such as https://api.openai.com/v1';
  }
  if (url.username || url.password)
    return 'baseUrl must not contain a user name or password; put the key in apiKey';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'baseUrl must start with https://';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const local =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    /^[a-z0-9-]+$/i.test(host);
  return local
    ? undefined
    : 'baseUrl must use https:// (plain http:// is allowed only for localhost or a local service name)';
}
