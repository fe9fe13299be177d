import { bodyShapeErrors, MAX_BODY_DEPTH } from './body-shape.middleware';

describe('bodyShapeErrors', () => {
  it('names prototype keys at any depth', () => {
    const body = JSON.parse('{"name":"x","clients":{"ids":[{"__proto__":1}],"constructor":2}}') as unknown;
    expect(bodyShapeErrors(body)).toEqual([
      { field: 'clients.ids[0].__proto__', message: 'is not a known field; remove it' },
      { field: 'clients.constructor', message: 'is not a known field; remove it' },
    ]);
    expect(bodyShapeErrors({ name: 'x', tags: ['a'] })).toEqual([]);
    expect(bodyShapeErrors('csv text')).toEqual([]);
  });

  it('refuses bodies nested deeper than any request needs', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH + 5; i++) deep = [deep];
    expect(bodyShapeErrors(deep)).toEqual([
      { field: expect.stringMatching(/^\[0\]/), message: expect.stringContaining('nested') },
    ]);
  });
});
