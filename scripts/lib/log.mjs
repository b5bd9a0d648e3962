/**
 * Console output for the setup / start / test scripts: one style of progress line, optional
 * colour (only on a TTY, never in CI logs), and per-process prefixes for child output.
 */
import process from 'node:process';

const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

const codes = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  grey: 90,
  bold: 1,
};

/**
 * @param {keyof typeof codes} name
 * @param {string} text
 */
export function colour(name, text) {
  return useColour ? `\u001b[${codes[name]}m${text}\u001b[0m` : text;
}

/** A progress line: `==> message`. */
export function step(message) {
  console.log(`${colour('bold', '==>')} ${message}`);
}

/** An indented detail line under the current step. */
export function detail(message) {
  console.log(`    ${message}`);
}

export function warn(message) {
  console.warn(`${colour('yellow', 'warning:')} ${message}`);
}

/** Formats a duration given in milliseconds as seconds with one decimal, e.g. `12.3s`. */
export function seconds(durationMs) {
  return `${(durationMs / 1000).toFixed(1)}s`;
}

const prefixColours = /** @type {const} */ (['cyan', 'magenta', 'blue', 'green', 'yellow']);
let nextPrefixColour = 0;

/**
 * Returns a function that writes one line of a child's output with a fixed-width, coloured
 * `[name]` prefix, so the logs of several processes stay readable when interleaved.
 * @param {string} name
 */
export function linePrefixer(name) {
  const tag = colour(
    prefixColours[nextPrefixColour++ % prefixColours.length],
    `[${name}]`.padEnd(10),
  );
  return (/** @type {string} */ line) => `${tag} ${line}\n`;
}
