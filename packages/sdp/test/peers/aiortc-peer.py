# aiortc 1.4 (Debian python3-aiortc) as the other side of offer/answer, one JSON object per line.
#   offerer:  prints {"offer": sdp}, reads {"answer": sdp}, applies it, prints the outcome.
#   answerer: reads {"offer": sdp}, applies it, prints {"answer": sdp} from createAnswer.
# Run under `unshare -n`: only loopback exists, and gathering is limited to 127.0.0.1 anyway.
import asyncio
import json
import sys

import aioice.ice
from aiortc import RTCPeerConnection, RTCSessionDescription

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def read():
    return json.loads(sys.stdin.readline())


async def offerer():
    pc = RTCPeerConnection()
    pc.addTransceiver("audio", direction="sendrecv")
    pc.addTransceiver("video", direction="sendrecv")
    pc.createDataChannel("chat")
    await pc.setLocalDescription(await pc.createOffer())
    out({"offer": pc.localDescription.sdp})
    answer = read()["answer"]
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        out({
            "ok": True,
            "signalingState": pc.signalingState,
            "transceivers": [
                {"mid": t.mid, "currentDirection": t.currentDirection,
                 "codecs": [c.mimeType for c in (t._codecs or [])]}
                for t in pc.getTransceivers()
            ],
            "sctp": pc.sctp is not None,
        })
    except Exception as e:  # noqa: BLE001 - report any refusal to the test
        out({"ok": False, "error": repr(e)})
    await pc.close()


async def answerer():
    pc = RTCPeerConnection()
    offer = read()["offer"]
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        answer = await pc.createAnswer()
        out({"ok": True, "answer": answer.sdp})
    except Exception as e:  # noqa: BLE001
        out({"ok": False, "error": repr(e)})
    await pc.close()


asyncio.run(offerer() if sys.argv[1] == "offerer" else answerer())
