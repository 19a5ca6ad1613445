-- CreateTable
CREATE TABLE "Reaction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "prophecyId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "present" BOOLEAN NOT NULL,
    "eventAt" DATETIME NOT NULL,
    "channel" TEXT,
    "messageRef" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Reaction_prophecyId_fkey" FOREIGN KEY ("prophecyId") REFERENCES "Prophecy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    "surface" TEXT NOT NULL DEFAULT 'cli',
    "channel" TEXT,
    "announcedAt" DATETIME
);
INSERT INTO "new_TrainingJob" ("attempts", "backend", "cancelRequested", "epochs", "epochsDone", "error", "finishedAt", "heartbeatAt", "id", "queuedAt", "reason", "requestedBy", "runner", "startedAt", "state", "version") SELECT "attempts", "backend", "cancelRequested", "epochs", "epochsDone", "error", "finishedAt", "heartbeatAt", "id", "queuedAt", "reason", "requestedBy", "runner", "startedAt", "state", "version" FROM "TrainingJob";
DROP TABLE "TrainingJob";
ALTER TABLE "new_TrainingJob" RENAME TO "TrainingJob";
CREATE INDEX "TrainingJob_state_queuedAt_idx" ON "TrainingJob"("state", "queuedAt");
CREATE INDEX "TrainingJob_surface_announcedAt_idx" ON "TrainingJob"("surface", "announcedAt");
CREATE TABLE "new_Prophecy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "text" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "temperature" REAL NOT NULL,
    "about" TEXT,
    "seed" INTEGER,
    "modelVersion" INTEGER NOT NULL,
    "longestCopied" INTEGER NOT NULL,
    "redraws" INTEGER NOT NULL DEFAULT 0,
    "surface" TEXT NOT NULL,
    "requestedBy" TEXT,
    "channel" TEXT,
    "messageRef" TEXT,
    "reactionCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Prophecy_modelVersion_fkey" FOREIGN KEY ("modelVersion") REFERENCES "ModelVersion" ("version") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Prophecy" ("about", "createdAt", "id", "lines", "longestCopied", "messageRef", "modelVersion", "redraws", "requestedBy", "seed", "surface", "temperature", "text") SELECT "about", "createdAt", "id", "lines", "longestCopied", "messageRef", "modelVersion", "redraws", "requestedBy", "seed", "surface", "temperature", "text" FROM "Prophecy";
DROP TABLE "Prophecy";
ALTER TABLE "new_Prophecy" RENAME TO "Prophecy";
CREATE INDEX "Prophecy_createdAt_idx" ON "Prophecy"("createdAt");
CREATE INDEX "Prophecy_modelVersion_idx" ON "Prophecy"("modelVersion");
CREATE INDEX "Prophecy_reactionCount_id_idx" ON "Prophecy"("reactionCount", "id");
CREATE INDEX "Prophecy_surface_messageRef_idx" ON "Prophecy"("surface", "messageRef");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Reaction_prophecyId_present_idx" ON "Reaction"("prophecyId", "present");

-- CreateIndex
CREATE UNIQUE INDEX "Reaction_prophecyId_platform_userId_emoji_key" ON "Reaction"("prophecyId", "platform", "userId", "emoji");

