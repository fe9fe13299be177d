import {
  categoryNames,
  coverageInWords,
  everyInWords,
  everyToIso,
  fieldErrors,
  fieldMessage,
  fieldOf,
  localToIso,
  skipInWords,
} from './schedules';

const RUN = '0193a8f4-1111-7abc-8def-0123456789ab';

describe('everyInWords', () => {
  it('reads one unit as a person says it', () => {
    expect(everyInWords('PT5M')).toBe('every 5 minutes');
    expect(everyInWords('PT1M')).toBe('every minute');
    expect(everyInWords('PT1H')).toBe('every hour');
    expect(everyInWords('PT6H')).toBe('every 6 hours');
    expect(everyInWords('P1D')).toBe('every day');
    expect(everyInWords('P2W')).toBe('every 2 weeks');
    expect(everyInWords('P1M')).toBe('every month');
    expect(everyInWords('P1Y')).toBe('every year');
  });

  it('tells months (before T) from minutes (after T) and joins several units', () => {
    expect(everyInWords('P3M')).toBe('every 3 months');
    expect(everyInWords('PT3M')).toBe('every 3 minutes');
    expect(everyInWords('P1DT6H')).toBe('every 1 day and 6 hours');
    expect(everyInWords('PT1H30M')).toBe('every 1 hour and 30 minutes');
    expect(everyInWords('P1DT2H30M')).toBe('every 1 day, 2 hours and 30 minutes');
  });

  it('is null for what is not a duration', () => {
    for (const bad of [null, undefined, '', 'P', 'PT', 'P1DT', '5 minutes', 'PT0M', 'P1H'])
      expect(everyInWords(bad)).toBeNull();
  });
});

describe('everyToIso', () => {
  it('turns the form into the API duration', () => {
    expect(everyToIso('5', 'minutes')).toBe('PT5M');
    expect(everyToIso(6, 'hours')).toBe('PT6H');
    expect(everyToIso('1', 'days')).toBe('P1D');
    expect(everyToIso('2', 'weeks')).toBe('P2W');
    expect(everyToIso('1', 'months')).toBe('P1M');
  });

  it('refuses counts that are not whole numbers of at least one', () => {
    for (const bad of ['', ' ', '0', '-1', '1.5', 'five']) expect(everyToIso(bad, 'minutes')).toBeNull();
  });
});

describe('coverageInWords', () => {
  it('says what a client selection covers', () => {
    expect(coverageInWords({ all: true }, null)).toBe('All clients');
    expect(coverageInWords({ tags: ['gst-monthly'] }, null)).toBe('Clients tagged gst-monthly');
    expect(coverageInWords({ offices: ['Pune'] }, null)).toBe('Clients of the Pune office');
    expect(coverageInWords({ offices: ['Pune', 'Mumbai'] }, null)).toBe(
      'Clients of the Pune, Mumbai offices',
    );
    expect(coverageInWords({ ids: ['a', 'b'] }, null)).toBe('2 chosen clients');
  });

  it('says what a link selection covers', () => {
    expect(coverageInWords(null, { all: true })).toBe('All branch links');
    expect(coverageInWords(null, { ids: [RUN] })).toBe('1 branch link');
  });
});

describe('skipInWords', () => {
  it("explains a tick skipped behind the schedule's own run, with the run to open", () => {
    expect(skipInWords(`tick skipped: the schedule's previous run ${RUN} is still running`)).toEqual({
      text: "Skipped: the schedule's previous run was still running, so this time started nothing. The next time runs as usual.",
      runId: RUN,
    });
  });

  it('explains a tick skipped behind another run over the same links', () => {
    expect(skipInWords(`tick skipped: run ${RUN} over the same branch links is still queued`)).toMatchObject({
      text: expect.stringContaining('another sync of the same branch links was still queued'),
      runId: RUN,
    });
  });

  it('keeps an unknown reason readable and says nothing without one', () => {
    expect(skipInWords('tick skipped: something new')).toEqual({
      text: 'Skipped: something new',
      runId: null,
    });
    expect(skipInWords(null)).toBeNull();
  });
});

describe('field errors from problem details', () => {
  it('puts each error on its form field', () => {
    expect(fieldOf('every')).toBe('every');
    expect(fieldOf('categories[0]')).toBe('categories');
    expect(fieldOf('clients.tags')).toBe('clients');
    expect(fieldOf('links.tags')).toBe('links');
    expect(fieldOf('body')).toBe('form');
    expect(fieldOf('')).toBe('form');
  });

  it('reads durations in words and ends as a sentence', () => {
    expect(fieldMessage('must be at least PT5M (five minutes)')).toBe('Must be at least five minutes.');
    expect(fieldMessage('must be at least PT5M for a schedule over clients (PT1M over branch links)')).toBe(
      'Must be at least 5 minutes for a schedule over clients (1 minute over branch links).',
    );
    expect(
      fieldErrors([
        { field: 'every', message: 'must be at least PT5M (five minutes)' },
        { field: 'categories[0]', message: 'unknown category "gst.nope"' },
        { field: 'categories[1]', message: 'send `links`' },
      ]),
    ).toEqual({
      every: ['Must be at least five minutes.'],
      categories: ['Unknown category "gst.nope".', 'Send links.'],
    });
  });
});

describe('localToIso', () => {
  it('is an instant for a datetime-local value and null for nothing', () => {
    expect(localToIso('2030-01-15T09:30')).toBe(
      new Date('2030-01-15T09:30').toISOString().replace('.000Z', 'Z'),
    );
    expect(localToIso('')).toBeNull();
    expect(localToIso('tomorrow')).toBeNull();
  });
});

describe('categoryNames', () => {
  it('names categories as the catalogue does, aliases in words, unknown ids as they are', () => {
    const catalogue = [
      { id: 'gst.gstr2b', description: 'GSTR-2B (all pages)' },
      { id: 'itr.notices_orders', description: 'e-proceedings notices, orders, outstanding demand' },
    ];
    expect(categoryNames(['gst.gstr2b', 'itr.all', 'books.masters', 'x.y'], catalogue)).toBe(
      'GSTR-2B (all pages), All Income Tax, Masters, x.y',
    );
    // A description that starts in lower case is a label here: it starts with a capital.
    expect(categoryNames(['itr.notices_orders'], catalogue)).toBe(
      'E-proceedings notices, orders, outstanding demand',
    );
  });
});
