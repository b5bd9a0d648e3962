-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];


-- Existing keys keep the power they had (decision 023): every scope their owner could use,
-- `admin` only for admins' keys (a key of a user promoted later gains no admin power).
UPDATE "ApiKey" SET "scopes" = CASE
  WHEN (SELECT "isAdmin" FROM "User" WHERE "User"."id" = "ApiKey"."userId")
    THEN ARRAY['read', 'sessions', 'avatars', 'admin']::TEXT[]
  ELSE ARRAY['read', 'sessions', 'avatars']::TEXT[]
END;
