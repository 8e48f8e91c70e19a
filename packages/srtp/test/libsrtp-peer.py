"""libsrtp (through pylibsrtp) as a peer for the interop test.

Reads one JSON job on stdin: {"profile": name, "key": hex(master key || master salt),
"ops": [{"op": "protect" | "unprotect" | "protect_rtcp" | "unprotect_rtcp", "packets": [hex]}]}.
Protect ops share one outbound session, unprotect ops one inbound session, in order.
Writes {"results": [[hex or "ERR:<libsrtp error>", ...], ...]} on stdout.
"""
import json
import sys

import pylibsrtp

PROFILES = {
    "SRTP_AES128_CM_HMAC_SHA1_80": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
    "SRTP_AES128_CM_HMAC_SHA1_32": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_32,
    "SRTP_AEAD_AES_128_GCM": pylibsrtp.Policy.SRTP_PROFILE_AEAD_AES_128_GCM,
    "SRTP_AEAD_AES_256_GCM": pylibsrtp.Policy.SRTP_PROFILE_AEAD_AES_256_GCM,
}


def session(profile, key, ssrc_type):
    policy = pylibsrtp.Policy(key=key, ssrc_type=ssrc_type, srtp_profile=PROFILES[profile])
    return pylibsrtp.Session(policy=policy)


def main():
    job = json.load(sys.stdin)
    key = bytes.fromhex(job["key"])
    tx = session(job["profile"], key, pylibsrtp.Policy.SSRC_ANY_OUTBOUND)
    rx = session(job["profile"], key, pylibsrtp.Policy.SSRC_ANY_INBOUND)
    results = []
    for op in job["ops"]:
        fn = {
            "protect": tx.protect,
            "protect_rtcp": tx.protect_rtcp,
            "unprotect": rx.unprotect,
            "unprotect_rtcp": rx.unprotect_rtcp,
        }[op["op"]]
        out = []
        for packet in op["packets"]:
            try:
                out.append(bytes(fn(bytes.fromhex(packet))).hex())
            except pylibsrtp.Error as e:
                out.append("ERR:" + str(e))
        results.append(out)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
