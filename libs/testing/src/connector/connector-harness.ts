import type { Portal, SyncJobCompleted, SyncJobRequested } from '@practice-sync/contracts';
import { v7 as uuidv7 } from 'uuid';

import { testInfra } from '../test-infra';
import { uniqueName } from '../unique-name';
import { KafkaProbe } from './kafka-probe';
import type { SandboxProcess } from './sandbox-process';
import { startSandboxProcess } from './sandbox-process';
import type { ScratchDatabase } from './scratch-database';
import { createScratchDatabase } from './scratch-database';
import type { ConnectorApp, ConnectorProcess } from './service-process';
import { startConnectorProcess } from './service-process';

export interface ConnectorHarnessOptions {
  portal: Portal;
  /** Runs the connector's migrations on its scratch database (`connectorDatabaseOptions` of the connector's definition). */
  migrate(databaseUrl: string): Promise<unknown>;
  /** The sandbox's variables (its clock, readiness delays). */
  sandboxEnv?: Record<string, string>;
  /** The connector's variables, over the harness's (Kafka, database, portal URL, a 200 ms job poll). */
  connectorEnv?: Record<string, string>;
}

export interface ConnectorUnderTest {
  sandbox: SandboxProcess;
  connector: ConnectorProcess;
  probe: KafkaProbe;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One connector as a process against the sandbox process, with real Kafka and PostgreSQL (a scratch database
 * and a topic prefix of its own): what each connector's integration spec sets up.
 *
 * ```ts
 * const harness = new ConnectorHarness({ portal: 'itr', migrate: (url) => ... });
 * beforeAll(async () => ({ sandbox, connector, probe } = await harness.start()));
 * afterAll(() => harness.stop());
 * ```
 */
export class ConnectorHarness {
  /** The firm the jobs and the internal API calls are for. */
  readonly firmId = uuidv7();
  private db?: ScratchDatabase;
  private env: Record<string, string> = {};
  private sandbox?: SandboxProcess;
  private probe?: KafkaProbe;
  private connector?: ConnectorProcess;

  constructor(private readonly options: ConnectorHarnessOptions) {}

  /** The connector's scratch database (after `start()`): for specs that read its `connector_jobs`. */
  get databaseUrl(): string {
    if (!this.db) throw new Error('start() the harness first');
    return this.db.url;
  }

  /** The harness's Kafka probe (after `start()`). */
  get kafkaProbe(): KafkaProbe {
    return this.running().probe;
  }

  get app(): ConnectorApp {
    return `connector-${this.options.portal}`;
  }

  async start(): Promise<ConnectorUnderTest> {
    const { portal } = this.options;
    const infra = testInfra();
    const prefix = `${infra.topicPrefix}${uniqueName(portal)}.`;
    // Each piece is kept as soon as it runs, so that stop() cleans up whatever started before a failure.
    this.db = await createScratchDatabase(infra.databaseUrl, uniqueName(`c${portal}`));
    this.sandbox = await startSandboxProcess(this.options.sandboxEnv);
    await this.options.migrate(this.db.url);
    this.probe = await KafkaProbe.start(infra.kafkaBrokers, prefix, 'probe');
    this.env = {
      KAFKA_BROKERS: infra.env.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '2',
      DATABASE_URL: this.db.url,
      PORTAL_BASE_URL: `${this.sandbox.url}/${portal}`,
      JOB_POLL_INTERVAL_MS: '200',
      ...this.options.connectorEnv,
    };
    this.connector = await startConnectorProcess(this.app, this.env);
    return this.running();
  }

  /** Starts the connector again with the same database and variables (after `connector.kill()`). */
  async restartConnector(): Promise<ConnectorProcess> {
    const { connector } = this.running();
    await connector.stop();
    this.connector = await startConnectorProcess(this.app, this.env);
    return this.connector;
  }

  /**
   * Starts a connector process on the harness's database and topics (after `start()`) without stopping the
   * running one: a second instance of the same connector, or the restart of a killed one.
   */
  async startAnotherConnector(env: Record<string, string> = {}): Promise<ConnectorProcess> {
    this.running();
    return startConnectorProcess(this.app, { ...this.env, ...env });
  }

  /** Publishes the jobs as the orchestrator does and waits for each one's result (and records). */
  readonly run = async (jobs: SyncJobRequested[]): Promise<SyncJobCompleted[]> => {
    const { probe } = this.running();
    await probe.publishJobs(this.options.portal, this.firmId, jobs);
    return probe.waitForResults(jobs.map((j) => j.jobId));
  };

  /** A JSON call to the connector's internal API under `/internal/v1/firms/<firm>`. */
  readonly api = async (
    method: string,
    path: string,
    body?: unknown,
    firm = this.firmId,
  ): Promise<ApiAnswer> => {
    const res = await fetch(`${this.running().connector.url}/internal/v1/firms/${firm}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  async stop(): Promise<void> {
    await this.connector?.stop();
    await this.probe?.stop();
    await this.sandbox?.stop();
    await this.db?.drop();
  }

  private running(): ConnectorUnderTest {
    const { sandbox, connector, probe } = this;
    if (!sandbox || !connector || !probe) throw new Error('start() the harness first');
    return { sandbox, connector, probe };
  }
}
