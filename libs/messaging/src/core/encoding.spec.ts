import { createEnvelope, SyncJobRequestedEvent, Topics } from '@practice-sync/contracts';

import { decodeMessage, encodeEvent } from './encoding';

const data = {
  jobId: '0192f0c4-1111-7000-8000-000000000001',
  runId: '0192f0c4-1111-7000-8000-000000000002',
  clientId: '0192f0c4-1111-7000-8000-000000000003',
  category: 'gst.gstr2b' as const,
  subject: { kind: 'gstin' as const, value: '27AAACR5055K1Z7' },
  period: '102026',
  attempt: 1,
};

describe('encodeEvent / decodeMessage', () => {
  const envelope = createEnvelope(SyncJobRequestedEvent, data, { firmId: 'f1', correlationId: data.runId });

  it('requires a topic when a contract has several, and keys by client', () => {
    expect(() => encodeEvent({ contract: SyncJobRequestedEvent, envelope })).toThrow('say which topic');
    const m = encodeEvent({ contract: SyncJobRequestedEvent, envelope, topic: Topics.JobsGst });
    expect(m.key).toBe(data.clientId);
    expect(m.headers['event-type']).toBe('sync.job.requested');
  });

  it('round-trips a valid event', () => {
    const m = encodeEvent({ contract: SyncJobRequestedEvent, envelope, topic: Topics.JobsGst });
    const decoded = decodeMessage(Buffer.from(m.value), [SyncJobRequestedEvent]);
    expect(decoded).toEqual({ ok: true, envelope });
  });

  it('names what is wrong with a bad message', () => {
    expect(decodeMessage(Buffer.from('nope'), [SyncJobRequestedEvent])).toMatchObject({
      ok: false,
      reason: 'decode_error',
    });
    const bad = JSON.stringify({ ...envelope, data: { ...data, category: 'gst.nothing' } });
    const r = decodeMessage(Buffer.from(bad), [SyncJobRequestedEvent]);
    expect(r).toMatchObject({ ok: false, reason: 'validation_error' });
    expect(r.ok ? '' : r.error).toContain('category');
    const other = JSON.stringify({ ...envelope, type: 'something.else' });
    expect(decodeMessage(Buffer.from(other), [SyncJobRequestedEvent])).toMatchObject({
      ok: false,
      reason: 'unknown_type',
    });
  });
});
