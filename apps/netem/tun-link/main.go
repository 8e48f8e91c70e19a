// tun-link: an impaired IP link between two network namespaces, for whole-stack comparisons
// (kernel TCP beside data channels over the same path). It attaches to a TUN device in each
// namespace (made by the harness, apps/netem/src/tun-link.ts), reads every IP packet one side
// sends and writes it into the other side's TUN device after an impairment pipeline that follows
// @x/netem's ImpairmentScheduler: loss (independent or Gilbert–Elliott), duplication, a rate
// limit behind a drop-tail queue in bytes, propagation delay ± jitter, reordering.
//
// Usage: tun-link -a <netns> -b <netns> [-dev tl0] [-ab '<model JSON>'] [-ba '<model JSON>'] [-stats-every ms]
// A model is @x/netem's ImpairmentModel as JSON. Prints "ready" once both devices are attached,
// a JSON line of counters every -stats-every ms, and the final counters on SIGTERM or SIGINT.
//
// Standard library only (the build machine is offline).
package main

import (
	"container/heap"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Model is one direction's impairment, with @x/netem's ImpairmentModel field names.
type Model struct {
	Seed                *int64   `json:"seed"`
	Loss                float64  `json:"loss"`
	BurstLoss           *GE      `json:"burstLoss"`
	DelayMs             float64  `json:"delayMs"`
	JitterMs            float64  `json:"jitterMs"`
	JitterDistribution  string   `json:"jitterDistribution"`
	KeepOrder           bool     `json:"keepOrder"`
	Reorder             float64  `json:"reorder"`
	ReorderDelayMs      *float64 `json:"reorderDelayMs"`
	Duplicate           float64  `json:"duplicate"`
	RateBitsPerSecond   float64  `json:"rateBitsPerSecond"`
	QueueBytes          float64  `json:"queueBytes"`
	PacketOverheadBytes float64  `json:"packetOverheadBytes"`
}

// GE is the Gilbert–Elliott chain (netem's gemodel p r 1-h 1-k).
type GE struct {
	P          float64  `json:"p"`
	R          float64  `json:"r"`
	LossInGood float64  `json:"lossInGood"`
	LossInBad  *float64 `json:"lossInBad"`
}

// Counters of one direction.
type Counters struct {
	Packets      uint64 `json:"packets"`
	Bytes        uint64 `json:"bytes"`
	DroppedLoss  uint64 `json:"droppedLoss"`
	DroppedQueue uint64 `json:"droppedQueue"`
	Duplicated   uint64 `json:"duplicated"`
	Reordered    uint64 `json:"reordered"`
	Delivered    uint64 `json:"delivered"`
	WriteErrors  uint64 `json:"writeErrors"`
	// Largest backlog of the drop-tail queue seen, in bytes.
	MaxQueueBytes float64 `json:"maxQueueBytes"`
}

type item struct {
	at   float64 // ms since start
	seq  uint64
	data []byte
}

type pq []item

func (q pq) Len() int { return len(q) }
func (q pq) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q pq) Swap(i, j int)       { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x interface{}) { *q = append(*q, x.(item)) }
func (q *pq) Pop() interface{} {
	old := *q
	n := len(old)
	it := old[n-1]
	*q = old[:n-1]
	return it
}

// direction carries packets read from `in` to `out`.
type direction struct {
	name        string
	in, out     int
	model       Model
	rng         *rand.Rand
	geBad       bool
	linkFreeAt  float64
	lastInOrder float64
	queueLimit  float64
	reorderDly  float64
	seq         uint64

	mu       sync.Mutex
	queue    pq
	counters Counters
	wake     chan struct{}
}

var start = time.Now()

func nowMs() float64 { return float64(time.Since(start).Nanoseconds()) / 1e6 }

func newDirection(name string, in, out int, m Model, seed int64) *direction {
	if m.Seed != nil {
		seed = *m.Seed
	}
	d := &direction{name: name, in: in, out: out, model: m, rng: rand.New(rand.NewSource(seed)), wake: make(chan struct{}, 1)}
	d.queueLimit = math.Inf(1)
	if m.RateBitsPerSecond > 0 {
		if m.QueueBytes > 0 {
			d.queueLimit = m.QueueBytes
		} else {
			d.queueLimit = math.Max(16*1024, math.Ceil(m.RateBitsPerSecond/8*0.1))
		}
	}
	if m.ReorderDelayMs != nil {
		d.reorderDly = *m.ReorderDelayMs
	} else {
		d.reorderDly = math.Max(1, m.DelayMs)
	}
	return d
}

func (d *direction) lost() bool {
	if ge := d.model.BurstLoss; ge != nil {
		if d.geBad {
			if d.rng.Float64() < ge.R {
				d.geBad = false
			}
		} else if d.rng.Float64() < ge.P {
			d.geBad = true
		}
		loss := ge.LossInGood
		if d.geBad {
			loss = 1
			if ge.LossInBad != nil {
				loss = *ge.LossInBad
			}
		}
		return loss > 0 && d.rng.Float64() < loss
	}
	return d.model.Loss > 0 && d.rng.Float64() < d.model.Loss
}

func (d *direction) sampleDelay() float64 {
	m := d.model
	delay := m.DelayMs
	if m.JitterMs > 0 {
		if m.JitterDistribution == "normal" {
			z := math.Max(-3, math.Min(3, d.rng.NormFloat64()))
			delay += z * m.JitterMs
		} else {
			delay += (2*d.rng.Float64() - 1) * m.JitterMs
		}
	}
	return math.Max(0, delay)
}

// place: rate limiter, then delay; the delivery time, or -1 when the drop-tail queue is full.
func (d *direction) place(size int, now float64) float64 {
	m := d.model
	departure := now
	if m.RateBitsPerSecond > 0 {
		bytes := float64(size) + m.PacketOverheadBytes
		begin := math.Max(d.linkFreeAt, now)
		backlog := (begin - now) * m.RateBitsPerSecond / 8000
		if backlog > 0 && backlog+bytes > d.queueLimit {
			return -1
		}
		if backlog+bytes > d.counters.MaxQueueBytes {
			d.counters.MaxQueueBytes = backlog + bytes
		}
		d.linkFreeAt = begin + bytes*8000/m.RateBitsPerSecond
		departure = d.linkFreeAt
	}
	at := departure + d.sampleDelay()
	if m.Reorder > 0 && d.rng.Float64() < m.Reorder {
		d.counters.Reordered++
		return at + d.reorderDly
	}
	if m.KeepOrder {
		if at < d.lastInOrder {
			at = d.lastInOrder
		}
		d.lastInOrder = at
	}
	return at
}

func (d *direction) schedule(data []byte) {
	now := nowMs()
	d.mu.Lock()
	c := &d.counters
	c.Packets++
	c.Bytes += uint64(len(data))
	if d.lost() {
		c.DroppedLoss++
		d.mu.Unlock()
		return
	}
	copies := 1
	if d.model.Duplicate > 0 && d.rng.Float64() < d.model.Duplicate {
		copies = 2
	}
	earliest := false
	for i := 0; i < copies; i++ {
		at := d.place(len(data), now)
		if at < 0 {
			c.DroppedQueue++
			continue
		}
		if i == 1 {
			c.Duplicated++
		}
		d.seq++
		heap.Push(&d.queue, item{at: at, seq: d.seq, data: data})
		if d.queue[0].seq == d.seq {
			earliest = true
		}
	}
	d.mu.Unlock()
	if earliest {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

func (d *direction) readLoop() {
	buf := make([]byte, 65536)
	for {
		n, err := syscall.Read(d.in, buf)
		if err != nil {
			if err == syscall.EINTR || err == syscall.EAGAIN {
				continue
			}
			fmt.Fprintf(os.Stderr, "tun-link: read %s: %v\n", d.name, err)
			return
		}
		if n <= 0 {
			continue
		}
		data := make([]byte, n)
		copy(data, buf[:n])
		d.schedule(data)
	}
}

func (d *direction) writeLoop() {
	timer := time.NewTimer(time.Hour)
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.mu.Unlock()
			<-d.wake
			continue
		}
		wait := d.queue[0].at - nowMs()
		if wait <= 0 {
			it := heap.Pop(&d.queue).(item)
			d.mu.Unlock()
			_, err := syscall.Write(d.out, it.data)
			d.mu.Lock()
			if err != nil {
				d.counters.WriteErrors++
			} else {
				d.counters.Delivered++
			}
			d.mu.Unlock()
			continue
		}
		d.mu.Unlock()
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(time.Duration(wait * float64(time.Millisecond)))
		select {
		case <-timer.C:
		case <-d.wake:
		}
	}
}

func (d *direction) snapshot() Counters {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counters
}

const (
	iffTun    = 0x0001
	iffNoPi   = 0x1000
	tunSetIff = 0x400454ca
)

// setnsNumber: Go 1.19's syscall has no SYS_SETNS.
func setnsNumber() uintptr {
	switch runtime.GOARCH {
	case "arm64", "riscv64":
		return 268
	case "386":
		return 346
	case "arm":
		return 375
	default: // amd64
		return 308
	}
}

var sysSetns = setnsNumber()

// attach opens the TUN device `dev` that already exists in network namespace `ns`.
func attach(ns, dev string) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return -1, err
	}
	defer self.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		return -1, err
	}
	defer target.Close()
	if _, _, e := syscall.Syscall(sysSetns, target.Fd(), syscall.CLONE_NEWNET, 0); e != 0 {
		return -1, fmt.Errorf("setns %s: %v", ns, e)
	}
	// Back to our own namespace whatever happens; the TUN fd stays bound to the device in `ns`.
	defer syscall.Syscall(sysSetns, self.Fd(), syscall.CLONE_NEWNET, 0)
	fd, err := syscall.Open("/dev/net/tun", syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open /dev/net/tun: %v", err)
	}
	var ifr [40]byte
	copy(ifr[:16], dev)
	*(*uint16)(unsafe.Pointer(&ifr[16])) = iffTun | iffNoPi
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), tunSetIff, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
		syscall.Close(fd)
		return -1, fmt.Errorf("TUNSETIFF %s in %s: %v", dev, ns, e)
	}
	return fd, nil
}

// deriveSeed matches @x/netem's deriveSeed (the reverse direction's seed from the forward one).
func deriveSeed(seed int64) int64 {
	x := int32(seed)
	return int64(int32(uint32(x)*0x2c1b3c6d) ^ 0x5bd1e995)
}

func parseModel(s string) (Model, error) {
	var m Model
	if s == "" {
		return m, nil
	}
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

func main() {
	nsA := flag.String("a", "", "network namespace of side A")
	nsB := flag.String("b", "", "network namespace of side B")
	dev := flag.String("dev", "tl0", "TUN device name in both namespaces")
	ab := flag.String("ab", "", "impairment model A→B (JSON)")
	ba := flag.String("ba", "", "impairment model B→A (JSON; default: A→B's with a derived seed)")
	statsEvery := flag.Int("stats-every", 0, "print counters every this many ms (0: only at exit)")
	flag.Parse()
	if *nsA == "" || *nsB == "" {
		fmt.Fprintln(os.Stderr, "usage: tun-link -a <netns> -b <netns> [-dev tl0] [-ab JSON] [-ba JSON] [-stats-every ms]")
		os.Exit(2)
	}
	mAB, err := parseModel(*ab)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tun-link: -ab: %v\n", err)
		os.Exit(2)
	}
	mBA := mAB
	var seedBA int64 = deriveSeed(1)
	if mAB.Seed != nil {
		s := deriveSeed(*mAB.Seed)
		mBA.Seed = &s
	}
	if *ba != "" {
		if mBA, err = parseModel(*ba); err != nil {
			fmt.Fprintf(os.Stderr, "tun-link: -ba: %v\n", err)
			os.Exit(2)
		}
	}
	fdA, err := attach(*nsA, *dev)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tun-link: %v\n", err)
		os.Exit(1)
	}
	fdB, err := attach(*nsB, *dev)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tun-link: %v\n", err)
		os.Exit(1)
	}
	dirAB := newDirection("aToB", fdA, fdB, mAB, 1)
	dirBA := newDirection("bToA", fdB, fdA, mBA, seedBA)
	for _, d := range []*direction{dirAB, dirBA} {
		go d.readLoop()
		go d.writeLoop()
	}
	report := func(final bool) {
		line, _ := json.Marshal(map[string]interface{}{"final": final, "ms": math.Round(nowMs()), "aToB": dirAB.snapshot(), "bToA": dirBA.snapshot()})
		fmt.Println(string(line))
	}
	fmt.Println("ready")
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	var tick <-chan time.Time
	if *statsEvery > 0 {
		tick = time.NewTicker(time.Duration(*statsEvery) * time.Millisecond).C
	}
	for {
		select {
		case <-tick:
			report(false)
		case <-signals:
			report(true)
			os.Exit(0)
		}
	}
}
