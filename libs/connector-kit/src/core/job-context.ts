import { AsyncLocalStorage } from 'node:async_hooks';

/** What the portal machinery knows of the job a call is made for, without every fetcher passing it along. */
export interface JobContext {
  firmId: string;
}

const storage = new AsyncLocalStorage<JobContext>();

/** Runs `work` (a job's fetch) so that every portal call it makes is charged to the job's firm. */
export function runInJobContext<T>(context: JobContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

/** The firm of the job the current call is made for; undefined outside a job (credential endpoints). */
export function currentJobFirm(): string | undefined {
  return storage.getStore()?.firmId;
}
