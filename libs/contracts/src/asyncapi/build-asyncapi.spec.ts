import { readFileSync } from 'fs';
import { join } from 'path';

import { ALL_EVENTS } from '../index';
import { buildAsyncApi } from './build-asyncapi';

describe('AsyncAPI document', () => {
  it('matches the committed libs/contracts/asyncapi.json (run `npm run asyncapi` after changing an event)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../asyncapi.json'), 'utf8')) as unknown;
    expect(committed).toEqual(buildAsyncApi(ALL_EVENTS));
  });

  it('documents every topic and the data schema of every event', () => {
    const doc = buildAsyncApi(ALL_EVENTS) as {
      channels: Record<string, { messages: Record<string, unknown> }>;
      components: {
        messages: Record<string, { payload: { properties: { data: { required?: string[] } } } }>;
      };
    };
    expect(Object.keys(doc.channels['sync.jobs.gst.v1'].messages)).toEqual(['sync.job.requested.v1']);
    expect(doc.components.messages['sync.job.completed.v1'].payload.properties.data.required).toContain(
      'outcome',
    );
  });
});
