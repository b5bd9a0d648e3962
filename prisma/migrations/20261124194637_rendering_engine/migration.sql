-- AlterTable
ALTER TABLE "Avatar" ADD COLUMN     "frameCount" INTEGER,
ADD COLUMN     "framing" TEXT NOT NULL DEFAULT 'square-512',
ADD COLUMN     "lipSyncConfig" JSONB,
ADD COLUMN     "lipSyncModel" TEXT,
ADD COLUMN     "progress" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "sourceKind" TEXT NOT NULL DEFAULT 'image',
ADD COLUMN     "stage" TEXT,
ADD COLUMN     "storeDir" TEXT,
ADD COLUMN     "ttsApiKeySealed" TEXT,
ADD COLUMN     "ttsConfig" JSONB,
ADD COLUMN     "ttsProvider" TEXT NOT NULL DEFAULT 'flite';

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "notice" TEXT,
ADD COLUMN     "renderer" TEXT;

