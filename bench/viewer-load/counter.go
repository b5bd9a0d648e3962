package main

import (
	"time"

	"github.com/pion/rtp"
)

// seqWindow is how many recent sequence numbers are remembered to tell a late or
// retransmitted packet from a duplicate.
const seqWindow = 4096

// StreamCounter counts what one subscriber receives of one video track without decoding
// it: frames (a frame is the set of packets that share an RTP timestamp; it is counted when
// its first packet arrives, and a newer timestamp starts the next one), frames whose last
// packet (marker bit) arrived, packets, packets lost after retransmission (from sequence
// numbers), and freezes (a gap longer than the freeze threshold between two frames).
type StreamCounter struct {
	freezeAfter time.Duration

	haveFrame   bool
	lastTS      uint32
	lastFrameAt time.Time

	Frames  uint64
	Markers uint64
	Packets uint64
	// Freezes counts gaps between two frames longer than freezeAfter.
	Freezes uint64
	// MaxGap is the longest gap between two frames since the last TakeMaxGap.
	MaxGap time.Duration

	haveSeq    bool
	baseSeq    uint64 // extended sequence number of the first packet
	highestSeq uint64 // highest extended sequence number seen
	received   uint64 // distinct sequence numbers received
	seen       [seqWindow / 64]uint64
}

// NewStreamCounter returns a counter that calls a gap longer than freezeAfter a freeze.
func NewStreamCounter(freezeAfter time.Duration) *StreamCounter {
	return &StreamCounter{freezeAfter: freezeAfter}
}

// Packet records one RTP packet received at `now`; payloadLen is the payload's length
// without padding (0 for padding-only packets, which LiveKit sends to probe bandwidth).
func (c *StreamCounter) Packet(h *rtp.Header, payloadLen int, now time.Time) {
	c.Packets++
	c.sequence(h.SequenceNumber)
	if payloadLen == 0 {
		return
	}
	// A newer timestamp (in RTP's wrapping arithmetic) starts a frame; an older one is a
	// late or retransmitted packet of a frame already counted.
	if !c.haveFrame || int32(h.Timestamp-c.lastTS) > 0 {
		if c.haveFrame {
			gap := now.Sub(c.lastFrameAt)
			if gap > c.MaxGap {
				c.MaxGap = gap
			}
			if gap > c.freezeAfter {
				c.Freezes++
			}
		}
		c.haveFrame = true
		c.lastTS = h.Timestamp
		c.lastFrameAt = now
		c.Frames++
	}
	if h.Marker && h.Timestamp == c.lastTS {
		c.Markers++
	}
}

// SinceLastFrame is the time since the last frame started (0 before the first frame).
func (c *StreamCounter) SinceLastFrame(now time.Time) time.Duration {
	if !c.haveFrame {
		return 0
	}
	return now.Sub(c.lastFrameAt)
}

// TakeMaxGap returns the longest gap between frames since the last call, counting a gap
// still open now, and starts a new interval.
func (c *StreamCounter) TakeMaxGap(now time.Time) time.Duration {
	gap := c.MaxGap
	if open := c.SinceLastFrame(now); open > gap {
		gap = open
	}
	c.MaxGap = 0
	return gap
}

// Lost is the number of packets never received (sequence numbers skipped and not filled in
// later by a retransmission).
func (c *StreamCounter) Lost() uint64 {
	if !c.haveSeq {
		return 0
	}
	expected := c.highestSeq - c.baseSeq + 1
	if c.received >= expected {
		return 0
	}
	return expected - c.received
}

func (c *StreamCounter) sequence(seq uint16) {
	if !c.haveSeq {
		c.haveSeq = true
		// Start high enough that packets a little older than the first one fit.
		ext := uint64(1<<32) + uint64(seq)
		c.baseSeq, c.highestSeq = ext, ext
		c.received = 1
		c.mark(ext)
		return
	}
	// Extend to 64 bits around the highest sequence number seen so far.
	delta := int16(seq - uint16(c.highestSeq))
	ext := uint64(int64(c.highestSeq) + int64(delta))
	switch {
	case ext > c.highestSeq:
		for s := c.highestSeq + 1; s < ext && s-c.highestSeq <= seqWindow; s++ {
			c.unmark(s)
		}
		c.highestSeq = ext
		c.mark(ext)
		c.received++
	case c.highestSeq-ext < seqWindow && ext >= c.baseSeq && !c.marked(ext):
		c.mark(ext)
		c.received++
	}
}

func (c *StreamCounter) mark(ext uint64)   { c.seen[(ext%seqWindow)/64] |= 1 << (ext % 64) }
func (c *StreamCounter) unmark(ext uint64) { c.seen[(ext%seqWindow)/64] &^= 1 << (ext % 64) }
func (c *StreamCounter) marked(ext uint64) bool {
	return c.seen[(ext%seqWindow)/64]&(1<<(ext%64)) != 0
}
