"""libsrtp 2 throughput through pylibsrtp, timed inside Python.

Usage: libsrtp-bench.py <profile> <payload bytes> <seconds per direction> [packets per round]
Prints {"protect": packets/s, "unprotect": packets/s} as JSON: the rate of the fastest round of
packets (4096 by default; the machine is shared; the fastest round is the least disturbed, as with timeit).
Packets are prepared before timing; each timed call is one srtp_protect / srtp_unprotect
(plus pylibsrtp's copy in and out, which any Python caller pays).
"""
import json
import sys
import time

import pylibsrtp

PROFILES = {
    "SRTP_AES128_CM_HMAC_SHA1_80": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
    "SRTP_AEAD_AES_128_GCM": pylibsrtp.Policy.SRTP_PROFILE_AEAD_AES_128_GCM,
}
KEY_LEN = {"SRTP_AES128_CM_HMAC_SHA1_80": 30, "SRTP_AEAD_AES_128_GCM": 28}
RING = 4096


def session(profile, ssrc_type):
    key = bytes((i * 7 + 1) & 0xFF for i in range(KEY_LEN[profile]))
    return pylibsrtp.Session(pylibsrtp.Policy(key=key, ssrc_type=ssrc_type, srtp_profile=PROFILES[profile]))


def main():
    global RING
    profile, payload, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if len(sys.argv) > 4:
        RING = int(sys.argv[4])
    body = bytes(i & 0xFF for i in range(payload))
    plain = [bytes([0x80, 96, seq >> 8, seq & 0xFF, 0, 0, 0, 0, 0, 0, 0, 1]) + body for seq in range(RING)]

    tx = session(profile, pylibsrtp.Policy.SSRC_ANY_OUTBOUND)
    protected = [tx.protect(p) for p in plain]

    def best_rate(round_):
        best, start = 0.0, time.perf_counter()
        while True:
            t = time.perf_counter()
            round_()
            now = time.perf_counter()
            best = max(best, RING / (now - t))
            if now - start >= seconds:
                return best

    def protect_round():
        # a fresh sender per ring so indices stay in order without growing the list
        tx = session(profile, pylibsrtp.Policy.SSRC_ANY_OUTBOUND)
        for p in plain:
            tx.protect(p)

    def unprotect_round():
        rx = session(profile, pylibsrtp.Policy.SSRC_ANY_INBOUND)
        for p in protected:
            rx.unprotect(p)

    protect_rate = best_rate(protect_round)
    unprotect_rate = best_rate(unprotect_round)
    json.dump({"protect": protect_rate, "unprotect": unprotect_rate}, sys.stdout)


if __name__ == "__main__":
    main()
