import { howToFix, portalOf, staffReason } from './fixes';

const GSTIN = '27ABAPA1000H1ZX';

describe('staffReason', () => {
  it('drops the API call a message names and ends it as a sentence', () => {
    expect(
      staffReason(
        `no GST portal access is stored for ${GSTIN}: PUT /v1/credentials/gst/${GSTIN} with the portal ` +
          `username, then POST /v1/credentials/gst/${GSTIN}/otp with the OTP the portal sends`,
      ),
    ).toBe(`No GST portal access is stored for ${GSTIN}.`);
    expect(
      staffReason(
        'no e-filing intermediary account is stored for the firm: store it (PUT /v1/credentials/itr), then ' +
          'ask the taxpayer for the e-filing OTP and POST /v1/credentials/itr/AAAPA1234A/consent',
      ),
    ).toBe('No e-filing intermediary account is stored for the firm.');
  });

  it('keeps the words around a parenthesised call', () => {
    const text = staffReason(
      `after that time, enter the username (PUT /v1/credentials/gst/${GSTIN}) and the OTP ` +
        `(POST /v1/credentials/gst/${GSTIN}/otp) once`,
    );
    expect(text).toBe('After that time, enter the username and the OTP once.');
    expect(text).not.toContain('/v1/');
  });

  it('leaves a message without API calls as it is, but for its GST periods, which read MM/YYYY', () => {
    expect(staffReason('GSTR-2B for 102026 is not generated yet; try after the 14th.')).toBe(
      'GSTR-2B for 10/2026 is not generated yet; try after the 14th.',
    );
    expect(staffReason(null)).toBe('');
  });
});

describe('howToFix', () => {
  it("sends a missing GST login to the client's Access tab, in staff words", () => {
    const fix = howToFix('credentials_missing', 'gst');
    expect(fix?.place).toBe('access');
    expect(fix?.text).toContain("Enter the client's GST portal username on the client's Access tab");
    expect(fix?.text).not.toMatch(/\/v1\/|PUT|POST/);
  });

  it('says which portal a lapsed session or consent belongs to', () => {
    expect(howToFix('otp_required', 'gst')?.text).toContain('GST portal session has lapsed');
    expect(howToFix('otp_required', 'itr')?.text).toContain('consent has lapsed');
    expect(howToFix('credentials_missing', 'esign')?.place).toBe('admin');
    expect(howToFix(null, 'gst')).toBeNull();
    expect(portalOf('gst.gstr2b')).toBe('gst');
  });

  it('tells branch staff what a refused snapshot or an expired hold needs', () => {
    expect(howToFix('books_not_empty', 'books')?.text).toContain('start it again with replace');
    expect(howToFix('hold_expired', 'books')?.text).toContain('Take a new snapshot');
  });

  it("says a books job's upstream is the books server (Tally), never a portal", () => {
    for (const code of ['portal_unavailable', 'timeout', 'invalid_response']) {
      const fix = howToFix(code, 'books');
      expect(fix?.text).toMatch(/Tally/);
      expect(fix?.text).not.toMatch(/portal/i);
      expect(fix?.place).toBe('retry');
    }
    expect(howToFix('portal_unavailable', 'gst')?.text).toContain('The portal was down');
  });
});

describe("the connector kit's fetch-failure message in the run log", () => {
  it('reads as it was written: both sentences kept, no code, no API call to cut', () => {
    const message =
      'The books server at tally.branch.lan:9000 did not answer reading the company (connection refused). ' +
      'Check that Tally is running there and reachable from practice-sync, then retry.';
    expect(staffReason(message)).toBe(message);
    const gst =
      'The GST portal closed the connection during GSTR-2B page 2 of 3 (connection reset). The job is tried ' +
      'again a few times; if it still fails, retry the failed jobs later.';
    expect(staffReason(gst)).toBe(gst);
  });
});
