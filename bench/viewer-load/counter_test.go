package main

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// feed sends the packets of `frames` frames of `packetsPerFrame` packets each, 40 ms apart
// (25 fps, 90 kHz clock), starting at the given sequence number and timestamp.
func feed(c *StreamCounter, start time.Time, frames, packetsPerFrame int, seq uint16, ts uint32) (time.Time, uint16, uint32) {
	now := start
	for f := 0; f < frames; f++ {
		for p := 0; p < packetsPerFrame; p++ {
			h := rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: p == packetsPerFrame-1}
			c.Packet(&h, 1000, now)
			seq++
		}
		ts += 3600
		now = now.Add(40 * time.Millisecond)
	}
	return now, seq, ts
}

func TestCountsFramesByTimestampAndMarker(t *testing.T) {
	c := NewStreamCounter(200 * time.Millisecond)
	feed(c, time.Unix(0, 0), 25, 3, 100, 1000)
	if c.Frames != 25 || c.Markers != 25 || c.Packets != 75 {
		t.Fatalf("frames %d markers %d packets %d, want 25 25 75", c.Frames, c.Markers, c.Packets)
	}
	if c.Lost() != 0 || c.Freezes != 0 {
		t.Fatalf("lost %d freezes %d, want 0 0", c.Lost(), c.Freezes)
	}
}

func TestWrapsSequenceNumbersAndTimestamps(t *testing.T) {
	c := NewStreamCounter(200 * time.Millisecond)
	feed(c, time.Unix(0, 0), 50, 2, 65500, 4294967295-3600*10)
	if c.Frames != 50 || c.Lost() != 0 {
		t.Fatalf("frames %d lost %d, want 50 0", c.Frames, c.Lost())
	}
}

func TestLostPacketsAndRetransmission(t *testing.T) {
	c := NewStreamCounter(200 * time.Millisecond)
	now := time.Unix(0, 0)
	send := func(seq uint16, ts uint32, marker bool) {
		c.Packet(&rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}, 1000, now)
		now = now.Add(10 * time.Millisecond)
	}
	send(10, 0, false)
	send(11, 0, true)
	// 12 and 13 (the whole second frame) are lost; the third frame arrives.
	send(14, 7200, false)
	send(15, 7200, true)
	if c.Lost() != 2 || c.Frames != 2 {
		t.Fatalf("lost %d frames %d, want 2 2", c.Lost(), c.Frames)
	}
	// A retransmission of 12 fills one hole; its old timestamp is no new frame.
	send(12, 3600, false)
	send(12, 3600, false) // a duplicate counts once
	if c.Lost() != 1 || c.Frames != 2 {
		t.Fatalf("after retransmission: lost %d frames %d, want 1 2", c.Lost(), c.Frames)
	}
}

func TestPaddingIsNoFrame(t *testing.T) {
	c := NewStreamCounter(200 * time.Millisecond)
	now := time.Unix(0, 0)
	c.Packet(&rtp.Header{SequenceNumber: 1, Timestamp: 0, Marker: true}, 1000, now)
	// Bandwidth probes: padding only, sometimes with a newer timestamp.
	c.Packet(&rtp.Header{SequenceNumber: 2, Timestamp: 3600, Padding: true}, 0, now)
	c.Packet(&rtp.Header{SequenceNumber: 3, Timestamp: 3600, Padding: true}, 0, now)
	if c.Frames != 1 || c.Packets != 3 || c.Lost() != 0 {
		t.Fatalf("frames %d packets %d lost %d, want 1 3 0", c.Frames, c.Packets, c.Lost())
	}
}

func TestFreezes(t *testing.T) {
	c := NewStreamCounter(200 * time.Millisecond)
	now, seq, ts := feed(c, time.Unix(0, 0), 10, 1, 0, 0)
	// 300 ms without a frame, then frames again: one freeze, a 340 ms gap (the 40 ms frame
	// interval plus the pause).
	now, _, _ = feed(c, now.Add(300*time.Millisecond), 10, 1, seq, ts)
	if c.Freezes != 1 {
		t.Fatalf("freezes %d, want 1", c.Freezes)
	}
	gap := c.TakeMaxGap(now.Add(-40 * time.Millisecond))
	if gap != 340*time.Millisecond {
		t.Fatalf("max gap %v, want 340ms", gap)
	}
	// The next interval starts afresh; a gap still open counts.
	if gap := c.TakeMaxGap(now.Add(460 * time.Millisecond)); gap != 500*time.Millisecond {
		t.Fatalf("open gap %v, want 500ms", gap)
	}
}
