import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { consoleBuildStale, consoleSourceHash } from './console-build';

describe('consoleBuildStale', () => {
  let root: string;
  const file = (p: string) => join(root, 'apps/console', p);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'console-build-'));
    mkdirSync(file('src/pages'), { recursive: true });
    writeFileSync(file('index.html'), '<html></html>');
    writeFileSync(file('src/pages/Run.tsx'), 'export const a = 1;');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function built(): void {
    mkdirSync(file('dist'), { recursive: true });
    writeFileSync(file('dist/index.html'), '<html></html>');
    writeFileSync(file('dist/.source-hash'), `${consoleSourceHash(root)}\n`);
  }

  it('asks for a build when there is none (a fresh clone)', () => {
    expect(consoleBuildStale(root)).toBe(true);
  });

  it('asks for a build when any source, however deep, changed since the last build', () => {
    built();
    expect(consoleBuildStale(root)).toBe(false);
    writeFileSync(file('src/pages/Run.tsx'), 'export const a = 2;');
    expect(consoleBuildStale(root)).toBe(true);
  });

  it('notices a change whose file time is older than the build (a restored file)', () => {
    writeFileSync(file('src/pages/Run.tsx'), 'export const a = 2;');
    built();
    writeFileSync(file('src/pages/Run.tsx'), 'export const a = 1;');
    utimesSync(file('src/pages/Run.tsx'), 1_000, 1_000);
    expect(consoleBuildStale(root)).toBe(true);
  });
});
