// Pion's side of the bench's media-forwarding figure: an SFU-shaped forwarder. It answers one
// publisher's offer, and every RTP packet of the publisher's video track is written to one
// TrackLocalStaticRTP added to N subscriber peer connections it offers to (Pion's broadcast
// pattern). Driven by JSON lines on stdin ({"id","method","argument"}), answered by JSON lines
// on stdout ({"id","result"} or {"id","error"}). Its CPU is its own getrusage (every thread).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v3"
)

type request struct {
	ID       int             `json:"id"`
	Method   string          `json:"method"`
	Argument json.RawMessage `json:"argument"`
}

type reply struct {
	ID     int         `json:"id"`
	Result interface{} `json:"result,omitempty"`
	Error  string      `json:"error,omitempty"`
}

var (
	api         *webrtc.API
	local       *webrtc.TrackLocalStaticRTP
	publisher   *webrtc.PeerConnection
	subscribers []*webrtc.PeerConnection
	packetsIn   atomic.Int64
	cpuAtStart  int64
	inAtStart   int64
	out         = bufio.NewWriter(os.Stdout)
	outMu       sync.Mutex
)

func cpuMicros() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Sec*1e6 + int64(ru.Utime.Usec) + ru.Stime.Sec*1e6 + int64(ru.Stime.Usec)
}

func newAPI() (*webrtc.API, error) {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, registry); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(registry), webrtc.WithSettingEngine(se)), nil
}

func gathered(pc *webrtc.PeerConnection) string {
	<-webrtc.GatheringCompletePromise(pc)
	return pc.LocalDescription().SDP
}

func answerPublisher(offer string) (string, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", err
	}
	publisher = pc
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		// The broadcast loop: every packet as read (after SRTP), written to the shared local track,
		// which rewrites SSRC and payload type per subscriber and sends through each.
		buf := make([]byte, 1500)
		for {
			n, _, err := remote.Read(buf)
			if err != nil {
				return
			}
			packetsIn.Add(1)
			// A subscriber that went away fails its own write only; the others keep getting packets.
			_, _ = local.Write(buf[:n])
		}
	})
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", err
	}
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", err
	}
	return gathered(pc), nil
}

func offerSubscribers(n int) ([]string, error) {
	offers := make([]string, n)
	for i := 0; i < n; i++ {
		pc, err := api.NewPeerConnection(webrtc.Configuration{})
		if err != nil {
			return nil, err
		}
		sender, err := pc.AddTrack(local)
		if err != nil {
			return nil, err
		}
		// RTCP from the subscriber must be read for the interceptors (NACK, reports) to see it.
		go func() {
			buf := make([]byte, 1500)
			for {
				if _, _, err := sender.Read(buf); err != nil {
					return
				}
			}
		}()
		offer, err := pc.CreateOffer(nil)
		if err != nil {
			return nil, err
		}
		if err := pc.SetLocalDescription(offer); err != nil {
			return nil, err
		}
		subscribers = append(subscribers, pc)
		offers[i] = gathered(pc)
	}
	return offers, nil
}

func acceptAnswers(answers []string) error {
	if len(answers) != len(subscribers) {
		return fmt.Errorf("%d answers for %d subscribers", len(answers), len(subscribers))
	}
	for i, sdp := range answers {
		if err := subscribers[i].SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
			return err
		}
	}
	return nil
}

func waitConnected() error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		all := publisher != nil && publisher.ConnectionState() == webrtc.PeerConnectionStateConnected
		for _, pc := range subscribers {
			all = all && pc.ConnectionState() == webrtc.PeerConnectionStateConnected
		}
		if all {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("pion forwarder: not every peer connection connected in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func handle(r request) (interface{}, error) {
	switch r.Method {
	case "publisher":
		var offer string
		if err := json.Unmarshal(r.Argument, &offer); err != nil {
			return nil, err
		}
		return answerPublisher(offer)
	case "subscribers":
		var n int
		if err := json.Unmarshal(r.Argument, &n); err != nil {
			return nil, err
		}
		return offerSubscribers(n)
	case "answers":
		var answers []string
		if err := json.Unmarshal(r.Argument, &answers); err != nil {
			return nil, err
		}
		return nil, acceptAnswers(answers)
	case "connected":
		return nil, waitConnected()
	case "start":
		cpuAtStart, inAtStart = cpuMicros(), packetsIn.Load()
		return nil, nil
	case "stop":
		return map[string]int64{"cpuMicros": cpuMicros() - cpuAtStart, "packetsIn": packetsIn.Load() - inAtStart}, nil
	}
	return nil, fmt.Errorf("no method %s", r.Method)
}

func main() {
	var err error
	if api, err = newAPI(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if local, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "forwarded"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		result, err := handle(r)
		rep := reply{ID: r.ID, Result: result}
		if err != nil {
			rep = reply{ID: r.ID, Error: err.Error()}
		}
		line, _ := json.Marshal(rep)
		outMu.Lock()
		out.Write(append(line, '\n'))
		out.Flush()
		outMu.Unlock()
	}
}
