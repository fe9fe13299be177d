import { ValidationProblem } from '@practice-sync/problems';

import { parseSelection } from './select-clients.dto';

describe('parseSelection', () => {
  it.each([{ all: true }, { ids: ['a'] }, { tags: [] }, { offices: ['Pune'] }])('accepts %j', (selection) => {
    expect(parseSelection(selection)).toEqual(selection);
  });

  it.each([{}, { all: false }, { all: true, tags: ['x'] }, { ids: 'a' }, { everyone: true }])(
    'rejects %j',
    (s) => {
      expect(() => parseSelection(s)).toThrow(ValidationProblem);
    },
  );
});
