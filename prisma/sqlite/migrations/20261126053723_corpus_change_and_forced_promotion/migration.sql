-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Promotion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" INTEGER NOT NULL,
    "promotedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "rolledBackAt" DATETIME,
    "rolledBackBy" TEXT,
    "forced" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Promotion_version_fkey" FOREIGN KEY ("version") REFERENCES "ModelVersion" ("version") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Promotion" ("id", "promotedAt", "promotedBy", "reason", "rolledBackAt", "rolledBackBy", "version") SELECT "id", "promotedAt", "promotedBy", "reason", "rolledBackAt", "rolledBackBy", "version" FROM "Promotion";
DROP TABLE "Promotion";
ALTER TABLE "new_Promotion" RENAME TO "Promotion";
CREATE INDEX "Promotion_version_idx" ON "Promotion"("version");
CREATE TABLE "new_TrainingJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "requestedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "epochs" INTEGER,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "heartbeatAt" DATETIME,
    "runner" TEXT,
    "backend" TEXT,
    "epochsDone" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER,
    "error" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "allowCorpusChange" BOOLEAN NOT NULL DEFAULT false,
    "surface" TEXT NOT NULL DEFAULT 'cli',
    "channel" TEXT,
    "announcedAt" DATETIME
);
INSERT INTO "new_TrainingJob" ("announcedAt", "attempts", "backend", "cancelRequested", "channel", "epochs", "epochsDone", "error", "finishedAt", "heartbeatAt", "id", "queuedAt", "reason", "requestedBy", "runner", "startedAt", "state", "surface", "version") SELECT "announcedAt", "attempts", "backend", "cancelRequested", "channel", "epochs", "epochsDone", "error", "finishedAt", "heartbeatAt", "id", "queuedAt", "reason", "requestedBy", "runner", "startedAt", "state", "surface", "version" FROM "TrainingJob";
DROP TABLE "TrainingJob";
ALTER TABLE "new_TrainingJob" RENAME TO "TrainingJob";
CREATE INDEX "TrainingJob_state_queuedAt_idx" ON "TrainingJob"("state", "queuedAt");
CREATE INDEX "TrainingJob_surface_announcedAt_idx" ON "TrainingJob"("surface", "announcedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

