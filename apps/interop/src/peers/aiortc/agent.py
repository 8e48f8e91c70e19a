"""The aiortc peer agent: answers the harness's requests (src/protocol.ts), one JSON object a line
on stdin, replies and events one a line on stdout. Runs on Debian's /usr/bin/python3 with
python3-aiortc (1.4) and python3-aioice, on 127.0.0.1 only."""
import asyncio
import hashlib
import json
import sys

import aioice.ice

# aioice gathers on non-loopback addresses only; keep it on loopback (docs/architecture.md).
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpSender, RTCSessionDescription  # noqa: E402
from aiortc.contrib.media import MediaPlayer  # noqa: E402
from aiortc.mediastreams import MediaStreamError  # noqa: E402
from aiortc.sdp import candidate_from_sdp  # noqa: E402


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def test_message(i, length):
    head = bytes([(i >> 24) & 0xFF, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
    body = bytes((i + j) % 251 for j in range(4, min(length, 4 + 251)))
    # (i + j) % 251 repeats every 251 bytes: build from one period.
    if length > 4 + 251:
        body = (body * ((length - 4) // 251 + 1))[: length - 4]
    return head + body


class Stats:
    def __init__(self):
        self.messages = self.bytes = self.valid = self.invalid = self.duplicates = self.reordered = 0
        self.highest = -1
        self.seen = set()
        self.hash = hashlib.sha256()

    def add(self, data):
        self.messages += 1
        self.bytes += len(data)
        self.hash.update(data)
        if len(data) < 4:
            self.invalid += 1
            return
        i = int.from_bytes(data[:4], "big")
        if data[4:] == test_message(i, len(data))[4:]:
            self.valid += 1
        else:
            self.invalid += 1
        if i in self.seen:
            self.duplicates += 1
        self.seen.add(i)
        if i < self.highest:
            self.reordered += 1
        else:
            self.highest = i

    def report(self):
        return {
            "messages": self.messages,
            "bytes": self.bytes,
            "sha256": self.hash.hexdigest(),
            "valid": self.valid,
            "invalid": self.invalid,
            "duplicates": self.duplicates,
            "reordered": self.reordered,
        }


class Agent:
    def __init__(self):
        self.pc = None
        self.channels = {}
        self.echo = set()
        self.ice_servers = []
        # Media: tracks from addMedia not yet added, players to stop, and what arrives per remote track.
        self.pending = []
        self.players = []
        self.received = []
        self.consumers = set()

    def info(self, ch):
        return {"label": ch.label, "readyState": ch.readyState, "ordered": ch.ordered, "maxRetransmits": ch.maxRetransmits}

    def peer(self):
        if self.pc is None:
            self.pc = RTCPeerConnection(RTCConfiguration(iceServers=self.ice_servers))
            self.pc.on("datachannel", self.adopt)
            self.pc.on("track", self.on_track)

            @self.pc.on("connectionstatechange")
            def state():
                emit({"event": "state", "state": self.pc.connectionState})

        return self.pc

    def adopt(self, ch):
        entry = {"channel": ch, "stats": Stats()}
        self.channels[ch.label] = entry

        def opened():
            emit(dict(event="channel", **self.info(ch)))

        ch.on("open", opened)
        ch.on("close", lambda: emit({"event": "channel-close", "label": ch.label}))

        @ch.on("message")
        def message(data):
            if isinstance(data, str):
                data = data.encode()
            entry["stats"].add(data)
            if ch.label in self.echo:
                ch.send(data)

        if ch.readyState == "open":
            opened()

    def add_media(self, r):
        # aiortc's MediaPlayer decodes the run's files and aiortc's own encoders send them (VP8, Opus).
        if r.get("audio"):
            player = MediaPlayer(r["files"]["ogg"], loop=True)
            self.players.append(player)
            self.pending.append(player.audio)
        self.video_codec = r.get("video")
        if r.get("video"):
            # Decoded frames: aiortc encodes them in the negotiated codec (H.264: libx264 through PyAV).
            player = MediaPlayer(r["files"]["ivf"], loop=True)
            self.players.append(player)
            self.pending.append(player.video)

    def add_pending_media(self):
        # Before the offer, or once the remote offer is set (addTrack then takes its transceivers).
        pc = self.peer()
        for track in self.pending:
            sender = pc.addTrack(track)
            if track.kind == "video" and getattr(self, "video_codec", None) == "H264":
                self.prefer_h264(next(t for t in pc.getTransceivers() if t.sender is sender))
        self.pending = []

    @staticmethod
    def prefer_h264(transceiver):
        # H.264 packetization-mode 1, constrained baseline (42e01f), as browsers negotiate it, with its RTX.
        codecs = RTCRtpSender.getCapabilities("video").codecs
        h264 = [
            c
            for c in codecs
            if c.mimeType.lower() == "video/h264"
            and c.parameters.get("packetization-mode") == "1"
            and c.parameters.get("profile-level-id") == "42e01f"
        ]
        if not h264:
            raise Exception("no H.264 (packetization-mode=1, profile-level-id=42e01f) in RTCRtpSender.getCapabilities('video')")
        transceiver.setCodecPreferences(h264 + [c for c in codecs if c.mimeType.lower() == "video/rtx"])

    def on_track(self, track):
        entry = {"kind": track.kind, "track": track, "decoded": 0}
        self.received.append(entry)

        async def consume():
            # recv() gives decoded frames (aiortc's VP8 and Opus decoders): that count is a decode count.
            try:
                while True:
                    frame = await track.recv()
                    entry["decoded"] += frame.samples // 960 if track.kind == "audio" else 1
            except MediaStreamError:
                pass

        task = asyncio.ensure_future(consume())
        self.consumers.add(task)
        task.add_done_callback(self.consumers.discard)

    async def media_stats(self):
        out = []
        for entry in self.received:
            packets = 0
            for transceiver in self.peer().getTransceivers():
                if transceiver.receiver.track is entry["track"]:
                    for s in (await transceiver.receiver.getStats()).values():
                        if s.type == "inbound-rtp":
                            packets = s.packetsReceived
            # Audio: aiortc's decoder gives 20 ms frames of 960 samples at 48 kHz.
            out.append({"kind": entry["kind"], "codec": None, "packets": packets, "frames": entry["decoded"], "decoded": entry["decoded"]})
        return {"received": out}

    async def wait_channel(self, label, state):
        while label not in self.channels or self.channels[label]["channel"].readyState != state:
            await asyncio.sleep(0.005)
        return self.info(self.channels[label]["channel"])

    def entry(self, label):
        if label not in self.channels:
            raise Exception('no channel "%s"' % label)
        return self.channels[label]

    async def handle(self, r):
        cmd = r["cmd"]
        if cmd == "configure":
            if self.pc is not None:
                raise Exception("configure comes before the peer connection is made")
            # aiortc 1.4 has no iceTransportPolicy: the harness passes on only relay candidates.
            self.ice_servers = [RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential")) for s in r.get("iceServers") or []]
            return {}
        if cmd == "createChannel":
            self.adopt(self.peer().createDataChannel(r["label"], ordered=r.get("ordered", True), maxRetransmits=r.get("maxRetransmits")))
            return {}
        if cmd == "createOffer":
            pc = self.peer()
            self.add_pending_media()
            await pc.setLocalDescription(await pc.createOffer())
            return {"sdp": pc.localDescription.sdp}
        if cmd == "restartIce":
            raise Exception("aiortc 1.4 has no ICE restart (createOffer takes no iceRestart)")
        if cmd == "applyOffer":
            pc = self.peer()
            await pc.setRemoteDescription(RTCSessionDescription(sdp=r["sdp"], type="offer"))
            self.add_pending_media()
            await pc.setLocalDescription(await pc.createAnswer())
            return {"sdp": pc.localDescription.sdp}
        if cmd == "addCandidate":
            # aiortc gathers everything in setLocalDescription (no trickle out), but takes trickled candidates in.
            candidate = candidate_from_sdp(r["candidate"].split(":", 1)[1])
            candidate.sdpMid = r.get("sdpMid") or "0"
            candidate.sdpMLineIndex = r.get("sdpMLineIndex") or 0
            await self.peer().addIceCandidate(candidate)
            return {}
        if cmd == "applyAnswer":
            await self.peer().setRemoteDescription(RTCSessionDescription(sdp=r["sdp"], type="answer"))
            return {}
        if cmd == "waitOpen":
            return await self.wait_channel(r["label"], "open")
        if cmd == "waitClosed":
            return await self.wait_channel(r["label"], "closed")
        if cmd == "echo":
            self.echo.add(r["label"])
            return {}
        if cmd == "send":
            ch = self.entry(r["label"])["channel"]
            h = hashlib.sha256()
            total = 0
            first = r.get("first", 0)
            for i in range(first, first + r["count"]):
                while ch.bufferedAmount > 1024 * 1024:
                    await asyncio.sleep(0.002)
                length = 4 + (i * 7919) % (r["size"] - 3) if r.get("varied") else r["size"]
                data = test_message(i, length)
                h.update(data)
                total += length
                ch.send(data)
                if i % 32 == 0:
                    # Let the SCTP task run: send only queues.
                    await asyncio.sleep(0)
            return {"messages": r["count"], "bytes": total, "sha256": h.hexdigest()}
        if cmd == "waitReceived":
            e = self.entry(r["label"])
            while e["stats"].messages < r["messages"]:
                await asyncio.sleep(0.005)
            return e["stats"].report()
        if cmd == "stats":
            return self.entry(r["label"])["stats"].report()
        if cmd == "closeChannel":
            self.entry(r["label"])["channel"].close()
            return {}
        if cmd == "remoteCandidates":
            raise Exception("aiortc 1.4 does not list its remote candidates")
        if cmd == "addMedia":
            self.add_media(r)
            return {}
        if cmd == "mediaStats":
            return await self.media_stats()
        if cmd == "close":
            for task in list(self.consumers):
                task.cancel()
            if self.pc is not None:
                await self.pc.close()
            return {}
        raise Exception("unknown command " + str(cmd))

    async def serve(self, r):
        try:
            emit({"id": r["id"], "ok": True, "result": await self.handle(r)})
        except Exception as error:  # every failure goes back as the reply
            emit({"id": r["id"], "ok": False, "error": "%s: %s" % (type(error).__name__, error)})
        if r["cmd"] == "close":
            sys.stdout.flush()
            asyncio.get_running_loop().stop()


async def main():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    agent = Agent()
    emit({"event": "ready"})
    tasks = set()
    while True:
        line = await reader.readline()
        if not line:
            break
        try:
            r = json.loads(line)
        except ValueError as error:
            emit({"event": "log", "text": "bad request: %s" % error})
            continue
        task = asyncio.ensure_future(agent.serve(r))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if agent.pc is not None:
        await agent.pc.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except RuntimeError:
        pass  # the loop stopped after `close`
