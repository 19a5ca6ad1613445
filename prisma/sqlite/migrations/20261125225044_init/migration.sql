-- CreateTable
CREATE TABLE "ModelVersion" (
    "version" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trainingStartedAt" DATETIME NOT NULL,
    "trainingFinishedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "rejectReason" TEXT,
    "jobId" INTEGER,
    "topology" JSONB NOT NULL,
    "weightSpecs" JSONB NOT NULL,
    "weights" BLOB,
    "vocabulary" JSONB NOT NULL,
    "casing" JSONB NOT NULL,
    "hyperParams" JSONB NOT NULL,
    "corpusSha256" TEXT NOT NULL,
    "corpusIds" BLOB NOT NULL,
    "corpusDocuments" INTEGER NOT NULL,
    "gloveSource" TEXT NOT NULL,
    "gloveCoverage" REAL NOT NULL,
    "backend" TEXT NOT NULL,
    "epochs" JSONB NOT NULL,
    "loss" REAL NOT NULL,
    "valLoss" REAL NOT NULL,
    "valAcc" REAL NOT NULL,
    "evaluation" JSONB
);

-- CreateTable
CREATE TABLE "Promotion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" INTEGER NOT NULL,
    "promotedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "rolledBackAt" DATETIME,
    CONSTRAINT "Promotion_version_fkey" FOREIGN KEY ("version") REFERENCES "ModelVersion" ("version") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrainingJob" (
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
    "attempts" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "JobEpoch" (
    "jobId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "loss" REAL NOT NULL,
    "acc" REAL NOT NULL,
    "valLoss" REAL NOT NULL,
    "valAcc" REAL NOT NULL,
    "seconds" REAL NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("jobId", "epoch"),
    CONSTRAINT "JobEpoch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "jobId" INTEGER,
    "acquiredAt" DATETIME NOT NULL,
    "renewedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Prophecy" (
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
    "messageRef" TEXT,
    CONSTRAINT "Prophecy_modelVersion_fkey" FOREIGN KEY ("modelVersion") REFERENCES "ModelVersion" ("version") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ModelVersion_createdAt_idx" ON "ModelVersion"("createdAt");

-- CreateIndex
CREATE INDEX "Promotion_version_idx" ON "Promotion"("version");

-- CreateIndex
CREATE INDEX "TrainingJob_state_queuedAt_idx" ON "TrainingJob"("state", "queuedAt");

-- CreateIndex
CREATE INDEX "Prophecy_createdAt_idx" ON "Prophecy"("createdAt");

-- CreateIndex
CREATE INDEX "Prophecy_modelVersion_idx" ON "Prophecy"("modelVersion");

