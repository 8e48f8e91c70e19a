// The Pion v3 peer agent: answers the harness's requests (src/protocol.ts), one JSON object a line
// on stdin, replies and events one a line on stdout. Built in GOPATH mode against Debian's
// golang-github-pion-webrtc.v3-dev, nothing downloaded (see ../pion.ts).
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net"
	"os"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v3"
)

type iceServer struct {
	URLs       string `json:"urls"`
	Username   string `json:"username"`
	Credential string `json:"credential"`
}

type request struct {
	ID                 int         `json:"id"`
	IceServers         []iceServer `json:"iceServers"`
	IceTransportPolicy string      `json:"iceTransportPolicy"`
	Cmd                string      `json:"cmd"`
	Label              string      `json:"label"`
	Ordered            *bool       `json:"ordered"`
	MaxRetransmits     *uint16     `json:"maxRetransmits"`
	SDP                string      `json:"sdp"`
	Count              int         `json:"count"`
	Size               int         `json:"size"`
	Varied             bool        `json:"varied"`
	First              int         `json:"first"`
	Messages           int         `json:"messages"`
	Trickle            bool        `json:"trickle"`
	Candidate          string      `json:"candidate"`
	SDPMid             *string     `json:"sdpMid"`
	SDPMLineIndex      *uint16     `json:"sdpMLineIndex"`
	Audio              bool        `json:"audio"`
	Video              *string     `json:"video"`
	Files              mediaFiles  `json:"files"`
}

type stats struct {
	messages, bytes, valid, invalid, duplicates, reordered int
	highest                                                int64
	seen                                                   map[uint32]bool
	hash                                                   hash.Hash
}

func (s *stats) add(data []byte) {
	s.messages++
	s.bytes += len(data)
	s.hash.Write(data)
	if len(data) < 4 {
		s.invalid++
		return
	}
	i := uint32(data[0])<<24 | uint32(data[1])<<16 | uint32(data[2])<<8 | uint32(data[3])
	ok := true
	for j := 4; j < len(data); j++ {
		if int(data[j]) != int((uint64(i)+uint64(j))%251) {
			ok = false
			break
		}
	}
	if ok {
		s.valid++
	} else {
		s.invalid++
	}
	if s.seen[i] {
		s.duplicates++
	}
	s.seen[i] = true
	if int64(i) < s.highest {
		s.reordered++
	} else {
		s.highest = int64(i)
	}
}

func (s *stats) report() map[string]interface{} {
	return map[string]interface{}{
		"messages": s.messages, "bytes": s.bytes, "sha256": hex.EncodeToString(s.hash.Sum(nil)),
		"valid": s.valid, "invalid": s.invalid, "duplicates": s.duplicates, "reordered": s.reordered,
	}
}

type entry struct {
	dc    *webrtc.DataChannel
	echo  bool
	stats *stats
}

var (
	out      = json.NewEncoder(os.Stdout)
	outMu    sync.Mutex
	mu       sync.Mutex
	channels = map[string]*entry{}
	echoes   = map[string]bool{}
	pc       *webrtc.PeerConnection
	config   webrtc.Configuration
)

func emit(v interface{}) {
	outMu.Lock()
	defer outMu.Unlock()
	_ = out.Encode(v)
}

func info(dc *webrtc.DataChannel) map[string]interface{} {
	var max interface{}
	if m := dc.MaxRetransmits(); m != nil {
		max = int(*m)
	}
	return map[string]interface{}{"label": dc.Label(), "readyState": dc.ReadyState().String(), "ordered": dc.Ordered(), "maxRetransmits": max}
}

func testMessage(i, length int) []byte {
	data := make([]byte, length)
	data[0], data[1], data[2], data[3] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
	for j := 4; j < length; j++ {
		data[j] = byte((i + j) % 251)
	}
	return data
}

func adopt(dc *webrtc.DataChannel) {
	mu.Lock()
	e := &entry{dc: dc, echo: echoes[dc.Label()], stats: &stats{highest: -1, seen: map[uint32]bool{}, hash: sha256.New()}}
	channels[dc.Label()] = e
	mu.Unlock()
	dc.OnOpen(func() {
		m := info(dc)
		m["event"] = "channel"
		emit(m)
	})
	dc.OnClose(func() { emit(map[string]interface{}{"event": "channel-close", "label": dc.Label()}) })
	dc.OnMessage(func(msg webrtc.DataChannelMessage) {
		mu.Lock()
		e.stats.add(msg.Data)
		echo := e.echo
		mu.Unlock()
		if echo {
			if err := dc.Send(msg.Data); err != nil {
				emit(map[string]interface{}{"event": "log", "text": "echo failed: " + err.Error()})
			}
		}
	})
}

func peer() (*webrtc.PeerConnection, error) {
	if pc != nil {
		return pc, nil
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// Pion's default codecs (Opus, VP8, VP9, H.264…) and interceptors (NACK, RTCP reports, TWCC).
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, registry); err != nil {
		return nil, err
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(registry), webrtc.WithSettingEngine(se))
	p, err := api.NewPeerConnection(config)
	if err != nil {
		return nil, err
	}
	p.OnDataChannel(adopt)
	p.OnTrack(onTrack)
	p.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		init := c.ToJSON()
		emit(map[string]interface{}{"event": "candidate", "candidate": init.Candidate, "sdpMid": init.SDPMid, "sdpMLineIndex": init.SDPMLineIndex})
	})
	p.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		emit(map[string]interface{}{"event": "state", "state": s.String()})
	})
	pc = p
	return p, nil
}

func lookup(label string) (*entry, error) {
	mu.Lock()
	defer mu.Unlock()
	e, ok := channels[label]
	if !ok {
		return nil, fmt.Errorf("no channel %q", label)
	}
	return e, nil
}

// waitState polls: the harness bounds every request with its own timeout.
func waitState(label string, state webrtc.DataChannelState) (interface{}, error) {
	for {
		mu.Lock()
		e, ok := channels[label]
		mu.Unlock()
		if ok && e.dc.ReadyState() == state {
			return info(e.dc), nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func describe(p *webrtc.PeerConnection, desc webrtc.SessionDescription, trickle bool) (interface{}, error) {
	gathered := webrtc.GatheringCompletePromise(p)
	if err := p.SetLocalDescription(desc); err != nil {
		return nil, err
	}
	if !trickle {
		<-gathered
	}
	return map[string]string{"sdp": p.LocalDescription().SDP}, nil
}

func handle(r request) (interface{}, error) {
	switch r.Cmd {
	case "configure":
		if pc != nil {
			return nil, errors.New("configure comes before the peer connection is made")
		}
		for _, s := range r.IceServers {
			config.ICEServers = append(config.ICEServers, webrtc.ICEServer{URLs: []string{s.URLs}, Username: s.Username, Credential: s.Credential, CredentialType: webrtc.ICECredentialTypePassword})
		}
		if r.IceTransportPolicy == "relay" {
			config.ICETransportPolicy = webrtc.ICETransportPolicyRelay
		}
		return map[string]string{}, nil
	case "createChannel":
		p, err := peer()
		if err != nil {
			return nil, err
		}
		ordered := true
		if r.Ordered != nil {
			ordered = *r.Ordered
		}
		dc, err := p.CreateDataChannel(r.Label, &webrtc.DataChannelInit{Ordered: &ordered, MaxRetransmits: r.MaxRetransmits})
		if err != nil {
			return nil, err
		}
		adopt(dc)
		return map[string]string{}, nil
	case "createOffer":
		p, err := peer()
		if err != nil {
			return nil, err
		}
		if err := addPendingMedia(p, true); err != nil {
			return nil, err
		}
		offer, err := p.CreateOffer(nil)
		if err != nil {
			return nil, err
		}
		return describe(p, offer, r.Trickle)
	case "restartIce":
		p, err := peer()
		if err != nil {
			return nil, err
		}
		offer, err := p.CreateOffer(&webrtc.OfferOptions{ICERestart: true})
		if err != nil {
			return nil, err
		}
		return describe(p, offer, false)
	case "applyOffer":
		p, err := peer()
		if err != nil {
			return nil, err
		}
		if err := p.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: r.SDP}); err != nil {
			return nil, err
		}
		if err := addPendingMedia(p, false); err != nil {
			return nil, err
		}
		answer, err := p.CreateAnswer(nil)
		if err != nil {
			return nil, err
		}
		return describe(p, answer, r.Trickle)
	case "addCandidate":
		p, err := peer()
		if err != nil {
			return nil, err
		}
		return map[string]string{}, p.AddICECandidate(webrtc.ICECandidateInit{Candidate: r.Candidate, SDPMid: r.SDPMid, SDPMLineIndex: r.SDPMLineIndex})
	case "applyAnswer":
		p, err := peer()
		if err != nil {
			return nil, err
		}
		return map[string]string{}, p.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: r.SDP})
	case "waitOpen":
		return waitState(r.Label, webrtc.DataChannelStateOpen)
	case "waitClosed":
		return waitState(r.Label, webrtc.DataChannelStateClosed)
	case "echo":
		mu.Lock()
		echoes[r.Label] = true
		if e, ok := channels[r.Label]; ok {
			e.echo = true
		}
		mu.Unlock()
		return map[string]string{}, nil
	case "send":
		e, err := lookup(r.Label)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		bytes := 0
		for i := r.First; i < r.First+r.Count; i++ {
			for e.dc.BufferedAmount() > 1024*1024 {
				time.Sleep(2 * time.Millisecond)
			}
			length := r.Size
			if r.Varied {
				length = 4 + (i*7919)%(r.Size-3)
			}
			data := testMessage(i, length)
			h.Write(data)
			bytes += length
			if err := e.dc.Send(data); err != nil {
				return nil, err
			}
		}
		return map[string]interface{}{"messages": r.Count, "bytes": bytes, "sha256": hex.EncodeToString(h.Sum(nil))}, nil
	case "waitReceived", "stats":
		e, err := lookup(r.Label)
		if err != nil {
			return nil, err
		}
		for {
			mu.Lock()
			if r.Cmd == "stats" || e.stats.messages >= r.Messages {
				defer mu.Unlock()
				return e.stats.report(), nil
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	case "closeChannel":
		e, err := lookup(r.Label)
		if err != nil {
			return nil, err
		}
		return map[string]string{}, e.dc.Close()
	case "remoteCandidates":
		list := []map[string]interface{}{}
		if pc != nil {
			for _, stat := range pc.GetStats() {
				if c, ok := stat.(webrtc.ICECandidateStats); ok && c.Type == webrtc.StatsTypeRemoteCandidate {
					list = append(list, map[string]interface{}{"address": c.IP, "port": c.Port, "type": c.CandidateType.String()})
				}
			}
		}
		return list, nil
	case "addMedia":
		return addMedia(r)
	case "mediaStats":
		return mediaStats()
	case "close":
		stopMedia()
		if pc != nil {
			_ = pc.Close()
		}
		return map[string]string{}, nil
	}
	return nil, errors.New("unknown command " + r.Cmd)
}

func main() {
	emit(map[string]string{"event": "ready"})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	var wg sync.WaitGroup
	// Requests that build the connection run in order; waits and sends run beside them.
	var order sync.Mutex
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			emit(map[string]string{"event": "log", "text": "bad request: " + err.Error()})
			continue
		}
		wg.Add(1)
		go func(r request) {
			defer wg.Done()
			serial := r.Cmd == "configure" || r.Cmd == "createChannel" || r.Cmd == "createOffer" || r.Cmd == "restartIce" || r.Cmd == "applyOffer" || r.Cmd == "applyAnswer" || r.Cmd == "echo" || r.Cmd == "addMedia"
			if serial {
				order.Lock()
			}
			result, err := handle(r)
			if serial {
				order.Unlock()
			}
			if err != nil {
				emit(map[string]interface{}{"id": r.ID, "ok": false, "error": err.Error()})
			} else {
				emit(map[string]interface{}{"id": r.ID, "ok": true, "result": result})
			}
			if r.Cmd == "close" {
				os.Exit(0)
			}
		}(r)
	}
	if pc != nil {
		_ = pc.Close()
	}
}
