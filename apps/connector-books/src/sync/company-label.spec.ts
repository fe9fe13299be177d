import { companiesLabel, companyLabel } from './company-label';

describe('a link company as staff read it', () => {
  const job = {
    client: { companyId: '0193b000-0000-7000-8000-0000000000a1', booksUrl: 'http://tally.nashik.lan:9000/' },
    server: { companyId: '0193b000-0000-7000-8000-0000000000b2', booksUrl: 'https://ho.example.in/tally' },
  };

  it('names its side of the link and its books server by host, never its id', () => {
    expect(companyLabel(job, job.client.companyId)).toBe(
      'the client company (the books server at tally.nashik.lan:9000)',
    );
    expect(companyLabel(job, job.server.companyId)).toBe(
      'the server company (the books server at ho.example.in)',
    );
    expect(companiesLabel(job, [job.client.companyId, job.server.companyId])).not.toMatch(/0193b000/);
  });

  it('an id of neither side reads as a company of the link', () => {
    expect(companyLabel(job, '0193b000-0000-7000-8000-0000000000c3')).toBe('a company of the link');
  });
});
