-- AlterTable
ALTER TABLE "Avatar" ADD COLUMN     "conversationConfig" JSONB,
ADD COLUMN     "conversationMode" TEXT NOT NULL DEFAULT 'echo',
ADD COLUMN     "llmApiKeySealed" TEXT,
ADD COLUMN     "transcriptionApiKeySealed" TEXT,
ADD COLUMN     "transcriptionConfig" JSONB;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "state" TEXT NOT NULL DEFAULT 'idle';

-- CreateTable
CREATE TABLE "SessionEvent" (
    "id" SERIAL NOT NULL,
    "sessionId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SessionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TranscriptTurn" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "speaker" TEXT,
    "text" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "interrupted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "TranscriptTurn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SessionEvent_eventKey_key" ON "SessionEvent"("eventKey");

-- CreateIndex
CREATE INDEX "SessionEvent_sessionId_id_idx" ON "SessionEvent"("sessionId", "id");

-- CreateIndex
CREATE INDEX "TranscriptTurn_sessionId_startedAt_idx" ON "TranscriptTurn"("sessionId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TranscriptTurn_sessionId_turnId_key" ON "TranscriptTurn"("sessionId", "turnId");

-- AddForeignKey
ALTER TABLE "SessionEvent" ADD CONSTRAINT "SessionEvent_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TranscriptTurn" ADD CONSTRAINT "TranscriptTurn_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

