/** The settings `npm test -- --only agents-plugin` (scripts/agents-plugin.ts) gives these tests. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run this through \`npm test -- --only agents-plugin\``);
  return value;
}
