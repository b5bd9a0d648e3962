/**
 * Booking in the browser: the week calendar in the creator's own time zone (Chromium set to
 * Europe/Paris here), a booking made with the form, a refusal for a full pool that offers the
 * next free time, a booking changed with the same form (and refused the same way), and a
 * cancellation. The e2e stack has 2 bookable slots
 * (FACECAST_BOOKABLE_SLOTS=3, one kept for instant sessions); the API tests book 30 or more
 * days ahead, so tomorrow is this test's alone.
 */
import path from 'node:path';
import { expect, test, uploadDemoAvatar } from '../fixtures';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

test.use({ timezoneId: 'Europe/Paris', locale: 'en-GB' });

interface BookingBody {
  title: string;
  startsAt: string;
  endsAt: string;
}

test('book a slot in the week calendar; a full slot offers the next free time; edit; cancel', async ({
  api,
  loggedInPage: page,
}) => {
  const avatar = await uploadDemoAvatar(api, 'Gallery guide');
  await page.goto('/bookings');
  await expect(page.getByTestId('time-zone')).toHaveText('Europe/Paris');
  await expect(page.getByLabel('Avatar')).toHaveValue(avatar.id);

  const book = async (title: string) => {
    await page.getByLabel('Title (optional)').fill(title);
    await page.getByTestId('book').click();
  };
  // The form suggests tomorrow 10:00 local time; one hour, a broadcast.
  await page.getByLabel('Kind').selectOption('broadcast');
  await book('Gallery tour');
  await expect(page.getByTestId('booking-notice')).toContainText('Booked');
  const tour = page.getByTestId('booking').filter({ hasText: 'Gallery tour' });
  await expect(tour).toContainText('10:00–11:00');
  await expect(tour).toContainText('broadcast');
  // Stored as the instant 10:00 in Paris is.
  const tomorrowTen = await page.evaluate(() => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 10).toISOString();
  });
  const { bookings } = (await (
    await api.get(`/api/v1/bookings?from=${encodeURIComponent(tomorrowTen)}`)
  ).json()) as { bookings: BookingBody[] };
  expect(bookings.map((b) => [b.title, b.startsAt])).toContainEqual(['Gallery tour', tomorrowTen]);

  await book('Second group');
  await expect(page.getByTestId('booking')).toHaveCount(2);
  // Both bookable slots are taken from 10:00 to 11:00: a third is refused with the next free
  // time, which the form takes with one click.
  await book('Third group');
  const refused = page.getByTestId('booking-refused');
  await expect(refused).toContainText('next free start');
  await refused.getByRole('button', { name: /11:00 instead/ }).click();
  await expect(page.getByLabel('Starts at')).toHaveValue('11:00');
  await book('Third group');
  await expect(page.getByTestId('booking').filter({ hasText: 'Third group' })).toContainText(
    '11:00–12:00',
  );

  // Edit: the same form, filled with the booking; saved with PATCH.
  const third = () => page.getByTestId('booking').filter({ hasText: 'Third group' });
  await third().getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByTestId('editing')).toContainText('Third group');
  await expect(page.getByLabel('Title (optional)')).toHaveValue('Third group');
  await expect(page.getByLabel('Starts at')).toHaveValue('11:00');
  await expect(page.getByLabel('Length')).toHaveValue('60');
  await expect(page.getByLabel('Avatar')).toBeDisabled();
  await page.getByLabel('Title (optional)').fill('Third group, longer');
  await page.getByLabel('Length').selectOption('90');
  await page.getByLabel('Who may talk').selectOption('everyone');
  await page.getByLabel('Max viewers (optional)').fill('25');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('booking-notice')).toContainText('Changed');
  await expect(third()).toContainText('11:00–12:30');
  await expect(third()).toContainText('Third group, longer');
  await expect(page.getByTestId('editing')).toHaveCount(0);
  // Moved to 10:30 it would make three at once: refused like a new booking, with the next
  // free start one click away.
  await third().getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('Length')).toHaveValue('90');
  await expect(page.getByLabel('Max viewers (optional)')).toHaveValue('25');
  await expect(page.getByLabel('Who may talk')).toHaveValue('everyone');
  await page.getByLabel('Starts at').fill('10:30');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('booking-refused')).toContainText('next free start');
  await page.screenshot({ path: path.join(IMAGES, 'bookings.png'), fullPage: true });
  await page
    .getByTestId('booking-refused')
    .getByRole('button', { name: /11:00 instead/ })
    .click();
  await expect(page.getByLabel('Starts at')).toHaveValue('11:00');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('booking-notice')).toContainText('Changed');
  await expect(third()).toContainText('11:00–12:30');
  const changed = (await (
    await api.get(`/api/v1/bookings?from=${encodeURIComponent(tomorrowTen)}`)
  ).json()) as { bookings: (BookingBody & { talk: string; maxViewers: number })[] };
  expect(changed.bookings.find((b) => b.title === 'Third group, longer')).toMatchObject({
    talk: 'everyone',
    maxViewers: 25,
    endsAt: new Date(Date.parse(tomorrowTen) + 2.5 * 3_600_000).toISOString(),
  });

  page.once('dialog', (dialog) => void dialog.accept());
  await page
    .getByTestId('booking')
    .filter({ hasText: 'Second group' })
    .getByRole('button', { name: 'Cancel' })
    .click();
  await expect(page.getByTestId('booking')).toHaveCount(2);
  await expect(page.getByTestId('booking').filter({ hasText: 'Second group' })).toHaveCount(0);
});
