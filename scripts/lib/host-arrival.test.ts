import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HOST_ID_HEADER, HOST_REPORT_PATH } from '@/protocol/host-report';
import { HOST_HEADER, hostsHeard, noteReportArrival, REPORT_PATH } from './host-arrival.mjs';

const SECRET = 'worker-secret-of-this-test';

/** The parts of a request the check reads. */
function request(url: string, headers: Record<string, string>, method = 'POST') {
  return { method, url, headers } as unknown as IncomingMessage;
}

describe('a worker host heard on arrival', () => {
  it('uses the report path and header the host sends', () => {
    expect(REPORT_PATH).toBe(HOST_REPORT_PATH);
    expect(HOST_HEADER).toBe(HOST_ID_HEADER);
  });

  it('notes a report with the worker secret before anything reads its body', () => {
    const report = request(REPORT_PATH, {
      authorization: `Bearer ${SECRET}`,
      [HOST_HEADER]: 'host-arrived',
    });
    expect(noteReportArrival(report, SECRET, 1_000)).toBe(true);
    expect(hostsHeard().get('host-arrived')).toBe(1_000);
  });

  it('ignores what does not prove a host alive', () => {
    const headers = { authorization: `Bearer ${SECRET}`, [HOST_HEADER]: 'host-forged' };
    const refused = [
      request(REPORT_PATH, { ...headers, authorization: 'Bearer someone-else' }),
      request(REPORT_PATH, { authorization: `Bearer ${SECRET}` }),
      request(REPORT_PATH, headers, 'GET'),
      request('/api/internal/sessions/events', headers),
      request('/api/v1/avatars', headers),
    ];
    for (const attempt of refused) expect(noteReportArrival(attempt, SECRET)).toBe(false);
    // No secret configured: nothing is noted.
    expect(noteReportArrival(request(REPORT_PATH, headers), undefined)).toBe(false);
    expect(hostsHeard().has('host-forged')).toBe(false);
    // The path as the router resolves it.
    expect(
      noteReportArrival(request('/api/internal/x/../worker-hosts/report?a=1', headers), SECRET),
    ).toBe(true);
  });
});
