/**
 * A booked room, end to end in Chromium: the host books a slot a minute ahead in the
 * Bookings page; the session starts by itself; two guests join through the booking's link
 * with their names and see each other and one chat; a third finds the room full; a guest's
 * question, once the host approves it, is read by the avatar; the host removes the other
 * guest, who is told why; viewers are warned a minute before the end, and the session ends at
 * the booked end. (Once booked in the form, the slot is moved through the API, the way a host
 * reschedules: its start 45 s out instead of the form's next whole minute, its end 105 s after
 * that instead of the form's shortest 15 minutes, so that the test lasts two minutes, not five.)
 */
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { createReadyAvatar, expect, test } from '../fixtures';
import { WEBRTC_PERMISSIONS } from '../support/chromium';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

/** How long after the booking is made its session starts in this test, ms (the lead is 30 s). */
const BOOKED_START_IN_MS = 45_000;
/** How long after its start the booked session ends in this test, ms. */
const BOOKED_LENGTH_MS = 105_000;

interface BookingBody {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  joinUrl: string;
}

async function joinAs(browser: Browser, joinPath: string, name: string) {
  const context = await browser.newContext({ permissions: WEBRTC_PERMISSIONS });
  const page = await context.newPage();
  await page.goto(joinPath);
  await page.getByTestId('display-name').fill(name);
  await page.getByTestId('join-room').click();
  return { context, page };
}

const person = (page: Page, name: string) =>
  page.getByTestId('room-person').filter({ hasText: name });

test('a booked room: starts by itself, guests chat, a question is answered, a guest is removed, it ends on time', async ({
  api,
  loggedInPage: host,
  browser,
}) => {
  test.setTimeout(300_000);
  const avatar = await createReadyAvatar(api);
  await host.goto('/bookings');
  await host.getByLabel('Avatar').selectOption(avatar.id);
  const title = `Open room ${avatar.id.slice(-4)}`;
  await host.getByLabel('Title (optional)').fill(title);
  // A minute ahead, in the browser's own time zone (the form speaks local time).
  const { day, time } = await host.evaluate(() => {
    const start = new Date(Math.ceil((Date.now() + 90_000) / 60_000) * 60_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return {
      day: `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`,
      time: `${pad(start.getHours())}:${pad(start.getMinutes())}`,
    };
  });
  await host.getByLabel('Day').fill(day);
  await host.getByLabel('Starts at').fill(time);
  await host.getByLabel('Length').selectOption('15');
  await host.getByLabel('Kind').selectOption('private');
  await host.getByLabel('Who may talk').selectOption('owner');
  await host.getByLabel('Max viewers (optional)').fill('2');
  await host.getByTestId('book').click();
  await expect(host.getByTestId('booking-notice')).toContainText('Booked');

  const { bookings } = (await (await api.get('/api/v1/bookings')).json()) as {
    bookings: BookingBody[];
  };
  const booking = bookings.find((b) => b.title === title);
  expect(booking, 'the booking made in the page').toBeDefined();
  const startsAt = new Date(Date.now() + BOOKED_START_IN_MS);
  const endsAt = new Date(startsAt.getTime() + BOOKED_LENGTH_MS);
  const moved = await api.patch(`/api/v1/bookings/${booking!.id}`, {
    data: { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
  });
  expect(moved.status(), await moved.text()).toBe(200);
  const joinPath = new URL(booking!.joinUrl).pathname;

  // Before it starts, the link says so and waits; the session starts by itself.
  await host.goto(joinPath);
  await expect(host.getByTestId('join-state')).toHaveAttribute('data-state', 'upcoming');
  await expect(host.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
    timeout: 90_000,
  });
  expect(Date.now()).toBeLessThan(startsAt.getTime() + 20_000);

  const ada = await joinAs(browser, joinPath, 'Ada');
  const ben = await joinAs(browser, joinPath, 'Ben');
  try {
    for (const guest of [ada.page, ben.page]) {
      await expect(guest.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
        timeout: 60_000,
      });
    }
    // Everyone sees everyone (host, Ada, Ben), with a count.
    await expect(person(ada.page, 'Ben')).toBeVisible({ timeout: 15_000 });
    await expect(person(ben.page, 'Ada')).toBeVisible({ timeout: 15_000 });
    await expect(host.getByTestId('room-count')).toHaveText('3', { timeout: 15_000 });

    // Max viewers 2: a third person gets a clear "full" page.
    const cy = await joinAs(browser, joinPath, 'Cy');
    await expect(cy.page.getByTestId('room-full')).toContainText('This room is full');
    await cy.context.close();

    // One shared chat, with sender names.
    await ada.page.getByTestId('room-chat-input').fill('Hello from Ada!');
    await ada.page.getByTestId('room-chat-send').click();
    await expect(
      ben.page.getByTestId('chat-line').filter({ hasText: 'Hello from Ada!' }),
    ).toHaveAttribute('data-from', 'Ada');

    // Ben asks; the host approves; the avatar reads it (echo mode) for everyone.
    const question = 'Which painting do you like best?';
    await ben.page.getByTestId('room-chat-input').fill(question);
    await ben.page.getByTestId('room-question-send').click();
    const queued = host.getByTestId('question').filter({ hasText: question });
    await expect(queued).toBeVisible({ timeout: 15_000 });
    await expect(ada.page.getByTestId('question').filter({ hasText: question })).toBeVisible();
    await host.screenshot({ path: path.join(IMAGES, 'room-host.png') });
    await queued.getByTestId('approve-question').click();
    await expect(ada.page.getByTestId('question-list')).toHaveCount(0, { timeout: 15_000 });
    await expect(ada.page.getByTestId('captions')).toContainText('painting', { timeout: 30_000 });

    // The host removes Ben, who is told why; the others see him leave.
    await person(host, 'Ben').getByTestId('remove-person').click();
    await expect(ben.page.getByTestId('room-removed')).toContainText('The host removed you', {
      timeout: 15_000,
    });
    await expect(person(ada.page, 'Ben')).toHaveCount(0, { timeout: 15_000 });
    await ada.page.screenshot({ path: path.join(IMAGES, 'room-guest.png') });

    // A minute before the end, viewers are warned; at the end, the session ends.
    await expect(ada.page.getByTestId('end-warning')).toBeVisible({
      timeout: Math.max(5_000, endsAt.getTime() - 60_000 - Date.now() + 10_000),
    });
    await expect(ada.page.getByTestId('connection-state')).toHaveAttribute('data-phase', 'ended', {
      timeout: Math.max(5_000, endsAt.getTime() - Date.now() + 30_000),
    });
    const { sessions } = (await (await api.get('/api/v1/sessions')).json()) as {
      sessions: { bookingId?: string; status: string; endedAt?: string }[];
    };
    const booked = sessions.find((s) => s.bookingId === booking!.id);
    expect(booked?.status).toBe('ended');
    expect(Math.abs(Date.parse(booked!.endedAt!) - endsAt.getTime())).toBeLessThan(20_000);
  } finally {
    await ada.context.close();
    await ben.context.close();
  }
});
