// Pion 3.1.56 (Debian golang-github-pion-webrtc.v3-dev) as the other side of offer/answer, one JSON
// object per line on stdout:
//   offerer:  prints {"offer": sdp}, reads {"answer": sdp}, applies it, prints the outcome.
//   answerer: reads {"offer": sdp}, applies it, prints {"answer": sdp} from CreateAnswer.
// Gathering is limited to loopback (SettingEngine IP filter); the test also runs it under unshare -n.
package main

import (
	"bufio"
	"encoding/json"
	"net"
	"os"

	"github.com/pion/webrtc/v3"
)

type transceiver struct {
	Mid       string   `json:"mid"`
	Direction string   `json:"direction"`
	Codecs    []string `json:"codecs"`
}

func out(v interface{}) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

func read(in *bufio.Reader, key string) string {
	line, err := in.ReadBytes('\n')
	if err != nil {
		out(map[string]interface{}{"ok": false, "error": err.Error()})
		os.Exit(1)
	}
	var m map[string]string
	if err := json.Unmarshal(line, &m); err != nil {
		out(map[string]interface{}{"ok": false, "error": err.Error()})
		os.Exit(1)
	}
	return m[key]
}

func fail(err error) {
	out(map[string]interface{}{"ok": false, "error": err.Error()})
}

func main() {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		fail(err)
		return
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		fail(err)
		return
	}
	defer pc.Close()
	in := bufio.NewReader(os.Stdin)

	if os.Args[1] == "answerer" {
		offer := read(in, "offer")
		if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
			fail(err)
			return
		}
		answer, err := pc.CreateAnswer(nil)
		if err != nil {
			fail(err)
			return
		}
		out(map[string]interface{}{"ok": true, "answer": answer.SDP})
		return
	}

	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err := pc.AddTransceiverFromKind(kind); err != nil {
			fail(err)
			return
		}
	}
	if _, err := pc.CreateDataChannel("chat", nil); err != nil {
		fail(err)
		return
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		fail(err)
		return
	}
	if err := pc.SetLocalDescription(offer); err != nil {
		fail(err)
		return
	}
	out(map[string]interface{}{"offer": pc.LocalDescription().SDP})
	answer := read(in, "answer")
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		fail(err)
		return
	}
	ts := []transceiver{}
	for _, t := range pc.GetTransceivers() {
		codecs := []string{}
		for _, c := range t.Receiver().GetParameters().Codecs {
			codecs = append(codecs, c.MimeType)
		}
		ts = append(ts, transceiver{Mid: t.Mid(), Direction: t.Direction().String(), Codecs: codecs})
	}
	out(map[string]interface{}{"ok": true, "signalingState": pc.SignalingState().String(), "transceivers": ts, "sctp": pc.SCTP() != nil})
}
