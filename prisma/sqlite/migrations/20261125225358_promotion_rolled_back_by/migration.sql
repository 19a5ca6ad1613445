-- AlterTable
ALTER TABLE "Promotion" ADD COLUMN "rolledBackBy" TEXT;

