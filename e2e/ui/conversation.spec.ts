/**
 * Talking with a chat avatar in real Chromium: the Conversation settings on the avatars page
 * (a Test request, a refused value shown by its field), then a live session where a typed
 * question is answered — the state goes to speaking, captions show the answer's words, the
 * transcript lists question and answer — and Stop silences a long answer mid-way.
 * Screenshots for the docs go to docs/images/.
 *
 * The language model is a LOCAL STAND-IN (tests/support/openai-stand-in.ts) speaking the
 * OpenAI chat API on 127.0.0.1 inside the test namespace; no real provider is called.
 */
import path from 'node:path';
import { type StandIn, startOpenAiStandIn } from '../../tests/support/openai-stand-in';
import { createReadyAvatar, expect, test } from '../fixtures';

const IMAGES = path.resolve(import.meta.dirname, '..', '..', 'docs', 'images');

const ANSWER = 'The museum opens at nine in the morning. Tickets are sold at the main entrance.';
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];
// Words, not digits: captions and transcript hold the words as spoken ("1" is heard "one").
const LONG_ANSWER = ORDINALS.map(
  (ordinal) =>
    `The ${ordinal} part of a long story about the painting, its painter and the many people who came to see it over the centuries.`,
).join(' ');

let standIn: StandIn;
test.beforeAll(async () => {
  standIn = await startOpenAiStandIn();
});
test.afterAll(async () => {
  await standIn.close();
});

test('a chat avatar: settings with Test, then a question answered with captions, and Stop', async ({
  api,
  loggedInPage: page,
  sessionsToStop,
}) => {
  standIn.chat.set({ answer: ANSWER, tokenIntervalMs: 20 });
  const avatar = await createReadyAvatar(api);
  const configured = await api.patch(`/api/v1/avatars/${avatar.id}`, {
    data: {
      conversation: {
        mode: 'chat',
        llm: { baseUrl: standIn.url, model: 'stand-in-chat', temperature: 0.7 },
        persona: 'You are the friendly guide of a small art museum. Answer briefly.',
        greeting: '',
        memoryTurns: 10,
      },
    },
  });
  expect(configured.status(), await configured.text()).toBe(200);

  // The settings show what is stored; Test makes one real request and shows the answer.
  await page.goto('/avatars');
  const card = page.getByTestId('avatar-card');
  await expect(card).toHaveAttribute('data-status', 'ready');
  const details = card.getByTestId('conversation-details');
  await details.locator('summary').click();
  const form = details.getByTestId('conversation-settings');
  await expect(form.getByLabel('Base URL')).toHaveValue(standIn.url);
  await expect(form.getByLabel('Model', { exact: true })).toHaveValue('stand-in-chat');
  await expect(form.getByRole('radio', { name: /Chat/ })).toBeChecked();
  await expect(form.getByTestId('persona-count')).toHaveText(/^6\d \/ 4000$/);
  await form.getByTestId('llm-test').click();
  const result = form.getByTestId('llm-test-result');
  await expect(result).toHaveAttribute('data-result', 'ok');
  await expect(result).toContainText(ANSWER);
  await expect(result).toContainText(/Answered in \d+\.\d\d s/);

  // A value the API refuses: its message shows by the field, and nothing is saved.
  await form.getByLabel(/^Memory/).fill('51');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('memoryTurns must be at most 50')).toBeVisible();
  await expect(form.getByLabel(/^Memory/)).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel(/^Memory/).fill('10');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Saved. New sessions use these settings.')).toBeVisible();
  await expect(form.getByText('memoryTurns must be at most 50')).toBeHidden();
  await card.screenshot({ path: path.join(IMAGES, 'conversation-settings.png') });

  // A session: a question, answered aloud with captions and in the transcript.
  await card.getByRole('button', { name: 'Start session' }).click();
  await expect(page).toHaveURL(/\/sessions\/[^/]+$/, { timeout: 60_000 });
  const sessionId = new URL(page.url()).pathname.split('/').pop() ?? '';
  sessionsToStop.push({ api, id: sessionId });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-phase', 'live', {
    timeout: 60_000,
  });
  const state = page.getByTestId('conversation-state');
  await expect(state).toHaveAttribute('data-state', 'idle');
  await expect(page.getByTestId('send-mode-ask')).toBeChecked();
  await expect(page.getByTestId('captions-toggle')).toBeChecked();

  const question = 'When does the museum open?';
  await page.getByTestId('chat-input').fill(question);
  await page.getByTestId('chat-send').click();
  await expect(state).toHaveAttribute('data-state', 'speaking', { timeout: 15_000 });
  const captions = page.getByTestId('captions');
  await expect(captions).toContainText('museum opens', { timeout: 15_000 });
  const turns = page.getByTestId('transcript-turn');
  await expect(turns.filter({ hasText: question })).toHaveAttribute('data-role', 'user');
  await page.screenshot({ path: path.join(IMAGES, 'session-conversation.png') });
  await expect(state).toHaveAttribute('data-state', 'idle', { timeout: 30_000 });
  const answerTurn = turns.filter({ hasText: 'Tickets are sold at the main entrance' });
  await expect(answerTurn).toHaveAttribute('data-role', 'avatar');
  await expect(answerTurn).toHaveAttribute('data-interrupted', 'false');
  // The model got the persona and the question.
  const request = standIn.chat.requests.at(-1);
  expect(request?.body.messages?.[0]).toMatchObject({ role: 'system' });
  expect(request?.body.messages?.at(-1)).toMatchObject({ role: 'user', content: question });

  // A long, slow answer: Stop silences it; the transcript marks the turn interrupted.
  standIn.chat.set({ answer: LONG_ANSWER, tokenIntervalMs: 60 });
  await page.getByTestId('chat-input').fill('Tell me the whole story of the painting.');
  await page.getByTestId('chat-send').click();
  await expect(state).toHaveAttribute('data-state', 'speaking', { timeout: 15_000 });
  await expect(captions).toContainText('first part', { timeout: 15_000 });
  await page.getByTestId('stop-speaking').click();
  await expect(state).toHaveAttribute('data-state', 'idle', { timeout: 5_000 });
  const interrupted = turns.filter({ hasText: 'first part' });
  await expect(interrupted).toHaveAttribute('data-interrupted', 'true', { timeout: 10_000 });
  await expect(interrupted).toContainText('(interrupted)');
  await expect(interrupted).not.toContainText('eighth part');

  // Captions can be turned off; the choice is remembered.
  await page.getByTestId('captions-toggle').uncheck();
  await page.reload();
  await expect(page.getByTestId('captions-toggle')).not.toBeChecked();
  // After a reload the stored transcript is back, interrupted turn included.
  await expect(turns.filter({ hasText: question })).toHaveCount(1);
  await expect(turns.filter({ hasText: 'first part' })).toContainText('(interrupted)');

  // After the session ended, the page still shows the stored transcript.
  expect((await api.delete(`/api/v1/sessions/${sessionId}`)).status()).toBe(204);
  await page.reload();
  await expect(page.getByTestId('session-status')).toHaveText('ended');
  await expect(turns.filter({ hasText: question })).toHaveCount(1);
  await expect(turns.filter({ hasText: 'first part' })).toContainText('(interrupted)');
});
