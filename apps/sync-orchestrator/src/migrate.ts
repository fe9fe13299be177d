import 'reflect-metadata';

import { migrateAndExit } from '@practice-sync/persistence';

import { loadOrchestratorConfig } from './config/orchestrator.config';
import { orchestratorDatabaseOptions } from './database.options';

void migrateAndExit(orchestratorDatabaseOptions(loadOrchestratorConfig()));
