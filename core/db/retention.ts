// Retention lives beside the registry so every place that saves a version (the trainer service,
// `oracle train`) applies it, without core code importing the trainer service.
import type { Db } from "./client.ts";
import { currentModelVersion, dropWeights, everCurrentVersions, listModelVersions } from "./model-versions.ts";

/**
 * Which versions lose their weights: all but the newest `keep`, except any version that is or
 * ever was current. Pure, so the rule is tested on its own.
 */
export function versionsToDrop(
  versions: readonly { version: number; hasWeights: boolean }[],
  protectedVersions: ReadonlySet<number>,
  keep: number,
): number[] {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return newestFirst
    .slice(keep)
    .filter((v) => v.hasWeights && !protectedVersions.has(v.version))
    .map((v) => v.version)
    .sort((a, b) => a - b);
}

/** Drops the weights retention no longer keeps; returns the versions it dropped. */
export async function applyRetention(db: Db, keepVersions: number): Promise<number[]> {
  const [versions, everCurrent, current] = await Promise.all([
    listModelVersions(db),
    everCurrentVersions(db),
    currentModelVersion(db),
  ]);
  const protectedVersions = new Set(everCurrent);
  if (current) protectedVersions.add(current.version);
  return dropWeights(db, versionsToDrop(versions, protectedVersions, keepVersions));
}
