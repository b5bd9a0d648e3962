-- CreateEnum
CREATE TYPE "WorkerHostState" AS ENUM ('available', 'full', 'draining', 'lost');

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "dispatchedAt" TIMESTAMP(3),
ADD COLUMN     "fps" DOUBLE PRECISION,
ADD COLUMN     "restarts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "workerHostId" TEXT;

-- CreateTable
CREATE TABLE "WorkerHost" (
    "id" TEXT NOT NULL,
    "agentWorkerId" TEXT,
    "metricsUrl" TEXT,
    "state" "WorkerHostState" NOT NULL,
    "capacity" INTEGER NOT NULL,
    "active" INTEGER NOT NULL,
    "prewarmed" INTEGER NOT NULL,
    "load" DOUBLE PRECISION NOT NULL,
    "cpuPercent" DOUBLE PRECISION NOT NULL,
    "cores" INTEGER NOT NULL,
    "rssMb" DOUBLE PRECISION NOT NULL,
    "pssMb" DOUBLE PRECISION NOT NULL,
    "restarts" INTEGER NOT NULL,
    "lastReport" JSONB NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkerHost_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_status_idx" ON "Session"("status");

