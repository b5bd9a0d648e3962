/**
 * Facecast administration CLI.
 *   npm run cli -- user create --email <email> --password <password> [--admin]
 *   npm run cli -- apikey create --email <email> [--name <name>] [--scopes read,sessions,…]
 *     (prints the key last; scopes default to read,sessions,avatars: decision 023)
 * Uses the same configuration as the app (DATABASE_URL or the embedded database in
 * FACECAST_DATA_DIR). The embedded database can only be opened while the app is stopped.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { ApiKeyScope } from '@/lib/auth/api-key-scopes';
import { createApiKey } from '@/lib/auth/api-keys';
import { openDatabase } from '@/lib/db/open-database';
import { createUser } from '@/lib/users/create-user';

const USAGE = `Usage:
  npm run cli -- user create --email <email> --password <password> [--admin]
  npm run cli -- apikey create --email <email> [--name <name>] [--scopes read,sessions,avatars,admin]`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      admin: { type: 'boolean', default: false },
      name: { type: 'string' },
      scopes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !['user create', 'apikey create'].includes(command)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (!values.email) throw new Error('--email is required.');
  const db = await openDatabase({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.FACECAST_DATA_DIR || path.join(process.cwd(), '.data'),
  });
  try {
    if (command === 'user create') {
      if (!values.password) throw new Error('--password is required.');
      const user = await createUser(db.prisma, {
        email: values.email,
        password: values.password,
        isAdmin: values.admin || undefined,
      });
      console.log(`Created user ${user.email}${user.isAdmin ? ' (admin)' : ''}.`);
    } else {
      const email = values.email.trim().toLowerCase();
      const user = await db.prisma.user.findUnique({ where: { email } });
      if (!user)
        throw new Error(
          `No user with email ${email}. Create it first: npm run cli -- user create …`,
        );
      const scopes = values.scopes
        ? ApiKeyScope.array().parse(values.scopes.split(',').map((s) => s.trim()))
        : undefined;
      const key = await createApiKey(db.prisma, {
        userId: user.id,
        name: values.name ?? 'cli',
        scopes,
      });
      console.log(
        `Created API key "${key.name}" (${key.scopes.join(', ')}) for ${email}. It is shown only once:`,
      );
      console.log(key.key);
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof ZodError
      ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')
      : error instanceof ApiError || error instanceof Error
        ? error.message
        : String(error);
  console.error(`Error: ${message}`);
  process.exitCode = 1;
});
