-- CreateTable
CREATE TABLE "SeenRequest" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ChatCommand" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "surface" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "channel" TEXT,
    "request" JSONB NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "owner" TEXT NOT NULL,
    "prophecyId" INTEGER,
    "doneAt" DATETIME,
    "outcome" TEXT
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Reaction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "prophecyId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "present" BOOLEAN NOT NULL,
    "eventAt" DATETIME NOT NULL,
    "eventOrder" BIGINT NOT NULL DEFAULT 0,
    "channel" TEXT,
    "messageRef" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Reaction_prophecyId_fkey" FOREIGN KEY ("prophecyId") REFERENCES "Prophecy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Reaction" ("channel", "createdAt", "emoji", "eventAt", "id", "messageRef", "platform", "present", "prophecyId", "userId") SELECT "channel", "createdAt", "emoji", "eventAt", "id", "messageRef", "platform", "present", "prophecyId", "userId" FROM "Reaction";
DROP TABLE "Reaction";
ALTER TABLE "new_Reaction" RENAME TO "Reaction";
CREATE INDEX "Reaction_prophecyId_present_idx" ON "Reaction"("prophecyId", "present");
CREATE UNIQUE INDEX "Reaction_prophecyId_platform_userId_emoji_key" ON "Reaction"("prophecyId", "platform", "userId", "emoji");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SeenRequest_expiresAt_idx" ON "SeenRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "ChatCommand_doneAt_surface_receivedAt_idx" ON "ChatCommand"("doneAt", "surface", "receivedAt");


-- Existing reactions: their order is their time, in microseconds (hand-written). The driver adapter
-- stores ISO text; the classic engine stored unix milliseconds.
UPDATE "Reaction" SET "eventOrder" = CASE
  WHEN typeof("eventAt") = 'integer' THEN "eventAt" * 1000
  ELSE CAST(ROUND((julianday("eventAt") - 2440587.5) * 86400000.0) AS INTEGER) * 1000
END;
