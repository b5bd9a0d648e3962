/**
 * First-run setup, called by `npm start` before the app starts: applies migrations, and on
 * a fresh installation creates the demo admin account and a ready demo avatar. Its last
 * stdout line is JSON for the start script: {dataDir, database, demo: {email, password}|null}.
 * The demo password is kept (mode 0600) in the data dir only so later starts can show it
 * again; once the password is changed it is no longer shown.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { verifyPassword } from '@/lib/auth/password';
import { createAvatar } from '@/lib/avatars/create-avatar';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { openDatabase } from '@/lib/db/open-database';
import { createUser } from '@/lib/users/create-user';

export const DEMO_EMAIL = 'demo@facecast.local';

interface DemoLogin {
  email: string;
  password: string;
}

async function main(): Promise<void> {
  const dataDir = process.env.FACECAST_DATA_DIR || path.join(process.cwd(), '.data');
  mkdirSync(dataDir, { recursive: true });
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir });
  const loginFile = path.join(dataDir, 'demo-login.json');
  let demo: DemoLogin | null = null;
  try {
    if ((await db.prisma.user.count()) === 0) {
      demo = { email: DEMO_EMAIL, password: randomBytes(9).toString('base64url') };
      const user = await createUser(db.prisma, { ...demo, isAdmin: true });
      writeFileSync(loginFile, JSON.stringify(demo), { mode: 0o600 });
      console.error('Preparing the demo avatar (first run only)…');
      const avatar = await createAvatar(db.prisma, {
        userId: user.id,
        name: 'Demo presenter',
        file: await loadDemoPortrait(),
        dataDir,
        maxBytes: 50 * 1024 * 1024,
        waitForPreparation: true,
      });
      console.error(
        `Demo avatar: ${avatar.status}${avatar.error ? ` (${avatar.error})` : ''}${avatar.storeDir ? `, frame store in ${avatar.storeDir}` : ''}`,
      );
    } else if (existsSync(loginFile)) {
      const saved = JSON.parse(readFileSync(loginFile, 'utf8')) as DemoLogin;
      const user = await db.prisma.user.findUnique({ where: { email: saved.email } });
      if (user && (await verifyPassword(user.passwordHash, saved.password))) demo = saved;
    }
  } finally {
    await db.close();
  }
  console.log(JSON.stringify({ dataDir, database: db.kind, demo }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
