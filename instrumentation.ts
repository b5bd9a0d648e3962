/**
 * Runs once when the Next.js server starts: validate the configuration (one readable line
 * per wrong variable, then exit), open the database, resume unfinished work and start watching the worker hosts.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { ConfigError, env } = await import('@/lib/config/env');
  try {
    env();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Facecast cannot start. ${error.message}`);
    process.exit(1);
  }
  const { database } = await import('@/lib/db/db');
  const { resumePreparations } = await import('@/lib/avatars/preparation-queue');
  const { log } = await import('@/lib/log/logger');
  const db = await database();
  const resumed = await resumePreparations(db.prisma, env().FACECAST_DATA_DIR);
  // Worker hosts that go silent: their sessions are dispatched again (lib/workers).
  const { startHostMonitor } = await import('@/lib/workers/host-monitor');
  startHostMonitor(db.prisma);
  // Booked sessions start and end by themselves; one app instance at a time (a lease).
  const { startBookingScheduler } = await import('@/lib/bookings/booking-scheduler');
  const { bookedSessionActions } = await import('@/lib/bookings/booked-session-actions');
  startBookingScheduler(db.prisma, bookedSessionActions(db.prisma));
  // Viewers of live rooms are metered, and instant sessions left alone end (a lease too).
  const { startRoomSweep } = await import('@/lib/sessions/room-sweep');
  const { roomSweepActions } = await import('@/lib/sessions/room-sweep-actions');
  startRoomSweep(db.prisma, roomSweepActions(db.prisma));
  // Webhook deliveries due now and retries (every instance; claims keep them apart).
  const { startWebhookDispatcher } = await import('@/lib/webhooks/dispatcher');
  startWebhookDispatcher(db.prisma);
  log.info({ database: db.kind, resumedPreparations: resumed }, 'app ready');
}
