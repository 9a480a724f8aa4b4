/**
 * A sliding-window counter per key (an IP address, a QR code), kept in this process's memory: enough for
 * the public form of a county office on one server. A restart forgets the counts, which only errs towards
 * letting a citizen through. Each refused attempt is not counted, so a blocked sender is let in again once
 * its earlier attempts leave the window.
 */
export class RateLimiter {
  private hits = new Map<string, number[]>();

  /**
   * Counts an attempt for every key when all are under their limit and returns null; otherwise counts
   * nothing and returns the seconds until the first key that is full lets one more in.
   */
  take(keys: { key: string; limit: number }[], windowMs: number, now = Date.now()): number | null {
    let wait = 0;
    for (const { key, limit } of keys) {
      const recent = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
      this.hits.set(key, recent);
      if (recent.length >= limit) wait = Math.max(wait, recent[recent.length - limit] + windowMs - now);
    }
    if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
    for (const { key } of keys) this.hits.get(key)!.push(now);
    this.prune(now, windowMs);
    return null;
  }

  /** Forgets every count (administrators after a false alarm; tests). */
  reset() {
    this.hits.clear();
  }

  private prune(now: number, windowMs: number) {
    if (this.hits.size < 10000) return;
    for (const [key, times] of this.hits) if (!times.some((t) => t > now - windowMs)) this.hits.delete(key);
  }
}
