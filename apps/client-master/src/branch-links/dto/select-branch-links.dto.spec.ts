import { ValidationProblem } from '@practice-sync/problems';

import { parseLinkSelection } from './select-branch-links.dto';

describe('parseLinkSelection', () => {
  it.each([{ all: true }, { ids: ['a'] }, { ids: [] }])('accepts %j', (selection) => {
    expect(parseLinkSelection(selection)).toEqual(selection);
  });

  it.each([{}, { all: false }, { all: true, ids: [] }, { ids: 'a' }, { ids: [1] }, { tags: ['x'] }])(
    'rejects %j naming selection',
    (s) => {
      expect(() => parseLinkSelection(s)).toThrow(ValidationProblem);
    },
  );
});
