-- AlterTable
ALTER TABLE "Promotion" ADD COLUMN     "forced" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "TrainingJob" ADD COLUMN     "allowCorpusChange" BOOLEAN NOT NULL DEFAULT false;

