-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "agentIdentity" TEXT,
ADD COLUMN     "agentRoom" TEXT,
ADD COLUMN     "agentTokenSealed" TEXT,
ADD COLUMN     "agentUrl" TEXT;

