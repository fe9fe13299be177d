// Regenerates libs/contracts/asyncapi.json from the event schemas (`npm run asyncapi`).
import { ALL_EVENTS, buildAsyncApi } from '@practice-sync/contracts';
import { writeFileSync } from 'fs';
import { join } from 'path';

const file = join(__dirname, '..', 'libs', 'contracts', 'asyncapi.json');
writeFileSync(file, `${JSON.stringify(buildAsyncApi(ALL_EVENTS), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
