// A Pion peer for the interop test: pion/sctp + pion/datachannel over a connected UDP socket on
// loopback. It echoes every message of the channels we open, opens one channel of its own
// ("from-pion", stream 1) and says hello on it, and exits when our association goes away.
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/pion/datachannel"
	"github.com/pion/logging"
	"github.com/pion/sctp"
)

func main() {
	ourPort, _ := strconv.Atoi(os.Args[1])
	theirPort, _ := strconv.Atoi(os.Args[2])
	conn, err := net.DialUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ourPort}, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: theirPort})
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(1)
	}
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelError
	fmt.Println("ready")
	assoc, err := sctp.Client(sctp.Config{NetConn: conn, LoggerFactory: lf, MaxReceiveBufferSize: 4 << 20, MaxMessageSize: 1 << 20})
	if err != nil {
		fmt.Println("association:", err)
		os.Exit(1)
	}
	fmt.Println("established")
	mine, err := datachannel.Dial(assoc, 1, &datachannel.Config{ChannelType: datachannel.ChannelTypeReliable, Label: "from-pion", Protocol: "p", LoggerFactory: lf})
	if err != nil {
		fmt.Println("dial channel:", err)
		os.Exit(1)
	}
	if _, err := mine.WriteDataChannel([]byte("hello from pion"), true); err != nil {
		fmt.Println("write:", err)
	}
	for {
		dc, err := datachannel.Accept(assoc, &datachannel.Config{LoggerFactory: lf}, mine)
		if err != nil {
			fmt.Println("accept ended:", err)
			return
		}
		if dc == mine {
			continue
		}
		fmt.Println("accepted", dc.Config.Label)
		go func(dc *datachannel.DataChannel) {
			buf := make([]byte, 1<<20)
			for {
				n, isString, err := dc.ReadDataChannel(buf)
				if err != nil {
					fmt.Println("read ended:", dc.Config.Label, err)
					dc.Close()
					return
				}
				if _, err := dc.WriteDataChannel(buf[:n], isString); err != nil {
					fmt.Println("echo:", err)
					return
				}
			}
		}(dc)
	}
}
