/**
 * An environment setting that is a whole number in a range, read strictly: an empty or unset
 * value is the default, anything else must be a whole number from `min` to `max`, or the
 * error says which setting, what it means and what was given.
 * @param {string} name e.g. FACECAST_APP_MAX_INFLIGHT
 * @param {string | undefined} value
 * @param {{ fallback: number, min: number, max: number, range: string }} rule `range`: the
 *   words after "must be a whole number", e.g. "from 0 (no limit) to 100000 (…)"
 */
export function parseWholeNumberSetting(name, value, rule) {
  if (value === undefined || value.trim() === '') return rule.fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < rule.min || parsed > rule.max)
    throw new Error(`${name}: must be a whole number ${rule.range}, got "${value}"`);
  return parsed;
}
