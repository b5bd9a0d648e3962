-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "embedId" TEXT,
ADD COLUMN     "endsBy" TIMESTAMP(3),
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'app';

-- CreateTable
CREATE TABLE "AvatarEmbed" (
    "id" TEXT NOT NULL,
    "avatarId" TEXT NOT NULL,
    "embedKey" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "allowedOrigins" TEXT[],
    "greeting" TEXT NOT NULL DEFAULT '',
    "mode" TEXT NOT NULL DEFAULT 'echo',
    "theme" TEXT NOT NULL DEFAULT 'light',
    "accent" TEXT NOT NULL DEFAULT '#4f46e5',
    "position" TEXT NOT NULL DEFAULT 'bottom-right',
    "launcherLabel" TEXT NOT NULL DEFAULT 'Talk to us',
    "microphone" BOOLEAN NOT NULL DEFAULT true,
    "allowSay" BOOLEAN NOT NULL DEFAULT false,
    "maxSessions" INTEGER NOT NULL DEFAULT 3,
    "maxMinutes" INTEGER NOT NULL DEFAULT 10,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AvatarEmbed_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AvatarEmbed_avatarId_key" ON "AvatarEmbed"("avatarId");

-- CreateIndex
CREATE UNIQUE INDEX "AvatarEmbed_embedKey_key" ON "AvatarEmbed"("embedKey");

-- CreateIndex
CREATE INDEX "Session_embedId_status_idx" ON "Session"("embedId", "status");

-- AddForeignKey
ALTER TABLE "AvatarEmbed" ADD CONSTRAINT "AvatarEmbed_avatarId_fkey" FOREIGN KEY ("avatarId") REFERENCES "Avatar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_embedId_fkey" FOREIGN KEY ("embedId") REFERENCES "AvatarEmbed"("id") ON DELETE SET NULL ON UPDATE CASCADE;

