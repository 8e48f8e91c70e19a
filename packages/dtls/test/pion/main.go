// A Pion DTLS (v2) peer for the @x/dtls interop test. Usage: piondtls server|client [port] [rsa].
// Prints "FP <hex sha-256 of its certificate>" and (server) "PORT <n>", then after the handshake
// "PEERFP <hex>", "PROFILE <n>", "SUITE <name>", "KM <hex of EXTRACTOR-dtls_srtp, 60 bytes>",
// echoes one message back prefixed with "echo:", and exits when the peer closes.
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/pion/dtls/v2"
	"github.com/pion/dtls/v2/pkg/crypto/selfsign"
)

func main() {
	role := os.Args[1]
	var cert tls.Certificate
	var err error
	if len(os.Args) > 3 && os.Args[3] == "rsa" {
		key, _ := rsa.GenerateKey(rand.Reader, 2048)
		cert, err = selfsign.SelfSign(key)
	} else {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		cert, err = selfsign.SelfSign(key)
	}
	check(err)
	fp := sha256.Sum256(cert.Certificate[0])
	fmt.Printf("FP %s\n", hex.EncodeToString(fp[:]))
	config := &dtls.Config{
		Certificates:           []tls.Certificate{cert},
		ExtendedMasterSecret:   dtls.RequireExtendedMasterSecret,
		ClientAuth:             dtls.RequireAnyClientCert,
		InsecureSkipVerify:     true,
		SRTPProtectionProfiles: []dtls.SRTPProtectionProfile{dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80},
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			p := sha256.Sum256(raw[0])
			fmt.Printf("PEERFP %s\n", hex.EncodeToString(p[:]))
			return nil
		},
	}
	var conn *dtls.Conn
	if role == "server" {
		l, err := dtls.Listen("udp", &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: 0}, config)
		check(err)
		fmt.Printf("PORT %d\n", l.Addr().(*net.UDPAddr).Port)
		c, err := l.Accept()
		check(err)
		conn = c.(*dtls.Conn)
	} else {
		port, _ := strconv.Atoi(os.Args[2])
		c, err := dtls.Dial("udp", &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: port}, config)
		check(err)
		conn = c
	}
	profile, _ := conn.SelectedSRTPProtectionProfile()
	fmt.Printf("PROFILE %d\n", profile)
	state := conn.ConnectionState()
	km, err := state.ExportKeyingMaterial("EXTRACTOR-dtls_srtp", nil, 60)
	check(err)
	fmt.Printf("KM %s\n", hex.EncodeToString(km))
	buf := make([]byte, 2048)
	n, err := conn.Read(buf)
	check(err)
	_, err = conn.Write(append([]byte("echo:"), buf[:n]...))
	check(err)
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "READ %s\n", string(buf[:n]))
	w.Flush()
	_, err = conn.Read(buf)
	fmt.Printf("CLOSED %v\n", err)
	conn.Close()
}

func check(err error) {
	if err != nil {
		fmt.Printf("ERROR %v\n", err)
		os.Exit(1)
	}
}
