-- CreateEnum
CREATE TYPE "BookingKind" AS ENUM ('private', 'broadcast');

-- CreateEnum
CREATE TYPE "BookingTalk" AS ENUM ('owner', 'invited', 'everyone');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('scheduled', 'cancelled');

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "bookingId" TEXT;

-- CreateTable
CREATE TABLE "Booking" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "avatarId" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "kind" "BookingKind" NOT NULL,
    "talk" "BookingTalk" NOT NULL DEFAULT 'owner',
    "maxViewers" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'scheduled',
    "joinKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Booking_joinKey_key" ON "Booking"("joinKey");

-- CreateIndex
CREATE INDEX "Booking_userId_startsAt_idx" ON "Booking"("userId", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_status_startsAt_endsAt_idx" ON "Booking"("status", "startsAt", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Session_bookingId_key" ON "Session"("bookingId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_avatarId_fkey" FOREIGN KEY ("avatarId") REFERENCES "Avatar"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A slot ends after it starts (the API checks too; this guards every other writer).
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_slot_check" CHECK ("endsAt" > "startsAt");
