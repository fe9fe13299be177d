import type { ServiceHttpClient } from '@practice-sync/service-http';
import type { Response } from 'express';

/**
 * Relays an internal `text/event-stream` to the caller byte for byte, until either side ends it. Problems before
 * the stream starts (404, 503…) are thrown, so the problem filter answers them like any other route.
 */
export async function pipeEventStream(client: ServiceHttpClient, path: string, res: Response): Promise<void> {
  const caller = new AbortController();
  const callerLeft = () => caller.abort();
  // The response's close, not the request's: a GET's request closes as soon as it has been read.
  res.on('close', callerLeft);
  try {
    const upstream = await client.stream({ method: 'GET', path }, caller.signal);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // Proxies (nginx) must not buffer the stream, or progress arrives all at once at the end.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    try {
      for await (const chunk of upstream.chunks()) res.write(chunk);
    } catch {
      // The caller left or the orchestrator went away mid-stream: nothing to answer, just end.
    }
    res.end();
  } finally {
    res.off('close', callerLeft);
  }
}
