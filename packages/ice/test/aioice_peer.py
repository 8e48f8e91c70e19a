"""An aioice agent driven over stdin/stdout with JSON lines, for the interop test.

Out: {"type":"local", ufrag, pwd, candidates:[sdp...]} then {"type":"connected", controlling} and one
{"type":"data","text":...} per datagram received (each is echoed back as "echo:<text>").
In:  {"type":"remote", ufrag, pwd, candidates:[...]}, {"type":"send","text":...}, {"type":"close"}.
Loopback only: host addresses are forced to 127.0.0.1.
"""
import asyncio
import json
import sys

import aioice
import aioice.ice

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main():
    controlling = sys.argv[1] == "controlling"
    conn = aioice.Connection(ice_controlling=controlling, components=1, use_ipv6=False)
    await conn.gather_candidates()
    emit({
        "type": "local",
        "ufrag": conn.local_username,
        "pwd": conn.local_password,
        "candidates": ["candidate:" + c.to_sdp() for c in conn.local_candidates],
    })
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def receive():
        while True:
            data = await conn.recv()
            text = data.decode()
            emit({"type": "data", "text": text})
            if not text.startswith("echo:"):
                await conn.send(("echo:" + text).encode())

    recv_task = None
    while True:
        line = await reader.readline()
        if not line:
            break
        msg = json.loads(line)
        if msg["type"] == "remote":
            conn.remote_username = msg["ufrag"]
            conn.remote_password = msg["pwd"]
            for c in msg["candidates"]:
                sdp = c[len("candidate:"):] if c.startswith("candidate:") else c
                await conn.add_remote_candidate(aioice.Candidate.from_sdp(sdp))
            await conn.add_remote_candidate(None)
            try:
                await conn.connect()
            except Exception as e:  # report and stay for the test to see
                emit({"type": "failed", "error": str(e)})
                continue
            emit({"type": "connected", "controlling": conn.ice_controlling})
            recv_task = asyncio.ensure_future(receive())
        elif msg["type"] == "send":
            await conn.send(msg["text"].encode())
        elif msg["type"] == "close":
            break
    if recv_task:
        recv_task.cancel()
    await conn.close()


asyncio.run(main())
