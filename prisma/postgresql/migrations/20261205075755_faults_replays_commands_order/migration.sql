-- AlterTable
ALTER TABLE "Reaction" ADD COLUMN     "eventOrder" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "SeenRequest" (
    "key" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SeenRequest_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ChatCommand" (
    "id" SERIAL NOT NULL,
    "surface" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "channel" TEXT,
    "request" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "owner" TEXT NOT NULL,
    "prophecyId" INTEGER,
    "doneAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "ChatCommand_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SeenRequest_expiresAt_idx" ON "SeenRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "ChatCommand_doneAt_surface_receivedAt_idx" ON "ChatCommand"("doneAt", "surface", "receivedAt");


-- Existing reactions: their order is their time, in microseconds (hand-written).
UPDATE "Reaction" SET "eventOrder" = (extract(epoch FROM "eventAt") * 1000000)::bigint;
