import 'reflect-metadata';

import { createSandboxApp } from './app.setup';
import { loadSandboxConfig } from './config/sandbox.config';

async function bootstrap(): Promise<void> {
  const config = loadSandboxConfig();
  const app = await createSandboxApp(config);
  await app.listen(config.PORT, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
