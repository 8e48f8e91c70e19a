// pioncheck: Pion (Debian golang-github-pion-rtcp-dev, -rtp-dev, -interceptor-dev) on the other side
// of our RTP/RTCP code. Built by test/pion-interop.test.ts in GOPATH mode, no network.
//
//	pioncheck emit <frames-dir>  prints JSON: RTCP packets Pion marshals from known fields, TWCC
//	                             feedback from Pion's recorder, and Pion's payloads of each frame.
//	pioncheck parse              reads hex RTCP datagrams (ours), one a line, prints how Pion reads them.
//	pioncheck depay              reads "<codec> <hex>,<hex>,…" lines (our payloads of one frame) and
//	                             prints, per line, what Pion's depacketizer rebuilds (AV1: the OBUs).
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/rtcp"
	"github.com/pion/rtp/codecs"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func marshal(p rtcp.Packet) string {
	b, err := p.Marshal()
	must(err)
	return hex.EncodeToString(b)
}

type payloader interface {
	Payload(mtu uint16, payload []byte) [][]byte
}

func emit(dir string) {
	out := map[string]interface{}{}
	r := map[string]string{}
	r["sr"] = marshal(&rtcp.SenderReport{SSRC: 0x11111111, NTPTime: 0xe5f0e2a180000000, RTPTime: 123456, PacketCount: 100, OctetCount: 50000,
		Reports: []rtcp.ReceptionReport{{SSRC: 2, FractionLost: 64, TotalLost: 3, LastSequenceNumber: 0x10005, Jitter: 16, LastSenderReport: 0xf0e2a180, Delay: 65536}}})
	r["rr"] = marshal(&rtcp.ReceiverReport{SSRC: 7, Reports: []rtcp.ReceptionReport{{SSRC: 8, FractionLost: 1, TotalLost: 2, LastSequenceNumber: 3, Jitter: 4, LastSenderReport: 5, Delay: 6}}})
	r["sdes"] = marshal(&rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{Source: 0x11111111, Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: "pion@cname"}}}}})
	r["bye"] = marshal(&rtcp.Goodbye{Sources: []uint32{1, 2}, Reason: "bye pion"})
	r["nack"] = marshal(&rtcp.TransportLayerNack{SenderSSRC: 1, MediaSSRC: 2, Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{65534, 65535, 0, 5, 40})})
	r["pli"] = marshal(&rtcp.PictureLossIndication{SenderSSRC: 1, MediaSSRC: 2})
	r["fir"] = marshal(&rtcp.FullIntraRequest{SenderSSRC: 1, MediaSSRC: 0, FIR: []rtcp.FIREntry{{SSRC: 2, SequenceNumber: 9}}})
	r["remb"] = marshal(&rtcp.ReceiverEstimatedMaximumBitrate{SenderSSRC: 1, Bitrate: 4000000, SSRCs: []uint32{2, 3}})
	r["xr"] = marshal(&rtcp.ExtendedReport{SenderSSRC: 1, Reports: []rtcp.ReportBlock{
		&rtcp.ReceiverReferenceTimeReportBlock{NTPTimestamp: 0xe5f0e2a180000000},
		&rtcp.DLRRReportBlock{Reports: []rtcp.DLRRReport{{SSRC: 2, LastRR: 0xe2a18000, DLRR: 0x8000}}},
	}})
	out["rtcp"] = r

	// Pion's TWCC recorder: arrivals of 60 packets from 65500 (across the wrap), every 7th lost,
	// one packet 200 ms late (a large delta), times in µs.
	rec := twcc.NewRecorder(0x5555)
	arrivals := [][2]int64{}
	for i := int64(0); i < 60; i++ {
		if i%7 == 3 {
			continue
		}
		t := 1_000_000 + i*5300
		if i == 30 {
			t += 200_000
		}
		seq := uint16(65500 + i)
		rec.Record(2, seq, t)
		arrivals = append(arrivals, [2]int64{int64(seq), t})
	}
	fbs := []string{}
	for _, p := range rec.BuildFeedbackPacket() {
		fbs = append(fbs, marshal(p))
	}
	out["twcc"] = fbs
	out["twccArrivals"] = arrivals

	// Pion's payloaders over our frames: <dir>/<codec>/<n>.bin, MTU 1200 payload bytes.
	payloads := map[string][][]string{}
	for codec, p := range map[string]payloader{
		"vp8":  &codecs.VP8Payloader{EnablePictureID: true},
		"vp9":  &codecs.VP9Payloader{InitialPictureIDFn: func() uint16 { return 100 }},
		"h264": &codecs.H264Payloader{},
		"opus": &codecs.OpusPayloader{},
		"av1":  &codecs.AV1Payloader{},
	} {
		files, _ := filepath.Glob(filepath.Join(dir, codec, "*.bin"))
		sort.Slice(files, func(i, j int) bool { return len(files[i]) < len(files[j]) || (len(files[i]) == len(files[j]) && files[i] < files[j]) })
		frames := [][]string{}
		for _, f := range files {
			b, err := os.ReadFile(f)
			must(err)
			list := []string{}
			for _, pl := range p.Payload(1200, b) {
				list = append(list, hex.EncodeToString(pl))
			}
			frames = append(frames, list)
		}
		payloads[codec] = frames
	}
	out["payloads"] = payloads
	must(json.NewEncoder(os.Stdout).Encode(out))
}

func parse() {
	results := [][]map[string]interface{}{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		b, err := hex.DecodeString(line)
		must(err)
		packets, err := rtcp.Unmarshal(b)
		if err != nil {
			results = append(results, []map[string]interface{}{{"error": err.Error()}})
			continue
		}
		list := []map[string]interface{}{}
		for _, p := range packets {
			entry := map[string]interface{}{"type": fmt.Sprintf("%T", p), "packet": p}
			if cc, ok := p.(*rtcp.TransportLayerCC); ok {
				// Expand the statuses and deltas the way a sender uses them.
				statuses := []int{}
				for _, c := range cc.PacketChunks {
					switch v := c.(type) {
					case *rtcp.RunLengthChunk:
						for i := 0; i < int(v.RunLength); i++ {
							statuses = append(statuses, int(v.PacketStatusSymbol))
						}
					case *rtcp.StatusVectorChunk:
						for _, s := range v.SymbolList {
							statuses = append(statuses, int(s))
						}
					}
				}
				if len(statuses) > int(cc.PacketStatusCount) {
					statuses = statuses[:cc.PacketStatusCount]
				}
				deltas := []int64{}
				for _, d := range cc.RecvDeltas {
					deltas = append(deltas, d.Delta)
				}
				entry["statuses"] = statuses
				entry["deltasUs"] = deltas
			}
			list = append(list, entry)
		}
		results = append(results, list)
	}
	must(json.NewEncoder(os.Stdout).Encode(results))
}

type depacketizer interface {
	Unmarshal(packet []byte) ([]byte, error)
}

func depay() {
	results := []interface{}{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 16<<20), 16<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			continue
		}
		codec := fields[0]
		var d depacketizer
		switch codec {
		case "vp8":
			d = &codecs.VP8Packet{}
		case "vp9":
			d = &codecs.VP9Packet{}
		case "h264":
			d = &codecs.H264Packet{}
		case "opus":
			d = &codecs.OpusPacket{}
		}
		frame := []byte{}
		obus := [][]byte{}
		failed := ""
		for _, h := range strings.Split(fields[1], ",") {
			b, err := hex.DecodeString(h)
			must(err)
			if codec == "av1" {
				var p codecs.AV1Packet
				if _, err := p.Unmarshal(b); err != nil {
					failed = err.Error()
					break
				}
				for i, e := range p.OBUElements {
					if i == 0 && p.Z && len(obus) > 0 {
						obus[len(obus)-1] = append(obus[len(obus)-1], e...)
					} else {
						obus = append(obus, append([]byte{}, e...))
					}
				}
				continue
			}
			out, err := d.Unmarshal(b)
			if err != nil {
				failed = err.Error()
				break
			}
			frame = append(frame, out...)
		}
		if failed != "" {
			results = append(results, map[string]string{"error": failed})
		} else if codec == "av1" {
			list := []string{}
			for _, o := range obus {
				list = append(list, hex.EncodeToString(o))
			}
			results = append(results, list)
		} else {
			results = append(results, hex.EncodeToString(frame))
		}
	}
	must(json.NewEncoder(os.Stdout).Encode(results))
}

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "emit" {
		emit(os.Args[2])
	} else if len(os.Args) >= 2 && os.Args[1] == "depay" {
		depay()
	} else if len(os.Args) >= 2 && os.Args[1] == "parse" {
		parse()
	} else {
		fmt.Fprintln(os.Stderr, "usage: pioncheck emit <dir> | pioncheck parse | pioncheck depay")
		os.Exit(2)
	}
}
