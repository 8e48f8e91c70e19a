// A Pion ICE agent (github.com/pion/ice/v2, Debian golang-github-pion-ice.v2-dev) driven over
// stdin/stdout with JSON lines, for the interop test. Loopback IPv4 host candidates only, mDNS off.
//
// Args: controlling|controlled [lite]. Out: {"type":"local",ufrag,pwd,candidates,lite} then {"type":"connected"} and {"type":"data",text}
// per datagram (echoed back as "echo:<text>"). In: {"type":"remote",...}, {"type":"send",text}, {"type":"close"}.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/pion/ice/v2"
)

type message struct {
	Type       string   `json:"type"`
	Ufrag      string   `json:"ufrag,omitempty"`
	Pwd        string   `json:"pwd,omitempty"`
	Candidates []string `json:"candidates,omitempty"`
	Text       string   `json:"text,omitempty"`
	Error      string   `json:"error,omitempty"`
	Lite       bool     `json:"lite,omitempty"`
}

var outMu sync.Mutex

func emit(m message) {
	outMu.Lock()
	defer outMu.Unlock()
	b, _ := json.Marshal(m)
	os.Stdout.Write(append(b, '\n'))
}

func main() {
	controlling := len(os.Args) > 1 && os.Args[1] == "controlling"
	lite := len(os.Args) > 2 && os.Args[2] == "lite"
	agent, err := ice.NewAgent(&ice.AgentConfig{
		Lite:             lite,
		NetworkTypes:     []ice.NetworkType{ice.NetworkTypeUDP4},
		CandidateTypes:   []ice.CandidateType{ice.CandidateTypeHost},
		IncludeLoopback:  true,
		IPFilter:         func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil },
		MulticastDNSMode: ice.MulticastDNSModeDisabled,
	})
	if err != nil {
		emit(message{Type: "failed", Error: err.Error()})
		os.Exit(1)
	}
	defer agent.Close()
	var candidates []string
	gathered := make(chan struct{})
	agent.OnCandidate(func(c ice.Candidate) {
		if c == nil {
			close(gathered)
			return
		}
		candidates = append(candidates, "candidate:"+c.Marshal())
	})
	if err := agent.GatherCandidates(); err != nil {
		emit(message{Type: "failed", Error: err.Error()})
		os.Exit(1)
	}
	<-gathered
	ufrag, pwd, _ := agent.GetLocalUserCredentials()
	emit(message{Type: "local", Ufrag: ufrag, Pwd: pwd, Candidates: candidates, Lite: lite})

	var conn *ice.Conn
	connected := make(chan struct{})
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		var m message
		if json.Unmarshal(scanner.Bytes(), &m) != nil {
			continue
		}
		switch m.Type {
		case "remote":
			for _, line := range m.Candidates {
				c, err := ice.UnmarshalCandidate(strings.TrimPrefix(line, "candidate:"))
				if err != nil {
					emit(message{Type: "failed", Error: err.Error()})
					continue
				}
				agent.AddRemoteCandidate(c)
			}
			go func(ufrag, pwd string) {
				var err error
				if controlling {
					conn, err = agent.Dial(context.Background(), ufrag, pwd)
				} else {
					conn, err = agent.Accept(context.Background(), ufrag, pwd)
				}
				if err != nil {
					emit(message{Type: "failed", Error: err.Error()})
					return
				}
				close(connected)
				emit(message{Type: "connected"})
				buf := make([]byte, 1500)
				for {
					n, err := conn.Read(buf)
					if err != nil {
						return
					}
					text := string(buf[:n])
					emit(message{Type: "data", Text: text})
					if !strings.HasPrefix(text, "echo:") {
						conn.Write([]byte("echo:" + text))
					}
				}
			}(m.Ufrag, m.Pwd)
		case "send":
			<-connected
			conn.Write([]byte(m.Text))
		case "close":
			return
		}
	}
}
