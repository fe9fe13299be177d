import type { ServiceHttpClient, ServiceRequest } from '@practice-sync/service-http';
import type { CreateSyncRunRequestDto } from '@practice-sync/validation';

import { SyncRunsController } from './sync-runs.controller';

describe('sync runs: the Idempotency-Key goes on to the orchestrator', () => {
  const sent: ServiceRequest[] = [];
  const orchestrator = {
    request: jest.fn(async (req: ServiceRequest) => void sent.push(req)),
  } as unknown as ServiceHttpClient;
  const controller = new SyncRunsController(orchestrator);
  const firmId = '0193a8f4-1111-7abc-8def-0123456789ab';
  const runId = '0193a8f4-3333-7abc-8def-0123456789ab';
  const body = { clients: { all: true }, categories: ['gst.gstr2b'] } as unknown as CreateSyncRunRequestDto;

  beforeEach(() => (sent.length = 0));

  it('forwards the key on creation and retry, and then lets the call be retried', async () => {
    await controller.create(firmId, body, 'key-1');
    await controller.retry(firmId, runId, 'key-2');
    expect(sent).toEqual([
      expect.objectContaining({ method: 'POST', headers: { 'idempotency-key': 'key-1' }, idempotent: true }),
      expect.objectContaining({
        path: `/internal/v1/firms/${firmId}/sync-runs/${runId}/retry`,
        headers: { 'idempotency-key': 'key-2' },
        idempotent: true,
      }),
    ]);
  });

  it('sends no key, and never retries the call, without one', async () => {
    await controller.create(firmId, body, undefined);
    await controller.retry(firmId, runId, undefined);
    for (const req of sent) {
      expect(req.headers).toBeUndefined();
      expect(req.idempotent).toBeUndefined();
    }
  });
});
