/**
 * What the host remembers for recordings of the timeline: the source of each snippet version it
 * loaded, and the request each lane's client made. The page has the events; these it cannot know
 * by itself (a version loaded because the file changed on disk, a lane opened by another page).
 */

import type { ClientRequest, LaneRequest, RecordingSources, VersionSource } from "../contract/index.ts";

export interface RecordingLedgerOptions {
  /** Versions whose sources are kept at most; the oldest go first. */
  maxVersions?: number | undefined;
  /** Characters of source kept at most, over every version. */
  maxSourceChars?: number | undefined;
}

/** What a recording needs beyond its events: the sources of the versions and the lanes' requests. */
export interface RecordingLedger {
  /** A version was handed to the runner (loaded or not: a load error is on the timeline too). */
  noteVersion(version: number, source: string, path: string | undefined): void;
  /** Lane `lane`'s client was made by `request`. */
  noteLane(lane: number, request: ClientRequest): void;
  /** The timeline was cleared: its lanes are numbered from 1 again. */
  clearLanes(): void;
  /** The sources of `wanted` (those still kept) and every lane's request. */
  sources(wanted: readonly number[]): RecordingSources;
}

export function createRecordingLedger(options: RecordingLedgerOptions = {}): RecordingLedger {
  const maxVersions = options.maxVersions ?? 200;
  const maxSourceChars = options.maxSourceChars ?? 32 * 1024 * 1024;
  /** By version, oldest first (a Map keeps insertion order). */
  const versions = new Map<number, VersionSource>();
  let sourceChars = 0;
  const lanes = new Map<number, ClientRequest>();

  return {
    noteVersion(version: number, source: string, path: string | undefined): void {
      const earlier = versions.get(version);
      if (earlier) sourceChars -= earlier.source.length;
      versions.delete(version);
      versions.set(version, path === undefined ? { version, source } : { version, source, path });
      sourceChars += source.length;
      for (const [oldest, kept] of versions) {
        if (versions.size <= maxVersions && sourceChars <= maxSourceChars) break;
        if (oldest === version) break;
        versions.delete(oldest);
        sourceChars -= kept.source.length;
      }
    },
    noteLane(lane: number, request: ClientRequest): void {
      lanes.set(lane, request);
    },
    clearLanes(): void {
      lanes.clear();
    },
    sources(wanted: readonly number[]): RecordingSources {
      const found = wanted.flatMap((version) => versions.get(version) ?? []);
      const laneRequests: LaneRequest[] = [...lanes]
        .sort(([a], [b]) => a - b)
        .map(([lane, request]) => ({ lane, request }));
      return { versions: found.sort((a, b) => a.version - b.version), lanes: laneRequests };
    },
  };
}
