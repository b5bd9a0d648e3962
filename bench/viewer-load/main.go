// Command viewer-load joins many LiveKit subscribers to one room from one process and counts
// what each receives of a publisher's video without decoding it (frames from RTP timestamps
// and marker bits, packets lost, freezes), so a benchmark measures the server and not the
// viewers' decoders. It is driven by the viewers benchmark (bench/viewers.ts).
//
// Standard input: one JSON object a line, {"url": "ws://…", "token": "…"}, each joining one
// more subscriber; end of input disconnects them all and exits.
// Standard output: JSON lines. Events ({"type":"joined"|"join_failed"|"subscribed"|
// "disconnected", "i": subscriber index, …}) and, every -report-ms, {"type":"stats",
// "unixMs", "subs": [{"i", "frames", "markers", "packets", "lost", "freezes", "maxGapMs",
// "audioPackets", "connected"}]} with counters since the start (maxGapMs: the longest gap
// between two frames since the previous report, one still open included).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

type joinRequest struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

type subscriber struct {
	index int

	mu           sync.Mutex
	video        *StreamCounter
	audioPackets uint64
	connected    bool
	room         *lksdk.Room
}

type subStats struct {
	I            int     `json:"i"`
	Frames       uint64  `json:"frames"`
	Markers      uint64  `json:"markers"`
	Packets      uint64  `json:"packets"`
	Lost         uint64  `json:"lost"`
	Freezes      uint64  `json:"freezes"`
	MaxGapMs     float64 `json:"maxGapMs"`
	AudioPackets uint64  `json:"audioPackets"`
	Connected    bool    `json:"connected"`
}

// output serialises JSON lines from many goroutines.
type output struct {
	mu  sync.Mutex
	enc *json.Encoder
	w   *bufio.Writer
}

func (o *output) emit(v any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_ = o.enc.Encode(v)
	_ = o.w.Flush()
}

func main() {
	publisher := flag.String("publisher", "avatar", "identity of the participant whose tracks are counted")
	freezeMs := flag.Int("freeze-ms", 200, "a gap between two frames longer than this is a freeze (ms)")
	reportMs := flag.Int("report-ms", 1000, "interval between stats lines (ms)")
	parallel := flag.Int("parallel-joins", 8, "subscribers joining at once")
	flag.Parse()

	// The SDK's and pion's own logs would interleave with the JSON lines: keep them off stdout.
	lksdk.SetLogger(logger.GetDiscardLogger())

	w := bufio.NewWriter(os.Stdout)
	out := &output{enc: json.NewEncoder(w), w: w}

	var (
		mu   sync.Mutex
		subs []*subscriber
		wg   sync.WaitGroup
	)
	slots := make(chan struct{}, *parallel)

	stop := make(chan struct{})
	reporterDone := make(chan struct{})
	go func() {
		defer close(reporterDone)
		ticker := time.NewTicker(time.Duration(*reportMs) * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-ticker.C:
				mu.Lock()
				list := append([]*subscriber(nil), subs...)
				mu.Unlock()
				stats := make([]subStats, 0, len(list))
				for _, s := range list {
					stats = append(stats, s.snapshot(now))
				}
				out.emit(map[string]any{"type": "stats", "unixMs": now.UnixMilli(), "subs": stats})
			}
		}
	}()

	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	for scanner.Scan() {
		var req joinRequest
		if err := json.Unmarshal(scanner.Bytes(), &req); err != nil || req.URL == "" || req.Token == "" {
			out.emit(map[string]any{"type": "bad_input", "error": fmt.Sprint(err)})
			continue
		}
		mu.Lock()
		s := &subscriber{index: len(subs), video: NewStreamCounter(time.Duration(*freezeMs) * time.Millisecond)}
		subs = append(subs, s)
		mu.Unlock()
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			s.join(req, *publisher, out)
		}()
	}
	wg.Wait()

	// End of input: leave, all at once, and say so.
	close(stop)
	<-reporterDone
	mu.Lock()
	list := append([]*subscriber(nil), subs...)
	mu.Unlock()
	var leaving sync.WaitGroup
	for _, s := range list {
		s.mu.Lock()
		room := s.room
		s.mu.Unlock()
		if room == nil {
			continue
		}
		leaving.Add(1)
		go func() {
			defer leaving.Done()
			room.Disconnect()
		}()
	}
	leaving.Wait()
	out.emit(map[string]any{"type": "done", "subscribers": len(list)})
}

func (s *subscriber) join(req joinRequest, publisher string, out *output) {
	startedAt := time.Now()
	callback := &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackSubscribed: func(track *webrtc.TrackRemote, _ *lksdk.RemoteTrackPublication, rp *lksdk.RemoteParticipant) {
				if rp.Identity() != publisher {
					return
				}
				out.emit(map[string]any{
					"type": "subscribed", "i": s.index, "kind": track.Kind().String(),
					"codec": track.Codec().MimeType, "ms": time.Since(startedAt).Milliseconds(),
				})
				go s.read(track)
			},
		},
		OnDisconnectedWithReason: func(reason lksdk.DisconnectionReason) {
			s.mu.Lock()
			s.connected = false
			s.mu.Unlock()
			out.emit(map[string]any{"type": "disconnected", "i": s.index, "reason": string(reason)})
		},
	}
	room, err := lksdk.ConnectToRoomWithToken(req.URL, req.Token, callback,
		lksdk.WithAutoSubscribe(true), lksdk.WithDisableRegionDiscovery())
	if err != nil {
		out.emit(map[string]any{"type": "join_failed", "i": s.index, "error": err.Error()})
		return
	}
	s.mu.Lock()
	s.room = room
	s.connected = true
	s.mu.Unlock()
	out.emit(map[string]any{"type": "joined", "i": s.index, "ms": time.Since(startedAt).Milliseconds()})
}

// read drains a track, parsing only RTP headers: video is counted by frames, audio by packets
// (a viewer receives both, so both load the server; neither is decoded).
func (s *subscriber) read(track *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	var header rtp.Header
	video := track.Kind() == webrtc.RTPCodecTypeVideo
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			return
		}
		if !video {
			s.mu.Lock()
			s.audioPackets++
			s.mu.Unlock()
			continue
		}
		headerLen, err := header.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		payloadLen := n - headerLen
		if header.Padding && n > 0 {
			payloadLen -= int(buf[n-1])
		}
		now := time.Now()
		s.mu.Lock()
		s.video.Packet(&header, payloadLen, now)
		s.mu.Unlock()
	}
}

func (s *subscriber) snapshot(now time.Time) subStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return subStats{
		I:            s.index,
		Frames:       s.video.Frames,
		Markers:      s.video.Markers,
		Packets:      s.video.Packets,
		Lost:         s.video.Lost(),
		Freezes:      s.video.Freezes,
		MaxGapMs:     float64(s.video.TakeMaxGap(now).Microseconds()) / 1000,
		AudioPackets: s.audioPackets,
		Connected:    s.connected,
	}
}
