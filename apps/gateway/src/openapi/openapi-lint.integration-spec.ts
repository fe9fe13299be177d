import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const app = join(__dirname, '..', '..');
const cli = join(app, '..', '..', 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

describe('apps/gateway/openapi.json', () => {
  it('lints clean with Redocly (recommended rules, warnings included)', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [cli, 'lint', '--config', join(app, 'redocly.yaml'), '--format', 'stylish', join(app, 'openapi.json')],
      {
        // No telemetry or update check from CI.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`redocly lint failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
    const output = `${stdout}${stderr}`;
    expect(output).not.toMatch(/warning|error/i);
  }, 60_000);
});
