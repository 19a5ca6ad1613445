-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "ModelVersion" (
    "version" SERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trainingStartedAt" TIMESTAMP(3) NOT NULL,
    "trainingFinishedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "rejectReason" TEXT,
    "jobId" INTEGER,
    "topology" JSONB NOT NULL,
    "weightSpecs" JSONB NOT NULL,
    "weights" BYTEA,
    "vocabulary" JSONB NOT NULL,
    "casing" JSONB NOT NULL,
    "hyperParams" JSONB NOT NULL,
    "corpusSha256" TEXT NOT NULL,
    "corpusIds" BYTEA NOT NULL,
    "corpusDocuments" INTEGER NOT NULL,
    "gloveSource" TEXT NOT NULL,
    "gloveCoverage" DOUBLE PRECISION NOT NULL,
    "backend" TEXT NOT NULL,
    "epochs" JSONB NOT NULL,
    "loss" DOUBLE PRECISION NOT NULL,
    "valLoss" DOUBLE PRECISION NOT NULL,
    "valAcc" DOUBLE PRECISION NOT NULL,
    "evaluation" JSONB,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "Promotion" (
    "id" SERIAL NOT NULL,
    "version" INTEGER NOT NULL,
    "promotedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "rolledBackAt" TIMESTAMP(3),

    CONSTRAINT "Promotion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingJob" (
    "id" SERIAL NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "requestedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "epochs" INTEGER,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "runner" TEXT,
    "backend" TEXT,
    "epochsDone" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER,
    "error" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TrainingJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobEpoch" (
    "jobId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "loss" DOUBLE PRECISION NOT NULL,
    "acc" DOUBLE PRECISION NOT NULL,
    "valLoss" DOUBLE PRECISION NOT NULL,
    "valAcc" DOUBLE PRECISION NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobEpoch_pkey" PRIMARY KEY ("jobId","epoch")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "jobId" INTEGER,
    "acquiredAt" TIMESTAMP(3) NOT NULL,
    "renewedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Prophecy" (
    "id" SERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "text" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "temperature" DOUBLE PRECISION NOT NULL,
    "about" TEXT,
    "seed" INTEGER,
    "modelVersion" INTEGER NOT NULL,
    "longestCopied" INTEGER NOT NULL,
    "redraws" INTEGER NOT NULL DEFAULT 0,
    "surface" TEXT NOT NULL,
    "requestedBy" TEXT,
    "messageRef" TEXT,

    CONSTRAINT "Prophecy_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_version_fkey" FOREIGN KEY ("version") REFERENCES "ModelVersion"("version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobEpoch" ADD CONSTRAINT "JobEpoch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TrainingJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prophecy" ADD CONSTRAINT "Prophecy_modelVersion_fkey" FOREIGN KEY ("modelVersion") REFERENCES "ModelVersion"("version") ON DELETE RESTRICT ON UPDATE CASCADE;

