import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import { sha256Hex } from '../world/checksum';
import { aesEncryptB64 } from './gst-crypto';

/** Sections holding more invoices than this are not answered inline but queued (status_cd 2). */
export const QUEUE_THRESHOLD = 500;

interface QueuedAnswer {
  gstin: string;
  readyAtMs: number;
  ek: Buffer;
  /** Each file's body: base64(AES-256-ECB(ek, json)), and how many invoices it holds. */
  files: { body: string; ic: number }[];
}

export interface FileDetails {
  urls: { ul: string; hash: string; ic: number }[];
  ek: string;
  fc: number;
}

/**
 * Large answers the portal prepares offline: the read gives a token and an estimate in minutes, then
 * `returns?action=FILEDET&token` lists files to download, each encrypted with `ek` and hashed with SHA-256.
 * Readiness is in real time (SANDBOX_QUEUE_READY_MS) so a connector can poll without touching the clock.
 */
@Injectable()
export class GstQueueService {
  private readonly answers = new Map<string, QueuedAnswer>();

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {}

  /** Queues `parts` (one per file) and answers the `data` of the status_cd 2 answer. */
  enqueue(gstin: string, parts: { body: unknown; ic: number }[]): { token: string; est: number } {
    const token = randomBytes(12).toString('hex');
    const ek = randomBytes(32);
    const files = parts.map((p) => ({
      body: aesEncryptB64(ek, Buffer.from(JSON.stringify(p.body), 'utf8')),
      ic: p.ic,
    }));
    const now = Date.now();
    this.expire(now);
    const readyAtMs = now + this.config.SANDBOX_QUEUE_READY_MS;
    this.answers.set(token, { gstin, readyAtMs, ek, files });
    return { token, est: Math.max(1, Math.ceil(this.config.SANDBOX_QUEUE_READY_MS / 60_000)) };
  }

  /**
   * Forgets answers past their time to live, as the portal's download links expire: without it a long run
   * (a benchmark of 10,000 GSTINs) keeps every encrypted file it ever queued. Answers are kept in the order
   * they became ready, so the sweep stops at the first live one.
   */
  private expire(now: number): void {
    for (const [token, answer] of this.answers) {
      if (answer.readyAtMs + this.config.SANDBOX_QUEUE_TTL_MS > now) break;
      this.answers.delete(token);
    }
  }

  get size(): number {
    return this.answers.size;
  }

  /** null: unknown token (or another GSTIN's); 'pending': not ready yet. */
  details(token: string, gstin: string, baseUrl: string): FileDetails | 'pending' | null {
    this.expire(Date.now());
    const answer = this.answers.get(token);
    if (!answer || answer.gstin !== gstin) return null;
    if (Date.now() < answer.readyAtMs) return 'pending';
    const urls = answer.files.map((file, i) => ({
      ul: `${baseUrl}/gst/files/${token}/${i + 1}`,
      hash: sha256Hex(file.body),
      ic: file.ic,
    }));
    return { urls, ek: answer.ek.toString('base64'), fc: urls.length };
  }

  file(token: string, n: number): string | undefined {
    const answer = this.answers.get(token);
    return answer && Date.now() >= answer.readyAtMs ? answer.files[n - 1]?.body : undefined;
  }

  reset(): void {
    this.answers.clear();
  }
}
