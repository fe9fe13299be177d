/**
 * The raw limit of issue 7: the pipeline's hops as a bare kafkajs producer/consumer chain in one process, with
 * the same topics (and partitions), the same number and size of messages per job as a pipeline run measured
 * with `topicSizes`, and the same PostgreSQL row writes per job, done the lean way: plain `pg`, one
 * transaction per consumed batch, multi-row statements. No NestJS, no zod, no portal fetch, no dispatch caps.
 *
 * Hops (one schema per service, each with its own inbox and outbox, as in the pipeline):
 *  1. fan-out (orchestrator): sync_jobs rows inserted pending and moved to running, SyncJobRequested rows in
 *     the outbox, run totals; commit, produce to sync.jobs.<portal>.v1, delete the outbox rows.
 *  2. intake (per connector): inbox rows + connector_jobs rows.
 *  3. worker (per connector): claim (connector_jobs → running); finish (snapshot read + upsert,
 *     connector_jobs → done, record chunks + result into the outbox); commit, produce to client.records.v1
 *     and sync.results.v1, delete the outbox rows.
 *  4. results (orchestrator): inbox rows, sync_jobs → done, run totals (completed with the last one), run
 *     events through the outbox to sync.runs.v1. The clock stops when the last result's transaction commits.
 *  5. results (client-master): inbox rows, status_cells upsert, records "last seen" touch, client events
 *     through the outbox to client.events.v1.
 *  6. records (client-master): inbox rows, a records upsert and a record_changes insert per change.
 * Standalone against the local infrastructure: `node -r @swc-node/register bench/lib/raw-chain.ts 10000`.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import type { Category, EventContract, Portal } from '@practice-sync/contracts';
import {
  Categories,
  ClientRecordsChangedEvent,
  ClientStatusChangedEvent,
  createEnvelope,
  dlqTopicOf,
  portalOf,
  subjectKindOf,
  SyncJobCompletedEvent,
  SyncJobRequestedEvent,
  SyncRunChangedEvent,
  Topics,
} from '@practice-sync/contracts';
import { applyKafkajsIdleFix } from '@practice-sync/messaging';
import type { Admin, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { PoolClient } from 'pg';
import { Client, Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { machineCpuSeconds } from './cpu';

export interface TopicLoad {
  messages: number;
  /** Key + value bytes of all those messages. */
  bytes: number;
}

/** What a pipeline run carried; the raw chain sends the same per job. */
export interface CarriedLoad {
  /** Jobs of the pipeline run that carried these messages. */
  jobs: number;
  /** Per canonical topic name (no prefix), e.g. `sync.results.v1`: `topicSizes` with the prefix stripped. */
  topics: Record<string, TopicLoad>;
  /** Record changes the run wrote (client-master's record_changes rows); estimated from the bytes if absent. */
  recordChanges?: number;
}

export interface RawChainOptions {
  kafkaBrokers: string[];
  /** A database the caller made for this run; the chain creates (and drops) its own schemas in it. */
  databaseUrl: string;
  /** Prefix of the chain's topics and consumer groups; they are deleted at the end. */
  topicPrefix: string;
  jobs: number;
  carried: CarriedLoad;
  /** Partitions per topic: the pipeline's KAFKA_PARTITIONS (default 6). */
  partitions?: number;
  /** Jobs per fan-out transaction (default 5000: the pipeline's page of 500 clients × 10 categories). */
  pageJobs?: number;
  /**
   * Most jobs produced and not yet recorded (also caps the page); unlimited by default: the raw limit has no
   * dispatch caps. The pipeline's are 50 per firm and portal family, 200 per family (DISPATCH_*_MAX_IN_FLIGHT).
   */
  maxInFlight?: number;
  /** Fail when no counter moves for this long (default 60 s). */
  stallTimeoutMs?: number;
  /** Progress lines every 5 s, and the notes at the end. */
  log?: (line: string) => void;
}

export interface RawChainResult {
  jobs: number;
  /** From the start of the fan-out to the commit that recorded the last result. */
  seconds: number;
  jobsPerSecond: number;
  /** Per job: its job message produced → its result recorded by the orchestrator hop. */
  p50Ms: number;
  p99Ms: number;
  /** Busy CPU seconds of the whole machine from the fan-out until client-master drained (all cores). */
  machineBusySeconds: number;
  /** The same, from the fan-out until the run completed (`seconds`): client-master may still be applying records. */
  machineBusyAtCompletionSeconds: number;
  /** From the start of the fan-out until client-master had applied every result and record (all the work). */
  allWorkSeconds: number;
  notes: string;
}

/** A `CarriedLoad` from what `topicSizes` measured on a run's prefixed topics. */
export function carriedFromTopicSizes(
  sizes: Record<string, TopicLoad>,
  prefix: string,
  jobs: number,
  recordChanges?: number,
): CarriedLoad {
  const topics: Record<string, TopicLoad> = {};
  for (const [name, load] of Object.entries(sizes)) {
    topics[name.startsWith(prefix) ? name.slice(prefix.length) : name] = load;
  }
  return { jobs, topics, recordChanges };
}

const KEY_BYTES = 36;
const FIRM_ID = '01900000-0000-7000-8000-00000000f1a0';
const JOB_TOPIC: Record<Portal, string> = {
  gst: Topics.JobsGst,
  itr: Topics.JobsItr,
  esign: Topics.JobsEsign,
};
const PORTALS: readonly Portal[] = ['gst', 'itr', 'esign'];
const PERIOD: Record<Portal, string | null> = { gst: '062025', itr: '2025-26', esign: null };
const SERVICES = ['sync-orchestrator', 'connector-gst', 'connector-itr', 'connector-esign', 'client-master'];
/** Bytes of one record change when the caller does not say how many changes the records carried. */
const ESTIMATED_CHANGE_BYTES = 560;
const WORKER_BATCH = 250;
const WORKERS_PER_CONNECTOR = 2;
/** Bytes per produce request, as the outbox relay (under the broker's 1 MiB record-batch limit). */
const SEND_CHUNK_BYTES = 512 * 1024;
const PARAMS_PER_STATEMENT = 60_000;

/** Job (or message) i carries floor((i+1)·rate) − floor(i·rate) items, so totals follow the measured rate. */
const upTo = (i: number, rate: number) => Math.floor(i * rate);
const quota = (i: number, rate: number) => upTo(i + 1, rate) - upTo(i, rate);

interface Plan {
  clients: number;
  /** Value bytes of one message (its key, a UUID, comes on top). */
  jobValue: Record<Portal, number>;
  resultValue: number;
  recordsRate: number;
  recordsValue: number;
  changesPerMessage: number;
  runsRate: number;
  runsValue: number;
  eventsRate: number;
  eventsValue: number;
  totalRecordsMessages: number;
  totalChanges: number;
  remarks: string[];
}

function planOf({ carried, jobs }: RawChainOptions): Plan {
  const remarks: string[] = [];
  const load = (topic: string): TopicLoad => carried.topics[topic] ?? { messages: 0, bytes: 0 };
  const valueOf = ({ messages, bytes }: TopicLoad) =>
    messages ? Math.max(0, Math.round(bytes / messages) - KEY_BYTES) : 0;
  const rate = (topic: string) => load(topic).messages / carried.jobs;
  const allJobs = PORTALS.map((p) => load(JOB_TOPIC[p])).reduce(
    (a, b) => ({ messages: a.messages + b.messages, bytes: a.bytes + b.bytes }),
    { messages: 0, bytes: 0 },
  );
  const jobValue = { gst: 0, itr: 0, esign: 0 };
  for (const p of PORTALS) jobValue[p] = valueOf(load(JOB_TOPIC[p])) || valueOf(allJobs) || 300;
  const perJob = allJobs.messages / carried.jobs;
  if (Math.abs(perJob - 1) > 0.01)
    remarks.push(`pipeline sent ${perJob.toFixed(3)} job messages per job; raw 1`);
  const results = rate(Topics.Results);
  if (Math.abs(results - 1) > 0.01)
    remarks.push(`pipeline sent ${results.toFixed(3)} results per job; raw 1`);
  const records = load(Topics.Records);
  const changes = carried.recordChanges ?? Math.round(records.bytes / ESTIMATED_CHANGE_BYTES);
  if (carried.recordChanges === undefined && records.messages > 0) {
    remarks.push(`record changes estimated at ${ESTIMATED_CHANGE_BYTES} B each`);
  }
  const recordsRate = rate(Topics.Records);
  const changesPerMessage = records.messages ? changes / records.messages : 0;
  const totalRecordsMessages = upTo(jobs, recordsRate);
  return {
    clients: Math.ceil(jobs / Categories.length),
    jobValue,
    resultValue: valueOf(load(Topics.Results)) || 500,
    recordsRate,
    recordsValue: valueOf(records),
    changesPerMessage,
    runsRate: rate(Topics.Runs),
    runsValue: valueOf(load(Topics.Runs)),
    eventsRate: rate(Topics.ClientEvents),
    eventsValue: valueOf(load(Topics.ClientEvents)),
    totalRecordsMessages,
    totalChanges: upTo(totalRecordsMessages, changesPerMessage),
    remarks,
  };
}

// ---------------------------------------------------------------------------------------------- tables

const MESSAGING_DDL = `
  CREATE TABLE outbox (
    seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, topic text NOT NULL, key text NOT NULL,
    payload text NOT NULL, headers jsonb NOT NULL DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE inbox (
    consumer_group text NOT NULL, event_id uuid NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id));`;

/** The pipeline's tables (columns, keys and indexes of its migrations) that the hops write. */
const SERVICE_DDL: Record<string, string> = {
  'sync-orchestrator': `
    CREATE TABLE sync_runs (
      id uuid PRIMARY KEY, firm_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled')),
      selection jsonb NOT NULL, categories text[] NOT NULL, period jsonb NOT NULL, schedule_id uuid NULL,
      jobs_total integer NOT NULL DEFAULT 0, pending integer NOT NULL DEFAULT 0, running integer NOT NULL DEFAULT 0,
      succeeded integer NOT NULL DEFAULT 0, no_change integer NOT NULL DEFAULT 0, failed integer NOT NULL DEFAULT 0,
      skipped integer NOT NULL DEFAULT 0, cancelled integer NOT NULL DEFAULT 0,
      fan_out_page integer NOT NULL DEFAULT 0, fan_out_cursor text NULL, fan_out_lease_until timestamptz NULL,
      fan_out_error text NULL, fan_out_done_at timestamptz NULL, created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz NULL, finished_at timestamptz NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      retry_of uuid NULL REFERENCES sync_runs (id) ON DELETE SET NULL, cancelled_at timestamptz NULL,
      progress_emitted_at timestamptz NULL, progress_dirty boolean NOT NULL DEFAULT false);
    CREATE INDEX sync_runs_firm_idx ON sync_runs (firm_id, id DESC);
    CREATE INDEX sync_runs_fan_out_idx ON sync_runs (id) WHERE fan_out_done_at IS NULL;
    CREATE INDEX sync_runs_active_idx ON sync_runs (id) WHERE status = 'running';
    CREATE INDEX sync_runs_progress_idx ON sync_runs (progress_emitted_at) WHERE progress_dirty;
    CREATE TABLE sync_jobs (
      id uuid PRIMARY KEY, run_id uuid NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
      firm_id text NOT NULL, client_id uuid NOT NULL, category text NOT NULL,
      subject_kind text NOT NULL CHECK (subject_kind IN ('gstin', 'pan', 'esignClientFileId')),
      subject_value text NOT NULL, period text NULL,
      status text NOT NULL CHECK (status IN ('pending', 'running', 'done')),
      outcome text NULL CHECK (outcome IN ('succeeded', 'no_change', 'failed', 'skipped', 'cancelled')),
      error_code text NULL, error_message text NULL, retryable boolean NULL, attempts integer NOT NULL DEFAULT 0,
      added integer NOT NULL DEFAULT 0, updated integer NOT NULL DEFAULT 0, removed integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0, dispatched_at timestamptz NULL, started_at timestamptz NULL,
      finished_at timestamptz NULL, created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(), next_attempt_at timestamptz NULL,
      deadline_at timestamptz NULL, waiting_for_job_id uuid NULL,
      CONSTRAINT sync_jobs_natural_key UNIQUE (run_id, client_id, category, subject_value));
    CREATE INDEX sync_jobs_run_idx ON sync_jobs (run_id, id);
    CREATE INDEX sync_jobs_run_outcome_idx ON sync_jobs (run_id, outcome, id);
    CREATE INDEX sync_jobs_pending_idx ON sync_jobs (run_id, id) WHERE status = 'pending';
    CREATE INDEX sync_jobs_running_idx ON sync_jobs (deadline_at) WHERE status = 'running';
    CREATE INDEX sync_jobs_active_key_idx ON sync_jobs (firm_id, category, subject_value, period)
      WHERE status <> 'done' AND attempts > 0;
    CREATE INDEX sync_jobs_waiting_idx ON sync_jobs (waiting_for_job_id)
      WHERE status = 'pending' AND waiting_for_job_id IS NOT NULL;`,
  connector: `
    CREATE TABLE connector_jobs (
      id bigserial PRIMARY KEY, job_id uuid NOT NULL, attempt integer NOT NULL, run_id uuid NOT NULL,
      client_id uuid NOT NULL, firm_id text NOT NULL, request_event_id uuid NOT NULL, category text NOT NULL,
      subject_kind text NOT NULL, subject_value text NOT NULL, period text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done')),
      claim_count integer NOT NULL DEFAULT 0, worker_id text, lease_expires_at timestamptz,
      heartbeat_at timestamptz, started_at timestamptz, finished_at timestamptz, outcome text, error_code text,
      error_message text, counts jsonb, received_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (job_id, attempt));
    CREATE INDEX connector_jobs_open ON connector_jobs (received_at, id) WHERE status <> 'done';
    CREATE TABLE snapshots (
      firm_id text NOT NULL, client_id uuid NOT NULL, subject_kind text NOT NULL, subject_value text NOT NULL,
      category text NOT NULL, period text NOT NULL DEFAULT '', combined_hash text NOT NULL,
      record_count integer NOT NULL, records jsonb NOT NULL, job_id uuid NOT NULL, fetched_at timestamptz NOT NULL,
      PRIMARY KEY (firm_id, client_id, subject_kind, subject_value, category, period));`,
  'client-master': `
    CREATE TABLE clients (
      id uuid PRIMARY KEY, firm_id uuid NOT NULL, name text NOT NULL, pan text, tan text,
      gstins text[] NOT NULL DEFAULT '{}', esign_client_file_id text, office text, tags text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz);
    CREATE UNIQUE INDEX clients_firm_pan ON clients (firm_id, pan) WHERE pan IS NOT NULL AND deleted_at IS NULL;
    CREATE INDEX clients_firm_id ON clients (firm_id, id) WHERE deleted_at IS NULL;
    CREATE INDEX clients_tags ON clients USING gin (tags);
    CREATE TABLE status_cells (
      id bigserial PRIMARY KEY, firm_id uuid NOT NULL,
      client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE, category text NOT NULL,
      subject_kind text NOT NULL, subject_value text NOT NULL, period text, last_outcome text NOT NULL,
      last_error_code text, last_error_message text, last_run_id uuid NOT NULL, last_job_id uuid NOT NULL,
      last_finished_at timestamptz NOT NULL, last_success_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT status_cells_natural_key
        UNIQUE NULLS NOT DISTINCT (firm_id, client_id, category, subject_kind, subject_value, period));
    CREATE TABLE records (
      id uuid PRIMARY KEY, firm_id uuid NOT NULL, client_id uuid NOT NULL, category text NOT NULL,
      subject_kind text NOT NULL, subject_value text NOT NULL, period text, natural_key text NOT NULL,
      data jsonb, hash text, version integer NOT NULL, first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL, removed_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT records_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE,
      CONSTRAINT records_natural_key UNIQUE NULLS NOT DISTINCT
        (firm_id, client_id, category, subject_kind, subject_value, period, natural_key));
    CREATE INDEX records_client ON records (firm_id, client_id, id);
    CREATE TABLE record_changes (
      id uuid PRIMARY KEY, firm_id uuid NOT NULL, client_id uuid NOT NULL, run_id uuid NOT NULL,
      job_id uuid NOT NULL, category text NOT NULL, subject_kind text NOT NULL, subject_value text NOT NULL,
      period text, natural_key text NOT NULL, change text NOT NULL, at timestamptz NOT NULL,
      CONSTRAINT record_changes_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE,
      CONSTRAINT record_changes_once UNIQUE (job_id, natural_key));
    CREATE INDEX record_changes_client ON record_changes (firm_id, client_id, id);`,
};

function ddlOf(service: string): string {
  return `${SERVICE_DDL[service.startsWith('connector-') ? 'connector' : service]}${MESSAGING_DDL}`;
}

// ---------------------------------------------------------------------------------------------- payloads

interface JobRef {
  idx: number;
  jobId: string;
  runId: string;
  clientId: string;
  category: Category;
  subject: { kind: string; value: string };
  period: string | null;
  attempt: number;
}

type Keyed = Pick<JobRef, 'clientId' | 'category' | 'subject' | 'period'>;

interface ResultMessage extends JobRef {
  id: string;
  outcome: string;
  counts: { added: number; updated: number; removed: number; unchanged: number };
  startedAt: string;
  finishedAt: string;
}

interface RecordsMessage extends JobRef {
  id: string;
  changes: { naturalKey: string; change: string; hash: string | null; data: unknown }[];
}

interface OutMessage {
  id: string;
  topic: string;
  key: string;
  value: string;
  type: string;
}

/** `obj` serialized, padded to `valueBytes` with a filler field (never shorter than it is). */
function padded(obj: Record<string, unknown>, valueBytes: number): string {
  const base = JSON.stringify({ ...obj, pad: '' });
  const missing = valueBytes - Buffer.byteLength(base);
  return missing > 0 ? JSON.stringify({ ...obj, pad: 'x'.repeat(missing) }) : base;
}

/** A records chunk with one added change per key, its record data sized so the chunk weighs `valueBytes`. */
function recordsValue(head: Record<string, unknown>, keys: string[], valueBytes: number): string {
  if (keys.length === 0) return padded({ ...head, changes: [] }, valueBytes);
  const changes = (fill: string) =>
    keys.map((naturalKey, k) => ({ naturalKey, change: 'added', hash: fakeHash(k), data: { p: fill } }));
  const base = Buffer.byteLength(JSON.stringify({ ...head, changes: changes('') }));
  const per = Math.max(0, Math.floor((valueBytes - base) / keys.length));
  return JSON.stringify({ ...head, changes: changes('x'.repeat(per)) });
}

function fakeHash(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function headersOf(m: OutMessage, runId: string): Record<string, string> {
  return {
    'event-id': m.id,
    'event-type': m.type,
    'event-version': '1',
    'firm-id': FIRM_ID,
    'correlation-id': runId,
  };
}

/** The natural key of a status cell or of a job's records, as SQL parameters (uuid, uuid, text × 4). */
function cellKey(r: Keyed): unknown[] {
  return [FIRM_ID, r.clientId, r.category, r.subject.kind, r.subject.value, r.period];
}

// ---------------------------------------------------------------------------------------------- pg helpers

async function tx<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Runs `sql` with `{cols}` replaced by the column names of `spec` (`id:uuid added:int outcome`) and `{values}`
 * by one tuple per row, a parameter per cell cast as the spec says; split to stay under PostgreSQL's parameter
 * limit. Serves multi-row INSERTs, `UPDATE … FROM (VALUES …)` and joins against a batch's keys.
 */
async function values<R = unknown>(
  c: PoolClient,
  sql: string,
  spec: string,
  rows: readonly unknown[][],
): Promise<R[]> {
  const columns = spec.trim().split(/\s+/);
  const names = columns.map((col) => col.split(':')[0]).join(', ');
  const casts = columns.map((col) => (col.includes(':') ? `::${col.split(':')[1]}` : ''));
  const max = Math.floor(PARAMS_PER_STATEMENT / casts.length);
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += max) {
    const params: unknown[] = [];
    const tuples = rows.slice(i, i + max).map((row) => {
      const cells = casts.map((cast, k) => `$${params.length + k + 1}${cast}`);
      params.push(...row);
      return `(${cells.join(', ')})`;
    });
    const text = sql.replaceAll('{cols}', names).replace('{values}', tuples.join(', '));
    out.push(...((await c.query(text, params)).rows as R[]));
  }
  return out;
}

/** The event ids of a consumed batch not applied before (inbox rows, in the batch's transaction). */
async function inbox(c: PoolClient, group: string, ids: string[]): Promise<Set<string>> {
  const rows = await values<{ event_id: string }>(
    c,
    'INSERT INTO inbox ({cols}) VALUES {values} ON CONFLICT DO NOTHING RETURNING event_id',
    'consumer_group event_id:uuid',
    ids.map((id) => [group, id]),
  );
  return new Set(rows.map((r) => r.event_id));
}

/** New messages of a batch, the first occurrence of each event id only. */
function fresh<T extends { id: string }>(parsed: T[], isNew: Set<string>): T[] {
  const seen = new Set<string>();
  return parsed.filter((m) => isNew.has(m.id) && !seen.has(m.id) && seen.add(m.id));
}

async function enqueue(c: PoolClient, messages: OutMessage[], runId: string): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = await values<{ seq: string }>(
    c,
    'INSERT INTO outbox ({cols}) VALUES {values} RETURNING seq',
    'id:uuid topic key payload headers:jsonb',
    messages.map((m) => [m.id, m.topic, m.key, m.value, JSON.stringify(headersOf(m, runId))]),
  );
  return rows.map((r) => r.seq);
}

function parse<T>(batch: EachBatchPayload['batch']): T[] {
  return batch.messages.map((m) => JSON.parse(String(m.value)) as T);
}

// ---------------------------------------------------------------------------------------------- the chain

interface Service {
  name: string;
  schema: string;
  pool: Pool;
  producer: Producer;
  /** Serialises sends on the service's idempotent producer (one batch at a time, like its relay). */
  sending: Promise<void>;
}

interface Claimable {
  rowId: string;
  ref: JobRef;
  requestEventId: string;
}

interface Counters {
  produced: number;
  intake: number;
  finished: number;
  recorded: number;
  cmResults: number;
  cmRecordMessages: number;
  cmChanges: number;
}

class RawChain {
  private readonly kafka: Kafka;
  private admin: Admin | null = null;
  private readonly plan: Plan;
  private readonly services = new Map<string, Service>();
  private readonly consumers: Consumer[] = [];
  private readonly groups: string[] = [];
  private readonly topics: string[];
  private readonly runId = uuidv7();
  private readonly jobIds: string[];
  private readonly clientIds: string[];
  private readonly producedAt: Float64Array;
  private readonly recordedAt: Float64Array;
  private readonly queues = new Map<Portal, Claimable[]>(PORTALS.map((p) => [p, []]));
  private readonly wakers = new Map<Portal, (() => void)[]>(PORTALS.map((p) => [p, []]));
  private readonly workers: Promise<void>[] = [];
  private readonly counters: Counters = {
    produced: 0,
    intake: 0,
    finished: 0,
    recorded: 0,
    cmResults: 0,
    cmRecordMessages: 0,
    cmChanges: 0,
  };
  private stopping = false;
  private failure: Error | null = null;
  private onFailure: ((e: Error) => void) | null = null;
  private onRecorded: (() => void) | null = null;
  private completedAt = 0;
  /** The whole machine's busy CPU seconds (`machineCpuSeconds().busy`) when the run completed. */
  private machineBusyAtCompletion = NaN;

  constructor(private readonly opts: RawChainOptions) {
    this.plan = planOf(opts);
    this.kafka = new Kafka({
      clientId: 'raw-chain',
      brokers: opts.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200 },
    });
    // Every topic the services create, each with its `.dlq` twin (libs/messaging's ensureTopics).
    this.topics = Object.values(Topics).flatMap((t) => [this.topic(t), dlqTopicOf(this.topic(t))]);
    this.jobIds = Array.from({ length: opts.jobs }, () => uuidv7());
    this.clientIds = Array.from({ length: this.plan.clients }, () => uuidv7());
    this.producedAt = new Float64Array(opts.jobs);
    this.recordedAt = new Float64Array(opts.jobs);
  }

  private topic(name: string): string {
    return `${this.opts.topicPrefix}${name}`;
  }

  private svc(name: string): Service {
    const svc = this.services.get(name);
    if (!svc) throw new Error(`raw chain: no service ${name}`);
    return svc;
  }

  private fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    this.failure ??= error;
    this.onFailure?.(this.failure);
  }

  // -------------------------------------------------------------------------------------------- set-up

  async setUp(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const numPartitions = this.opts.partitions ?? 6;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: this.topics.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
    });
    for (const name of SERVICES) {
      const schema = `raw_${name.replace(/-/g, '_')}`;
      const pool = new Pool({
        connectionString: this.opts.databaseUrl,
        max: name.startsWith('connector-') ? 3 : 6,
        options: `-c search_path=${schema}`,
      });
      // As libs/messaging's producer.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.services.set(name, { name, schema, pool, producer, sending: Promise.resolve() });
      await producer.connect();
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query(ddlOf(name));
    }
    await this.insertClients();
    await this.startConsumers();
    for (const p of PORTALS) {
      for (let w = 0; w < WORKERS_PER_CONNECTOR; w++) this.workers.push(this.workerLoop(p));
    }
  }

  private static pan(client: number): string {
    return `AAAP${String(client).padStart(5, '0')}K`.slice(-10);
  }

  /** Job idx: client idx / 10, category idx % 10 (the pipeline's fan-out order: client × category). */
  private ref(idx: number): JobRef {
    const client = Math.floor(idx / Categories.length);
    const category = Categories[idx % Categories.length];
    const portal = portalOf(category);
    const pan = RawChain.pan(client);
    const value = portal === 'gst' ? `27${pan}1Z5` : portal === 'itr' ? pan : `CF-${client}`;
    return {
      idx,
      jobId: this.jobIds[idx],
      runId: this.runId,
      clientId: this.clientIds[client],
      category,
      subject: { kind: subjectKindOf(category), value },
      period: PERIOD[portal],
      attempt: 1,
    };
  }

  /** client-master already knows the clients (records and status cells reference them). */
  private async insertClients(): Promise<void> {
    await tx(this.svc('client-master').pool, (c) =>
      values(
        c,
        'INSERT INTO clients ({cols}) VALUES {values}',
        'id:uuid firm_id:uuid name pan gstins:text[] esign_client_file_id',
        this.clientIds.map((id, n) => {
          const pan = RawChain.pan(n);
          return [id, FIRM_ID, `client ${n}`, pan, [`27${pan}1Z5`], `CF-${n}`];
        }),
      ),
    );
  }

  private async startConsumers(): Promise<void> {
    const joined: Promise<void>[] = [];
    const consume = async (
      group: string,
      topic: string,
      concurrency: number,
      handle: (p: EachBatchPayload) => Promise<void>,
    ) => {
      const groupId = `${this.opts.topicPrefix}raw.${group}`;
      this.groups.push(groupId);
      const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 30000 });
      this.consumers.push(consumer);
      joined.push(new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve())));
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) this.fail(e.payload.error);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic(topic)], fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: concurrency,
        // As the services: offsets committed about once a second, not after every batch.
        autoCommit: false,
        autoCommitInterval: 1000,
        eachBatch: async (payload) => {
          if (payload.batch.messages.length === 0 || this.stopping) return;
          try {
            await handle(payload);
            await payload.commitOffsetsIfNecessary();
          } catch (e) {
            this.fail(e);
            throw e;
          }
        },
      });
    };
    // The pipeline's consumers, with their partition concurrency (1 unless the service sets it).
    for (const p of PORTALS) await consume(`connector-${p}.jobs`, JOB_TOPIC[p], 1, (b) => this.intake(p, b));
    await consume('sync-orchestrator.results', Topics.Results, 4, (b) => this.orchestratorResults(b));
    await consume('client-master.results', Topics.Results, 1, (b) => this.clientMasterResults(b));
    await consume('client-master.records', Topics.Records, 4, (b) => this.clientMasterRecords(b));
    await withTimeout(Promise.all(joined), 60_000, 'raw chain: consumers did not join their groups in 60 s');
  }

  /** Produces committed outbox rows (acks=all, byte-bounded requests), then deletes them: the relay's work. */
  private async relay(svc: Service, messages: OutMessage[], seqs: string[]): Promise<void> {
    if (messages.length === 0) return;
    const send = svc.sending.then(async () => {
      for (let i = 0; i < messages.length; ) {
        let j = i;
        for (let bytes = 0; j < messages.length && (j === i || bytes < SEND_CHUNK_BYTES); j++) {
          bytes += messages[j].value.length + 200;
        }
        const byTopic = new Map<string, OutMessage[]>();
        for (const m of messages.slice(i, j)) {
          const list = byTopic.get(m.topic) ?? [];
          if (list.length === 0) byTopic.set(m.topic, list);
          list.push(m);
        }
        await svc.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map((m) => ({ key: m.key, value: m.value, headers: headersOf(m, this.runId) })),
          })),
        });
        i = j;
      }
    });
    svc.sending = send.catch(() => undefined);
    await send;
    await svc.pool.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [seqs]);
  }

  // -------------------------------------------------------------------------------------------- 1. fan-out

  private async fanOut(): Promise<void> {
    const orch = this.svc('sync-orchestrator');
    const pageJobs = this.opts.pageJobs ?? 5000;
    await orch.pool.query(
      `INSERT INTO sync_runs (id, firm_id, status, selection, categories, period, started_at)
       VALUES ($1, $2, 'running', '{"all":true}', $3::text[], '{}', now())`,
      [this.runId, FIRM_ID, Categories],
    );
    for (let start = 0; start < this.opts.jobs && !this.stopping; ) {
      const count = Math.min(pageJobs, this.opts.jobs - start, await this.room(this.opts.jobs - start));
      const refs = Array.from({ length: count }, (_, k) => this.ref(start + k));
      start += count;
      const messages = refs.map((ref): OutMessage => {
        const id = uuidv7();
        const portal = portalOf(ref.category);
        const value = padded({ id, ...ref }, this.plan.jobValue[portal]);
        return {
          id,
          topic: this.topic(JOB_TOPIC[portal]),
          key: ref.clientId,
          value,
          type: SyncJobRequestedEvent.type,
        };
      });
      const last = start >= this.opts.jobs;
      const seqs = await tx(orch.pool, async (c) => {
        await values(
          c,
          `INSERT INTO sync_jobs ({cols}) VALUES {values} ON CONFLICT ON CONSTRAINT sync_jobs_natural_key DO NOTHING`,
          'id:uuid run_id:uuid firm_id client_id:uuid category subject_kind subject_value period status attempts:int',
          refs.map((r) => [
            r.jobId,
            r.runId,
            FIRM_ID,
            r.clientId,
            r.category,
            r.subject.kind,
            r.subject.value,
            r.period,
            'pending',
            0,
          ]),
        );
        // The dispatcher's step: pending → running, and the job requests into the outbox.
        await c.query(
          `UPDATE sync_jobs SET status = 'running', attempts = attempts + 1, dispatched_at = now(),
                  deadline_at = now() + interval '10 minutes', next_attempt_at = NULL, updated_at = now()
            WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
          [refs.map((r) => r.jobId)],
        );
        const seqs = await enqueue(c, messages, this.runId);
        await c.query(
          `UPDATE sync_runs SET jobs_total = jobs_total + $2, running = running + $2,
                  fan_out_page = fan_out_page + 1, fan_out_done_at = CASE WHEN $3 THEN now() END, updated_at = now()
            WHERE id = $1`,
          [this.runId, count, last],
        );
        return seqs;
      });
      const now = performance.now();
      for (const r of refs) this.producedAt[r.idx] = now;
      await this.relay(orch, messages, seqs);
      this.counters.produced += count;
    }
  }

  /** Jobs that may be sent now under `maxInFlight` (waits for a tenth of the cap to free up, like a dispatch pass). */
  private async room(remaining: number): Promise<number> {
    const cap = this.opts.maxInFlight;
    if (cap === undefined) return remaining;
    const free = () => cap - (this.counters.produced - this.counters.recorded);
    while (!this.stopping && free() < Math.min(Math.ceil(cap / 10), remaining)) {
      await new Promise<void>((resolve) => (this.onRecorded = resolve));
    }
    return Math.max(1, free());
  }

  // -------------------------------------------------------------------------------------------- 2. intake

  private async intake(portal: Portal, { batch, heartbeat }: EachBatchPayload): Promise<void> {
    const parsed = parse<JobRef & { id: string }>(batch);
    const claimable = await tx(this.svc(`connector-${portal}`).pool, async (c): Promise<Claimable[]> => {
      const jobs = fresh(
        parsed,
        await inbox(
          c,
          `connector-${portal}.jobs`,
          parsed.map((m) => m.id),
        ),
      );
      if (jobs.length === 0) return [];
      const rows = await values<{ id: string; job_id: string }>(
        c,
        'INSERT INTO connector_jobs ({cols}) VALUES {values} ON CONFLICT (job_id, attempt) DO NOTHING RETURNING id, job_id',
        'job_id:uuid attempt:int run_id:uuid client_id:uuid firm_id request_event_id:uuid category subject_kind subject_value period',
        jobs.map((j) => [
          j.jobId,
          j.attempt,
          j.runId,
          j.clientId,
          FIRM_ID,
          j.id,
          j.category,
          j.subject.kind,
          j.subject.value,
          j.period,
        ]),
      );
      const byJob = new Map(jobs.map((j) => [j.jobId, j]));
      return rows.map((r) => {
        const { id, ...ref } = byJob.get(r.job_id) as JobRef & { id: string };
        return { rowId: String(r.id), ref, requestEventId: id };
      });
    });
    this.counters.intake += claimable.length;
    this.queues.get(portal)?.push(...claimable);
    for (const wake of this.wakers.get(portal)?.splice(0) ?? []) wake();
    await heartbeat();
  }

  // -------------------------------------------------------------------------------------------- 3. worker

  private async workerLoop(portal: Portal): Promise<void> {
    const queue = this.queues.get(portal) as Claimable[];
    while (!this.stopping) {
      const batch = queue.splice(0, WORKER_BATCH);
      if (batch.length === 0) {
        await new Promise<void>((resolve) => this.wakers.get(portal)?.push(resolve));
        continue;
      }
      try {
        await this.work(portal, batch);
      } catch (e) {
        this.fail(e);
        return;
      }
    }
  }

  private async work(portal: Portal, batch: Claimable[]): Promise<void> {
    const svc = this.svc(`connector-${portal}`);
    const { rows: claimed } = await svc.pool.query<{ id: string; claim_count: number; started_at: Date }>(
      `UPDATE connector_jobs
          SET status = 'running', claim_count = claim_count + 1, worker_id = $2,
              lease_expires_at = now() + interval '60 seconds', heartbeat_at = now(),
              started_at = COALESCE(started_at, now())
        WHERE id = ANY($1::bigint[]) AND status = 'pending'
        RETURNING id, claim_count, started_at`,
      [batch.map((b) => b.rowId), `raw-${portal}`],
    );
    if (claimed.length === 0) return;
    const byRow = new Map(batch.map((b) => [b.rowId, b]));
    const finishedAt = new Date().toISOString();
    const messages: OutMessage[] = [];
    const done: unknown[][] = [];
    const snapshots: unknown[][] = [];
    for (const row of claimed) {
      const { ref } = byRow.get(String(row.id)) as Claimable;
      const hashes: Record<string, string> = {};
      const chunks = quota(ref.idx, this.plan.recordsRate);
      for (let k = 0; k < chunks; k++) {
        const m = upTo(ref.idx, this.plan.recordsRate) + k;
        const keys = Array.from(
          { length: quota(m, this.plan.changesPerMessage) },
          (_, r) => `${ref.subject.value}|${ref.category}|${m}|${r}`,
        );
        keys.forEach((key, r) => (hashes[key] = fakeHash(r)));
        const id = uuidv7();
        const head = { id, ...ref, chunk: { index: k, count: chunks } };
        const value = recordsValue(head, keys, this.plan.recordsValue);
        const topic = this.topic(Topics.Records);
        messages.push({ id, topic, key: ref.clientId, value, type: ClientRecordsChangedEvent.type });
      }
      const added = Object.keys(hashes).length;
      const counts = { added, updated: 0, removed: 0, unchanged: 0 };
      const id = uuidv7();
      const result = {
        id,
        ...ref,
        outcome: 'succeeded',
        errorCode: null,
        errorMessage: null,
        retryable: false,
        counts,
        startedAt: row.started_at.toISOString(),
        finishedAt,
      };
      const value = padded(result, this.plan.resultValue);
      messages.push({
        id,
        topic: this.topic(Topics.Results),
        key: ref.clientId,
        value,
        type: SyncJobCompletedEvent.type,
      });
      done.push([row.id, row.claim_count, JSON.stringify(counts)]);
      const key = [
        FIRM_ID,
        ref.clientId,
        ref.subject.kind,
        ref.subject.value,
        ref.category,
        ref.period ?? '',
      ];
      snapshots.push([...key, fakeHash(added), added, JSON.stringify(hashes), ref.jobId, finishedAt]);
    }
    const snapshotKey = 'firm_id client_id:uuid subject_kind subject_value category period';
    const seqs = await tx(svc.pool, async (c) => {
      // The last complete snapshot of each key, which "no change" is judged against (first fetches find none).
      await values(
        c,
        'SELECT s.combined_hash FROM snapshots s JOIN (VALUES {values}) AS k({cols}) USING ({cols})',
        snapshotKey,
        snapshots.map((s) => s.slice(0, 6)),
      );
      await values(
        c,
        `INSERT INTO snapshots ({cols}) VALUES {values}
         ON CONFLICT (firm_id, client_id, subject_kind, subject_value, category, period) DO UPDATE
           SET combined_hash = EXCLUDED.combined_hash, record_count = EXCLUDED.record_count,
               records = EXCLUDED.records, job_id = EXCLUDED.job_id, fetched_at = EXCLUDED.fetched_at`,
        `${snapshotKey} combined_hash record_count:int records:jsonb job_id:uuid fetched_at:timestamptz`,
        snapshots,
      );
      // Fenced completion: only while this claim still owns the row.
      await values(
        c,
        `UPDATE connector_jobs j SET status = 'done', outcome = 'succeeded', counts = u.counts,
                finished_at = now(), lease_expires_at = NULL
           FROM (VALUES {values}) AS u({cols})
          WHERE j.id = u.id AND j.status = 'running' AND j.claim_count = u.claim_count`,
        'id:bigint claim_count:int counts:jsonb',
        done,
      );
      return enqueue(c, messages, this.runId);
    });
    this.counters.finished += claimed.length;
    await this.relay(svc, messages, seqs);
  }

  // -------------------------------------------------------------------------------------------- 4. results

  private async orchestratorResults({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const orch = this.svc('sync-orchestrator');
    const parsed = parse<ResultMessage>(batch);
    const { recorded, completed, messages, seqs } = await tx(orch.pool, async (c) => {
      const results = fresh(
        parsed,
        await inbox(
          c,
          'sync-orchestrator.results',
          parsed.map((m) => m.id),
        ),
      );
      if (results.length === 0) return { recorded: [], completed: false, messages: [], seqs: [] };
      const updated = await values<{ id: string }>(
        c,
        `UPDATE sync_jobs j SET status = 'done', outcome = u.outcome, error_code = NULL, error_message = NULL,
                retryable = false, added = u.added, updated = u.updated, removed = u.removed,
                unchanged = u.unchanged, started_at = u.started_at, finished_at = u.finished_at,
                deadline_at = NULL, updated_at = now()
           FROM (VALUES {values}) AS u({cols})
          WHERE j.id = u.id AND j.status = 'running'
          RETURNING j.id`,
        'id:uuid outcome added:int updated:int removed:int unchanged:int started_at:timestamptz finished_at:timestamptz',
        results.map((r) => [r.jobId, r.outcome, ...Object.values(r.counts), r.startedAt, r.finishedAt]),
      );
      const n = updated.length;
      const { rows } = await c.query<{
        status: string;
        succeeded: number;
        running: number;
        jobs_total: number;
      }>(
        `UPDATE sync_runs SET running = running - $2, succeeded = succeeded + $2,
                status = CASE WHEN fan_out_done_at IS NOT NULL AND running = $2 THEN 'completed' ELSE status END,
                finished_at = CASE WHEN fan_out_done_at IS NOT NULL AND running = $2 THEN now() END,
                progress_emitted_at = now(), updated_at = now()
          WHERE id = $1
          RETURNING status, succeeded, running, jobs_total`,
        [this.runId, n],
      );
      const run = rows[0];
      // Run events (progress, and the terminal one), as many per job as the pipeline sent.
      let events = upTo(run.succeeded, this.plan.runsRate) - upTo(run.succeeded - n, this.plan.runsRate);
      if (run.status === 'completed') events = Math.max(events, 1);
      const messages = Array.from({ length: events }, (): OutMessage => {
        const id = uuidv7();
        const totals = { jobs: run.jobs_total, running: run.running, succeeded: run.succeeded };
        const value = padded({ id, runId: this.runId, status: run.status, totals }, this.plan.runsValue);
        return { id, topic: this.topic(Topics.Runs), key: this.runId, value, type: SyncRunChangedEvent.type };
      });
      const seqs = await enqueue(c, messages, this.runId);
      const ids = new Set(updated.map((u) => u.id));
      const recorded = results.filter((r) => ids.has(r.jobId)).map((r) => r.idx);
      return { recorded, completed: run.status === 'completed', messages, seqs };
    });
    const now = performance.now();
    for (const idx of recorded) {
      if (this.recordedAt[idx] !== 0) this.fail(new Error(`raw chain: job ${idx} was recorded twice`));
      this.recordedAt[idx] = now;
    }
    this.counters.recorded += recorded.length;
    if (completed) {
      this.completedAt = now;
      this.machineBusyAtCompletion = machineCpuSeconds().busy;
    }
    this.onRecorded?.();
    await this.relay(orch, messages, seqs);
    await heartbeat();
  }

  // -------------------------------------------------------------------------------------------- 5. status grid

  private async clientMasterResults({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const cm = this.svc('client-master');
    const parsed = parse<ResultMessage>(batch);
    const cell = 'firm_id:uuid client_id:uuid category subject_kind subject_value period';
    const { n, messages, seqs } = await tx(cm.pool, async (c) => {
      const results = fresh(
        parsed,
        await inbox(
          c,
          'client-master.results',
          parsed.map((m) => m.id),
        ),
      );
      if (results.length === 0) return { n: 0, messages: [], seqs: [] };
      const matches = `s.firm_id = k.firm_id AND s.client_id = k.client_id AND s.category = k.category
        AND s.subject_kind = k.subject_kind AND s.subject_value = k.subject_value
        AND s.period IS NOT DISTINCT FROM k.period`;
      // The cells as they were (the pipeline compares to decide whether a cell changed).
      await values(
        c,
        `SELECT s.id FROM status_cells s JOIN (VALUES {values}) AS k({cols}) ON ${matches} FOR UPDATE OF s`,
        cell,
        results.map(cellKey),
      );
      await values(
        c,
        `INSERT INTO status_cells ({cols}) VALUES {values}
         ON CONFLICT ON CONSTRAINT status_cells_natural_key DO UPDATE SET
           last_outcome = EXCLUDED.last_outcome, last_error_code = EXCLUDED.last_error_code,
           last_error_message = EXCLUDED.last_error_message, last_run_id = EXCLUDED.last_run_id,
           last_job_id = EXCLUDED.last_job_id, last_finished_at = EXCLUDED.last_finished_at,
           last_success_at = EXCLUDED.last_success_at, updated_at = now()`,
        `${cell} last_outcome last_error_code last_error_message last_run_id:uuid last_job_id:uuid
         last_finished_at:timestamptz last_success_at:timestamptz`,
        results.map((r) => [
          ...cellKey(r),
          r.outcome,
          null,
          null,
          r.runId,
          r.jobId,
          r.finishedAt,
          r.finishedAt,
        ]),
      );
      // A successful fetch saw every record it did not report as changed: "last seen" now.
      await values(
        c,
        `UPDATE records s SET last_seen_at = k.at FROM (VALUES {values}) AS k({cols})
          WHERE ${matches} AND s.removed_at IS NULL AND s.last_seen_at < k.at`,
        `${cell} at:timestamptz`,
        results.map((r) => [...cellKey(r), r.finishedAt]),
      );
      const messages: OutMessage[] = [];
      for (const r of results) {
        for (let e = quota(r.idx, this.plan.eventsRate); e > 0; e--) {
          const id = uuidv7();
          const { clientId, category, subject, period, outcome, runId, finishedAt } = r;
          const data = { id, clientId, category, subject, period, outcome, runId, lastSuccessAt: finishedAt };
          const value = padded(data, this.plan.eventsValue);
          const topic = this.topic(Topics.ClientEvents);
          messages.push({ id, topic, key: clientId, value, type: ClientStatusChangedEvent.type });
        }
      }
      return { n: results.length, messages, seqs: await enqueue(c, messages, this.runId) };
    });
    this.counters.cmResults += n;
    await this.relay(cm, messages, seqs);
    await heartbeat();
  }

  // -------------------------------------------------------------------------------------------- 6. records

  private async clientMasterRecords({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const parsed = parse<RecordsMessage>(batch);
    const applied = await tx(this.svc('client-master').pool, async (c) => {
      const chunks = fresh(
        parsed,
        await inbox(
          c,
          'client-master.records',
          parsed.map((m) => m.id),
        ),
      );
      if (chunks.length === 0) return { messages: 0, changes: 0 };
      const clients = [...new Set(chunks.map((m) => m.clientId))];
      await c.query('SELECT id FROM clients WHERE id = ANY($1::uuid[]) AND firm_id = $2', [clients, FIRM_ID]);
      const at = new Date().toISOString();
      const changes = chunks.flatMap((m) => m.changes.map((ch) => ({ m, ch })));
      if (changes.length === 0) return { messages: chunks.length, changes: 0 };
      const cell = 'firm_id:uuid client_id:uuid category subject_kind subject_value period natural_key';
      await values(
        c,
        `INSERT INTO records ({cols}) VALUES {values}
         ON CONFLICT ON CONSTRAINT records_natural_key DO UPDATE SET
           data = EXCLUDED.data, hash = EXCLUDED.hash, version = records.version + 1,
           last_seen_at = EXCLUDED.last_seen_at, removed_at = NULL, updated_at = now()
         WHERE records.hash IS DISTINCT FROM EXCLUDED.hash OR records.removed_at IS NOT NULL`,
        `id:uuid ${cell} data:jsonb hash version:int first_seen_at:timestamptz last_seen_at:timestamptz`,
        changes.map(({ m, ch }) => [
          uuidv7(),
          ...cellKey(m),
          ch.naturalKey,
          JSON.stringify(ch.data),
          ch.hash,
          1,
          at,
          at,
        ]),
      );
      await values(
        c,
        `INSERT INTO record_changes ({cols}) VALUES {values}
         ON CONFLICT ON CONSTRAINT record_changes_once DO NOTHING`,
        `id:uuid run_id:uuid job_id:uuid ${cell} change at:timestamptz`,
        changes.map(({ m, ch }) => [uuidv7(), m.runId, m.jobId, ...cellKey(m), ch.naturalKey, ch.change, at]),
      );
      return { messages: chunks.length, changes: changes.length };
    });
    this.counters.cmRecordMessages += applied.messages;
    this.counters.cmChanges += applied.changes;
    await heartbeat();
  }

  // -------------------------------------------------------------------------------------------- the run

  async run(): Promise<RawChainResult> {
    const stallMs = this.opts.stallTimeoutMs ?? 60_000;
    const load0 = loadavg()[0];
    const cpu0 = process.cpuUsage();
    const machine0 = machineCpuSeconds().busy;
    const t0 = performance.now();
    const fanOut = this.fanOut().catch((e: unknown) => this.fail(e));
    await this.until(() => this.counters.recorded >= this.opts.jobs, stallMs, t0);
    await fanOut;
    if (this.completedAt === 0)
      throw new Error('raw chain: every result was recorded but the run never completed');
    const ms = this.completedAt - t0;
    const cpu = process.cpuUsage(cpu0);
    const load1 = loadavg()[0];
    // client-master is off the run's critical path, but it shares the machine: wait for it, then check.
    await this.until(
      () =>
        this.counters.cmResults >= this.opts.jobs &&
        this.counters.cmRecordMessages >= this.plan.totalRecordsMessages,
      stallMs,
      t0,
    );
    const cmLag = (performance.now() - this.completedAt) / 1000;
    const machineBusySeconds = machineCpuSeconds().busy - machine0;
    await this.verify();
    const latencies = Array.from(this.recordedAt, (at, i) => at - this.producedAt[i]).sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)]);
    const p = this.plan;
    const notes = [
      `${this.opts.jobs} jobs, ${this.topics.length} topics × ${this.opts.partitions ?? 6} partitions`,
      `per job: 1 job message (${p.jobValue.gst}/${p.jobValue.itr}/${p.jobValue.esign} B gst/itr/esign), ` +
        `1 result (${p.resultValue} B), ${p.recordsRate.toFixed(2)} records messages (${p.recordsValue} B, ` +
        `${p.changesPerMessage.toFixed(1)} changes each), ${p.eventsRate.toFixed(2)} client events ` +
        `(${p.eventsValue} B), ${p.runsRate.toFixed(3)} run events (${p.runsValue} B)`,
      `client-master drained ${cmLag.toFixed(1)} s after the run completed`,
      `bench process CPU ${((cpu.user + cpu.system) / 10 / ms).toFixed(0)}% of one core of ${cpus().length}`,
      `load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`,
      ...p.remarks,
    ].join('; ');
    this.opts.log?.(`raw chain: ${notes}`);
    return {
      jobs: this.opts.jobs,
      seconds: Math.round(ms / 10) / 100,
      jobsPerSecond: Math.round((this.opts.jobs / ms) * 10_000) / 10,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      machineBusySeconds: Math.round(machineBusySeconds * 10) / 10,
      machineBusyAtCompletionSeconds: Math.round((this.machineBusyAtCompletion - machine0) * 10) / 10,
      allWorkSeconds: Math.round((ms / 1000 + cmLag) * 100) / 100,
      notes,
    };
  }

  /** Resolves once `done()` holds; rejects on a failure, or when no counter moved for `stallMs`. */
  private until(done: () => boolean, stallMs: number, t0: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let last = '';
      let lastChange = performance.now();
      let lastLog = lastChange;
      const timer = setInterval(() => {
        const now = performance.now();
        const signature = JSON.stringify(this.counters);
        if (done()) return finish();
        if (signature !== last) {
          last = signature;
          lastChange = now;
        } else if (now - lastChange > stallMs) {
          const s = Math.round(stallMs / 1000);
          return finish(new Error(`raw chain stalled: nothing moved for ${s} s; ${this.progress()}`));
        }
        if (this.opts.log && now - lastLog >= 5000) {
          lastLog = now;
          this.opts.log(`raw chain ${((now - t0) / 1000).toFixed(0)} s: ${this.progress()}`);
        }
      }, 20);
      const finish = (error?: Error) => {
        clearInterval(timer);
        this.onFailure = null;
        if (error) reject(error);
        else resolve();
      };
      this.onFailure = finish;
      if (this.failure) finish(this.failure);
    });
  }

  private progress(): string {
    const c = this.counters;
    const n = this.opts.jobs;
    return (
      `produced ${c.produced}/${n}, connectors took ${c.intake} and finished ${c.finished}, ` +
      `results recorded ${c.recorded}/${n}; client-master results ${c.cmResults}/${n}, ` +
      `records messages ${c.cmRecordMessages}/${this.plan.totalRecordsMessages}`
    );
  }

  /** Every job done exactly once in every service's tables, every change stored once, every outbox empty. */
  private async verify(): Promise<void> {
    const n = this.opts.jobs;
    const count = async (svc: string, sql: string) => Number((await this.svc(svc).pool.query(sql)).rows[0].n);
    const checks: [string, number, number][] = [
      [
        'jobs done',
        await count('sync-orchestrator', `SELECT count(*) n FROM sync_jobs WHERE status = 'done'`),
        n,
      ],
      [
        'run succeeded',
        await count('sync-orchestrator', `SELECT succeeded n FROM sync_runs WHERE status = 'completed'`),
        n,
      ],
      ['status cells', await count('client-master', 'SELECT count(*) n FROM status_cells'), n],
      [
        'record changes',
        await count('client-master', 'SELECT count(*) n FROM record_changes'),
        this.plan.totalChanges,
      ],
      ['changes applied', this.counters.cmChanges, this.plan.totalChanges],
    ];
    let connectorJobs = 0;
    for (const p of PORTALS) {
      connectorJobs += await count(
        `connector-${p}`,
        `SELECT count(*) n FROM connector_jobs WHERE status = 'done'`,
      );
    }
    checks.push(['connector jobs done', connectorJobs, n]);
    for (const svc of SERVICES)
      checks.push([`${svc} outbox`, await count(svc, 'SELECT count(*) n FROM outbox'), 0]);
    const wrong = checks.filter(([, got, want]) => got !== want);
    if (wrong.length > 0) {
      const list = wrong.map(([what, got, want]) => `${what}: ${got}, expected ${want}`).join('; ');
      throw new Error(`raw chain counted wrong: ${list}`);
    }
  }

  async tearDown(): Promise<void> {
    this.stopping = true;
    for (const list of this.wakers.values()) for (const wake of list.splice(0)) wake();
    this.onRecorded?.();
    await Promise.allSettled(this.workers);
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    for (const svc of this.services.values()) {
      await svc.sending;
      await svc.producer.disconnect().catch(() => undefined);
      await svc.pool.query(`DROP SCHEMA IF EXISTS ${svc.schema} CASCADE`).catch(() => undefined);
      await svc.pool.end().catch(() => undefined);
    }
    if (this.admin) {
      await this.admin.deleteTopics({ topics: this.topics }).catch(() => undefined);
      await this.admin.deleteGroups(this.groups).catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the chain once (see the file comment for what it mirrors) and removes its topics and tables. */
export async function rawChain(opts: RawChainOptions): Promise<RawChainResult> {
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1)
    throw new Error('rawChain: jobs must be a positive integer');
  if (!(opts.carried.jobs > 0)) throw new Error('rawChain: carried.jobs must be positive');
  // The services run kafkajs with its idle-loop fix (libs/messaging); so does the raw chain, like for like.
  applyKafkajsIdleFix();
  const chain = new RawChain(opts);
  try {
    await chain.setUp();
    return await chain.run();
  } finally {
    await chain.tearDown();
  }
}

// ---------------------------------------------------------------------------------------------- defaults

function sizeOf<T>(contract: EventContract<T>, data: T): number {
  const envelope = createEnvelope(contract, data, {
    firmId: FIRM_ID,
    correlationId: uuidv7(),
    causationId: uuidv7(),
  });
  return Buffer.byteLength(JSON.stringify(envelope)) + KEY_BYTES;
}

/** A GSTR-2B B2B invoice as the GST connector normalises it: about what one record weighs. */
function sampleRecord(n: number): Record<string, unknown> {
  return {
    section: 'b2b',
    gstin: '27AAAPA0001K1Z5',
    rtnprd: '062025',
    ctin: '29AABCU9603R1ZX',
    trdnm: 'Supplier Traders Private Limited',
    supfildt: '11-07-2025',
    supprd: '062025',
    inum: `INV/2025-26/${String(n).padStart(6, '0')}`,
    typ: 'R',
    dt: '15-06-2025',
    val: 118000.5,
    pos: '27',
    rev: 'N',
    itcavl: 'Y',
    rsn: null,
    diffprcnt: 1,
    srctyp: 'e-Invoice',
    irn: 'a'.repeat(64),
    irngendate: '15-06-2025',
    items: [{ num: 1, rt: 18, txval: 100000, igst: 0, cgst: 9000, sgst: 9000, cess: 0 }],
  };
}

/** Record changes per job on a first fetch: the mean of the connectors bench over the 10 categories. */
const DEFAULT_CHANGES_PER_JOB = 74;

/**
 * A plausible pipeline load when none was measured, sized with real envelopes from libs/contracts: per job one
 * SyncJobRequested, one SyncJobCompleted, one records chunk of 74 changes and one ClientStatusChanged; one
 * SyncRunChanged per 100 jobs.
 */
export function defaultCarried(jobs: number): CarriedLoad {
  const topics: Record<string, TopicLoad> = {};
  const add = (topic: string, messages: number, bytes: number) => {
    const t = (topics[topic] ??= { messages: 0, bytes: 0 });
    t.messages += messages;
    t.bytes += Math.round(bytes * messages);
  };
  const ids = { jobId: uuidv7(), runId: uuidv7(), clientId: uuidv7() };
  const at = new Date().toISOString();
  for (const category of Categories) {
    const portal = portalOf(category);
    const subject = {
      kind: subjectKindOf(category),
      value: portal === 'esign' ? 'CF-1234' : '27AAAPA0001K1Z5',
    };
    const job = { ...ids, category, subject, period: PERIOD[portal], attempt: 1 };
    const share = jobs / Categories.length;
    add(JOB_TOPIC[portal], share, sizeOf(SyncJobRequestedEvent, job));
    const counts = { added: DEFAULT_CHANGES_PER_JOB, updated: 0, removed: 0, unchanged: 0 };
    const outcome = { outcome: 'succeeded' as const, errorCode: null, errorMessage: null, retryable: false };
    add(
      Topics.Results,
      share,
      sizeOf(SyncJobCompletedEvent, { ...job, ...outcome, counts, startedAt: at, finishedAt: at }),
    );
    const changes = Array.from({ length: DEFAULT_CHANGES_PER_JOB }, (_, n) => ({
      naturalKey: `27AAAPA0001K1Z5|29AABCU9603R1ZX|INV/2025-26/${String(n).padStart(6, '0')}|062025`,
      change: 'added' as const,
      hash: fakeHash(n),
      data: sampleRecord(n),
    }));
    add(
      Topics.Records,
      share,
      sizeOf(ClientRecordsChangedEvent, { ...job, chunk: { index: 0, count: 1 }, changes }),
    );
    const status = {
      ...ids,
      category,
      subject,
      period: job.period,
      outcome: 'succeeded' as const,
      errorCode: null,
    };
    add(Topics.ClientEvents, share, sizeOf(ClientStatusChangedEvent, { ...status, lastSuccessAt: at }));
  }
  const totals = {
    jobs,
    pending: 0,
    running: 0,
    succeeded: jobs,
    noChange: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    noData: 0,
    partial: 0,
    work: jobs,
    workFinished: jobs,
  };
  const run = { runId: ids.runId, change: 'progress' as const, status: 'running' as const, totals };
  add(
    Topics.Runs,
    Math.ceil(jobs / 100) + 2,
    sizeOf(SyncRunChangedEvent, { ...run, startedAt: at, finishedAt: null }),
  );
  for (const t of Object.values(topics)) t.messages = Math.round(t.messages);
  return { jobs, topics, recordChanges: DEFAULT_CHANGES_PER_JOB * jobs };
}

// ---------------------------------------------------------------------------------------------- CLI

async function main(): Promise<void> {
  const jobs = Number(process.argv[2] ?? 10_000);
  const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const database = `bench_raw_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  try {
    const result = await rawChain({
      kafkaBrokers: brokers,
      databaseUrl: url.toString(),
      topicPrefix: `${database}.`,
      jobs,
      carried: defaultCarried(jobs),
      log: (line) => console.log(line),
    });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
