import type { ConnectorJob, PortalHttpClient } from '@practice-sync/connector-kit';
import {
  abortableSleep,
  isPortalError,
  JobSessions,
  parseShape,
  PortalError,
} from '@practice-sync/connector-kit';
import type { Category } from '@practice-sync/contracts';
import { z } from 'zod';

import { aesDecryptB64, isSealed, openRead, sha256Hex } from './gst-crypto';
import type { GstAnswer } from './gst-envelope';
import { decodeGstEnvelope } from './gst-envelope';
import type { GstSessionHandle, GstSessionService } from './gst-session.service';

export interface GstReadRequest {
  category: Category;
  /** Relative to the GST base URL, e.g. `/taxpayerapi/v4.0/returns/gstr1`. */
  path: string;
  query: Record<string, string | number | undefined>;
  what: string;
  retPeriod?: string;
}

export interface GstApiOptions {
  returnsVersion: string;
  asyncWaitMaxMs: number;
  asyncPollIntervalMs: number;
}

/** A read's outcome after the envelope: data, "no data", or the merged files of a queued answer. */
export type GstRead = { kind: 'data'; data: unknown } | { kind: 'no_data'; code: string };

const FileDetSchema = z
  .object({
    urls: z.array(z.object({ ul: z.string().min(1), hash: z.string().optional() }).passthrough()),
    ek: z.string().min(1),
  })
  .passthrough();

const B2bFileSchema = z.object({ b2b: z.array(z.unknown()).default([]) }).passthrough();

/**
 * GST reads for a job: the session's headers, sealed answers opened with the SEK, a dead token recovered
 * once (refresh) before the job ends `otp_required`, and queued answers (status_cd 2) waited for — bounded —
 * with FILEDET, then every file downloaded, checked by SHA-256 and decrypted with `ek`.
 */
export class GstApi {
  /**
   * The session a job's reads use: looked up (and refreshed when close to expiry) at the job's first read, not
   * at every one of its calls. A token that dies mid-job is recovered by the read that finds it dead.
   */
  private readonly jobSessions = new JobSessions<GstSessionHandle>();
  /** The "no data" codes a job's reads were answered with (`RET11416 for GSTR-1 B2B 042025`…). */
  private readonly jobNoData = new WeakMap<ConnectorJob, string[]>();

  constructor(
    private readonly http: PortalHttpClient,
    private readonly sessions: GstSessionService,
    private readonly options: GstApiOptions,
  ) {}

  async read(job: ConnectorJob, request: GstReadRequest, signal: AbortSignal): Promise<GstRead> {
    const gstin = job.subject.value;
    const { answer, session } = await this.jobSessions.call(job, {
      open: () => this.sessions.sessionFor(job.firmId, gstin, signal),
      attempt: async (s) => ({ answer: await this.once(gstin, s, request, signal), session: s }),
      isDead: (error, s) => isPortalError(error) && error.code === 'otp_required' && Boolean(s.authToken),
      renew: (dead) => this.sessions.recover(job.firmId, gstin, dead.authToken ?? '', signal),
    });
    if (answer.kind === 'no_data') {
      this.jobNoData.set(job, [...(this.jobNoData.get(job) ?? []), `${answer.code} for ${request.what}`]);
      return answer;
    }
    if (answer.kind === 'data') return answer;
    if (answer.kind === 'pending') {
      throw new PortalError('invalid_response', `${request.what}: a "not ready" answer to a read`);
    }
    return { kind: 'data', data: await this.queued(gstin, session, request, answer.token, signal) };
  }

  /** What the GST portal answered a job that found nothing, for the run log; undefined when no read said so. */
  noDataReason(job: ConnectorJob): string | undefined {
    const answers = this.jobNoData.get(job);
    if (!answers?.length) return undefined;
    const shown = answers.slice(0, 3).join(', ');
    const more = answers.length > 3 ? ` and ${answers.length - 3} more` : '';
    return `the GST portal answered "no data": ${shown}${more}`;
  }

  private once(
    gstin: string,
    session: GstSessionHandle,
    request: GstReadRequest,
    signal: AbortSignal,
  ): Promise<GstAnswer> {
    return this.http.request(
      {
        category: request.category,
        path: request.path,
        query: { gstin, ...request.query },
        headers: this.headers(gstin, session, request.retPeriod),
        signal,
        what: request.what,
        account: gstin,
      },
      (body) => decodeGstEnvelope(this.unseal(session, body, request.what), request.what),
    );
  }

  /** The queued flow: FILEDET until ready (bounded), then every file. Answers `{ b2b: [...] }` merged. */
  private async queued(
    gstin: string,
    session: GstSessionHandle,
    request: GstReadRequest,
    token: string,
    signal: AbortSignal,
  ): Promise<unknown> {
    const what = `${request.what} (queued files)`;
    const deadline = Date.now() + this.options.asyncWaitMaxMs;
    for (;;) {
      const answer = await this.once(
        gstin,
        session,
        {
          category: request.category,
          path: `/taxpayerapi/${this.options.returnsVersion}/returns`,
          query: { action: 'FILEDET', token },
          what,
          retPeriod: request.retPeriod,
        },
        signal,
      );
      if (answer.kind === 'data')
        return this.download(request, parseShape(FileDetSchema, answer.data, what), signal);
      if (answer.kind !== 'pending') {
        throw new PortalError('invalid_response', `${what}: unexpected answer to FILEDET (${answer.kind})`);
      }
      if (Date.now() + this.options.asyncPollIntervalMs > deadline) {
        throw new PortalError(
          'timeout',
          `${what} were not ready within ${Math.round(this.options.asyncWaitMaxMs / 1000)} s; it will be retried`,
        );
      }
      await abortableSleep(this.options.asyncPollIntervalMs, signal);
    }
  }

  private async download(
    request: GstReadRequest,
    det: z.infer<typeof FileDetSchema>,
    signal: AbortSignal,
  ): Promise<unknown> {
    const key = Buffer.from(det.ek, 'base64');
    const b2b: unknown[] = [];
    for (const [i, file] of det.urls.entries()) {
      const what = `${request.what} file ${i + 1} of ${det.urls.length}`;
      const text = await this.http.request(
        {
          category: request.category,
          path: new URL(file.ul, this.http.baseUrl).toString(),
          signal,
          what,
          responseType: 'text',
        },
        (body) => String(body),
      );
      if (file.hash && sha256Hex(text) !== file.hash.toLowerCase()) {
        throw new PortalError('invalid_response', `${what} does not match its SHA-256`);
      }
      let json: unknown;
      try {
        json = JSON.parse(aesDecryptB64(key, text.trim()).toString('utf8')) as unknown;
      } catch (error) {
        throw new PortalError('invalid_response', `${what} could not be decrypted`, { cause: error });
      }
      b2b.push(...parseShape(B2bFileSchema, json, what, { owned: true }).b2b);
    }
    return { b2b };
  }

  private unseal(session: GstSessionHandle, body: unknown, what: string): unknown {
    if (!isSealed(body)) return body;
    if (!session.sek) throw new PortalError('invalid_response', `${what} came sealed without a session`);
    try {
      return { status_cd: body.status_cd, data: openRead(session.sek, body) };
    } catch (error) {
      throw new PortalError('invalid_response', `${what} could not be opened with the session key`, {
        cause: error,
      });
    }
  }

  private headers(gstin: string, session: GstSessionHandle, retPeriod?: string): Record<string, string> {
    const headers: Record<string, string> = { gstin, 'state-cd': gstin.slice(0, 2) };
    if (session.username) headers['username'] = session.username;
    if (session.authToken) headers['auth-token'] = session.authToken;
    if (retPeriod) headers['ret_period'] = retPeriod;
    return headers;
  }
}
