// The Pion agent's media: local tracks play the run's VP8 (IVF), H.264 (Annex B) and Opus (Ogg)
// files at their real rate, looping, through Pion's own packetizers (TrackLocalStaticSample); remote
// tracks go through Pion's samplebuilder with its VP8, H.264 and Opus depacketizers, and the frames
// it gives are counted (Pion has no decoder).
package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v3"
	"github.com/pion/webrtc/v3/pkg/media"
	"github.com/pion/webrtc/v3/pkg/media/ivfreader"
	"github.com/pion/webrtc/v3/pkg/media/oggreader"
	"github.com/pion/webrtc/v3/pkg/media/samplebuilder"
)

type mediaFiles struct {
	Ivf  string `json:"ivf"`
	Ogg  string `json:"ogg"`
	H264 string `json:"h264"`
}

// h264Codec is H.264 as browsers negotiate it: packetization-mode 1, constrained baseline (42e01f),
// Pion's default payload type for it.
var h264Codec = webrtc.RTPCodecParameters{
	RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000, SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"},
	PayloadType:        125,
}

type received struct {
	kind, codec     string
	packets, frames int
}

var (
	mediaMu       sync.Mutex
	pendingMedia  []webrtc.TrackLocal
	preferH264    bool
	receivedMedia []*received
	mediaStop     = make(chan struct{})
)

// playFile writes the frames `next` reads to `track`, one every `frame`, reopening the file at its end.
func playFile(track *webrtc.TrackLocalStaticSample, frame time.Duration, open func() (func() ([]byte, error), io.Closer, error)) {
	ticker := time.NewTicker(frame)
	defer ticker.Stop()
	for {
		next, file, err := open()
		if err != nil {
			emit(map[string]interface{}{"event": "log", "text": "media: " + err.Error()})
			return
		}
		for {
			data, err := next()
			if err != nil {
				break
			}
			select {
			case <-mediaStop:
				file.Close()
				return
			case <-ticker.C:
			}
			if err := track.WriteSample(media.Sample{Data: data, Duration: frame}); err != nil && !errors.Is(err, io.ErrClosedPipe) {
				emit(map[string]interface{}{"event": "log", "text": "WriteSample: " + err.Error()})
			}
		}
		file.Close()
	}
}

func openIvf(path string) func() (func() ([]byte, error), io.Closer, error) {
	return func() (func() ([]byte, error), io.Closer, error) {
		file, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		reader, _, err := ivfreader.NewWith(file)
		if err != nil {
			file.Close()
			return nil, nil, err
		}
		return func() ([]byte, error) {
			frame, _, err := reader.ParseNextFrame()
			return frame, err
		}, file, nil
	}
}

func openOgg(path string) func() (func() ([]byte, error), io.Closer, error) {
	return func() (func() ([]byte, error), io.Closer, error) {
		file, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		reader, _, err := oggreader.NewWith(file)
		if err != nil {
			file.Close()
			return nil, nil, err
		}
		return func() ([]byte, error) {
			for {
				// One Opus packet a page (the run's files are made so); the OpusTags page is no audio.
				page, _, err := reader.ParseNextPage()
				if err != nil || !strings.HasPrefix(string(page), "OpusTags") {
					return page, err
				}
			}
		}, file, nil
	}
}

// openH264 reads an Annex B stream whose access units each start with an access unit delimiter
// (00 00 00 01 09, as ffmpeg's h264_metadata=aud=insert writes them) one access unit at a time.
func openH264(path string) func() (func() ([]byte, error), io.Closer, error) {
	return func() (func() ([]byte, error), io.Closer, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		aud := []byte{0, 0, 0, 1, 9}
		if !bytes.HasPrefix(data, aud) {
			return nil, nil, errors.New(path + " does not start with an access unit delimiter")
		}
		rest := data
		return func() ([]byte, error) {
			if len(rest) == 0 {
				return nil, io.EOF
			}
			end := bytes.Index(rest[len(aud):], aud)
			unit := rest
			if end >= 0 {
				unit = rest[:len(aud)+end]
			}
			rest = rest[len(unit):]
			return unit, nil
		}, io.NopCloser(nil), nil
	}
}

var stopOnce sync.Once

func stopMedia() { stopOnce.Do(func() { close(mediaStop) }) }

func addMedia(r request) (interface{}, error) {
	mediaMu.Lock()
	defer mediaMu.Unlock()
	if r.Audio {
		track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "pion")
		if err != nil {
			return nil, err
		}
		go playFile(track, 20*time.Millisecond, openOgg(r.Files.Ogg))
		pendingMedia = append(pendingMedia, track)
	}
	if r.Video != nil && *r.Video == "H264" {
		track, err := webrtc.NewTrackLocalStaticSample(h264Codec.RTPCodecCapability, "video", "pion")
		if err != nil {
			return nil, err
		}
		go playFile(track, time.Second/30, openH264(r.Files.H264))
		pendingMedia = append(pendingMedia, track)
		preferH264 = true
	} else if r.Video != nil {
		track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "pion")
		if err != nil {
			return nil, err
		}
		go playFile(track, time.Second/30, openIvf(r.Files.Ivf))
		pendingMedia = append(pendingMedia, track)
	}
	return map[string]string{}, nil
}

// addPendingMedia adds the tracks of addMedia: before the offer, or once the remote offer is set
// (`offering` false: the offer then says which codecs the answer may take).
func addPendingMedia(p *webrtc.PeerConnection, offering bool) error {
	mediaMu.Lock()
	tracks := pendingMedia
	pendingMedia = nil
	h264 := preferH264
	mediaMu.Unlock()
	for _, track := range tracks {
		sender, err := p.AddTrack(track)
		if err != nil {
			return err
		}
		// Offering: H.264 alone (with its RTX), as the other agents ask by setCodecPreferences. Not
		// when answering: preferences with Pion's payload types would put them in the answer in
		// place of the offer's (Pion does not map them), and the offer already holds the choice.
		if h264 && offering && track.Kind() == webrtc.RTPCodecTypeVideo {
			for _, t := range p.GetTransceivers() {
				if t.Sender() == sender {
					rtx := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "video/rtx", ClockRate: 90000, SDPFmtpLine: "apt=125"}, PayloadType: 107}
					if err := t.SetCodecPreferences([]webrtc.RTPCodecParameters{h264Codec, rtx}); err != nil {
						return err
					}
				}
			}
		}
		// RTCP must be read for the interceptors (NACK, reports) to work.
		go func() {
			buf := make([]byte, 1500)
			for {
				if _, _, err := sender.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	return nil
}

func onTrack(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	entry := &received{kind: track.Kind().String(), codec: track.Codec().MimeType}
	mediaMu.Lock()
	receivedMedia = append(receivedMedia, entry)
	mediaMu.Unlock()
	var depacketizer rtp.Depacketizer = &codecs.OpusPacket{}
	if strings.EqualFold(track.Codec().MimeType, webrtc.MimeTypeH264) {
		depacketizer = &codecs.H264Packet{}
	} else if track.Kind() == webrtc.RTPCodecTypeVideo {
		depacketizer = &codecs.VP8Packet{}
	}
	builder := samplebuilder.New(64, depacketizer, track.Codec().ClockRate)
	for {
		packet, _, err := track.ReadRTP()
		if err != nil {
			return
		}
		builder.Push(packet)
		frames := 0
		for sample := builder.Pop(); sample != nil; sample = builder.Pop() {
			frames++
		}
		mediaMu.Lock()
		entry.packets++
		entry.frames += frames
		mediaMu.Unlock()
	}
}

func mediaStats() (interface{}, error) {
	mediaMu.Lock()
	defer mediaMu.Unlock()
	list := []map[string]interface{}{}
	for _, r := range receivedMedia {
		list = append(list, map[string]interface{}{"kind": r.kind, "codec": r.codec, "packets": r.packets, "frames": r.frames, "decoded": nil})
	}
	return map[string]interface{}{"received": list}, nil
}
