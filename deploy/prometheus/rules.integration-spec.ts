import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// promtool comes from scripts/ensure-promtool.sh (run by scripts/test.sh before the jest suites).
const here = __dirname;
const root = join(here, '..', '..');
const ruleFiles = readdirSync(join(here, 'rules'))
  .filter((f) => f.endsWith('.rules.yml'))
  .map((f) => join('rules', f));
const testFiles = readdirSync(join(here, 'tests'))
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => join('tests', f));

/** Runs promtool in deploy/prometheus; a failure carries promtool's own output. */
function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: here, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { code?: string; stdout?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new Error('promtool is not installed: run scripts/ensure-promtool.sh');
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

describe('Prometheus rules (deploy/prometheus)', () => {
  it('are valid rule files and the config loads them', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(promtool('check', 'rules', ...ruleFiles)).toContain('SUCCESS');
    expect(promtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
  });

  it('pass their unit tests (alerts firing and not firing, recording rule values)', () => {
    expect(testFiles.length).toBeGreaterThan(0);
    const out = promtool('test', 'rules', ...testFiles);
    expect(out).not.toContain('FAILED');
  });

  it('give every alert a runbook that exists and says what it means, how to confirm, what to do', () => {
    const text = ruleFiles.map((f) => readFileSync(join(here, f), 'utf8')).join('\n');
    const alerts = [...text.matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1]);
    const runbooks = [...text.matchAll(/^\s*runbook_url: (\S+)/gm)].map((m) => m[1]);
    expect(alerts.length).toBeGreaterThan(0);
    expect(runbooks).toEqual(alerts.map((a) => `docs/runbooks/${a}.md`));
    const tested = testFiles.map((f) => readFileSync(join(here, f), 'utf8')).join('\n');
    for (const alert of alerts) {
      const file = join(root, 'docs', 'runbooks', `${alert}.md`);
      expect({ alert, exists: existsSync(file) }).toEqual({ alert, exists: true });
      const runbook = readFileSync(file, 'utf8');
      for (const section of ['## What it means', '## How to confirm', '## What to do'])
        expect({ alert, section, present: runbook.includes(section) }).toEqual({
          alert,
          section,
          present: true,
        });
      // Every alert has a test case that expects it not to fire and one that expects it to.
      expect({ alert, tested: tested.includes(`alertname: ${alert}`) }).toEqual({ alert, tested: true });
    }
  });
});
