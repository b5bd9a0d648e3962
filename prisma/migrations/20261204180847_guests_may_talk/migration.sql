-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "guestsMayTalk" BOOLEAN NOT NULL DEFAULT false;

