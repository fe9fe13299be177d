import { lockOutMessage } from './gst-session.service';

const GSTIN = '27AAACR5055K1Z7';
const NOW = new Date('2026-12-06T04:00:00Z');

describe('lockOutMessage', () => {
  it("says until when and for how long, from the portal's message, and what to do", () => {
    const message = lockOutMessage(
      GSTIN,
      'Too many sessions for the user; API access for this GSTIN is locked until 2025-03-10T15:00:00.000Z (360 minutes)',
      NOW,
    );
    expect(message).toContain(
      `locked API access for ${GSTIN} until 2025-03-10T15:00:00.000Z (a lock of about 6 h)`,
    );
    expect(message).toContain('too many sessions');
    expect(message).toContain(`PUT /v1/credentials/gst/${GSTIN}`);
    expect(message).toContain(`POST /v1/credentials/gst/${GSTIN}/otp`);
  });

  it('works out the time left from the end of the lock alone', () => {
    const message = lockOutMessage(GSTIN, 'locked until 2026-12-06T05:30:00Z', NOW);
    expect(message).toContain('until 2026-12-06T05:30:00.000Z (a lock of about 1 h 30 min)');
  });

  it('still says what to do when the portal does not say how long', () => {
    const message = lockOutMessage(GSTIN, 'Too many sessions for the user; try after some time', NOW);
    expect(message).toContain('for some hours (the portal did not say how long)');
    expect(message).toContain('after that time, enter the username');
  });
});
