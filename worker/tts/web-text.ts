/**
 * Markup, emoji, URLs and email addresses, which Flite would otherwise spell out character by
 * character or read as nonsense.
 */

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Common top-level domains, so bare "example.com" reads as an address but "Node.js" not. */
const TLDS = 'com|org|net|edu|gov|io|dev|ai|app|co|uk|de|fr|eu|us|ca|au|info|biz|me|tv|ly|xyz|tech';

const URL_PATTERN = new RegExp(
  String.raw`\b(?:https?:\/\/[^\s<>"']+|www\.[^\s<>"']+|[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:${TLDS})\b(?:\/[^\s<>"']*)?)`,
  'gi',
);
const EMAIL_PATTERN = /\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;
/** Pictographs, skin tones, flags, joiners, variation selectors and keycap marks. */
const EMOJI_PATTERN =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0e|\ufe0f|\u20e3/gu;

/** Reads the separators inside an address as words: "a.b-c_d" → "a dot b dash c underscore d". */
function spellParts(part: string): string {
  return part
    .replace(/\./g, ' dot ')
    .replace(/-/g, ' dash ')
    .replace(/_/g, ' underscore ')
    .replace(/\+/g, ' plus ')
    .replace(/~/g, ' tilde ')
    .replace(/[^\w\s']/g, ' ');
}

/** "https://www.example.com/docs/" → "w w w dot example dot com slash docs". */
export function spellUrl(url: string): string {
  const withoutScheme = url.replace(/^https?:\/\//i, '');
  // The query and fragment are noise when spoken.
  const [location = ''] = withoutScheme.split(/[?#]/);
  const [host = '', ...path] = location.split('/').filter((segment) => segment !== '');
  const spokenHost = spellParts(host.replace(/^www\./i, 'w w w.'));
  return [spokenHost, ...path.map(spellParts)].join(' slash ');
}

/** "jane.doe@example.com" → "jane dot doe at example dot com". */
export function spellEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${spellParts(user)} at ${spellParts(domain)}`;
}

/** Drops HTML tags, Markdown link targets and emphasis, and decodes common entities. */
export function stripMarkup(text: string): string {
  return (
    text
      // Markdown links and images: keep the link text.
      .replace(/!?\[([^\]]*)\]\([^)\s]*\)/g, '$1')
      .replace(/<\/?[a-zA-Z][^<>]*>/g, ' ')
      .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_match, name: string) => ENTITIES[name] ?? ' ')
      .replace(/&#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)))
      .replace(EMOJI_PATTERN, ' ')
  );
}

/** Spells URLs and email addresses; trailing sentence punctuation stays outside. */
export function spellAddresses(text: string): string {
  const emails = text.replace(EMAIL_PATTERN, (email) => ` ${spellEmail(email)} `);
  return emails.replace(URL_PATTERN, (url) => {
    const trailing = /[.,;:!?)\]'"]+$/.exec(url)?.[0] ?? '';
    return ` ${spellUrl(url.slice(0, url.length - trailing.length))} ${trailing}`;
  });
}
