-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "goodbye" TEXT NOT NULL DEFAULT 'Our time is almost up. Thank you for joining!',
ADD COLUMN     "warnedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

