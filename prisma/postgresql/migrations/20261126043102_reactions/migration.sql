-- AlterTable
ALTER TABLE "TrainingJob" ADD COLUMN     "announcedAt" TIMESTAMP(3),
ADD COLUMN     "channel" TEXT,
ADD COLUMN     "surface" TEXT NOT NULL DEFAULT 'cli';

-- AlterTable
ALTER TABLE "Prophecy" ADD COLUMN     "channel" TEXT,
ADD COLUMN     "reactionCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Reaction" (
    "id" SERIAL NOT NULL,
    "prophecyId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "present" BOOLEAN NOT NULL,
    "eventAt" TIMESTAMP(3) NOT NULL,
    "channel" TEXT,
    "messageRef" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Reaction_prophecyId_present_idx" ON "Reaction"("prophecyId", "present");

-- CreateIndex
CREATE UNIQUE INDEX "Reaction_prophecyId_platform_userId_emoji_key" ON "Reaction"("prophecyId", "platform", "userId", "emoji");

-- CreateIndex
CREATE INDEX "TrainingJob_surface_announcedAt_idx" ON "TrainingJob"("surface", "announcedAt");

-- CreateIndex
CREATE INDEX "Prophecy_reactionCount_id_idx" ON "Prophecy"("reactionCount", "id");

-- CreateIndex
CREATE INDEX "Prophecy_surface_messageRef_idx" ON "Prophecy"("surface", "messageRef");

-- AddForeignKey
ALTER TABLE "Reaction" ADD CONSTRAINT "Reaction_prophecyId_fkey" FOREIGN KEY ("prophecyId") REFERENCES "Prophecy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

