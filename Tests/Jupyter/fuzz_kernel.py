"""A brief, bounded fuzz of `tilt kernel`: random and mutated messages on its shell and control sockets.

Fixed seed, a fixed number of messages: signed and unsigned, well-formed and not (random types, contents,
frames, JSON, bytes), and random cells of Tilt tokens. Every 100 messages the kernel must still answer a
kernel_info_request and run a cell; the kernel process must never end. Closes with `N passed, N failed`.

Usage: python3 Tests/Jupyter/fuzz_kernel.py PATH/TO/tilt [MESSAGES]
"""
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid

import zmq
from jupyter_client import KernelManager

TILT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/tilt")
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
SEED = 20241207

TYPES = ["kernel_info_request", "execute_request", "complete_request", "inspect_request", "is_complete_request",
         "history_request", "comm_info_request", "comm_open", "comm_msg", "comm_close", "interrupt_request",
         "input_reply", "debug_request", "connect_request", "usage_request", "", "x" * 300, "execute_reply", "status"]
WORDS = ["let", "x", "y", "=", "[", "]", "(", ")", ",", ";", "+", "-", "*", "'", "1", "2.5", "6%", "25bps", "1994-01",
         "inv", "sum", "ones(3)", "eye(2)", "diag", "tev", "mu'f", "maximize", "s.t.", "<=", "solve", "minimize", "var",
         "w[2]", "quad", "tol_feas:", "max_iter:", ":explain", ":help", ":type", "|", '"str"', "\n", "print", "to", "by", "🎉", "価", "e\u0301", "\x00", "#"]


def random_json(rng, depth=0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice([0, -1, 1, 2 ** 31, -(2 ** 63), 1e308, 0.5, rng.randrange(-1000, 1000)])
    if kind == 3:
        return "".join(rng.choice(WORDS) for _ in range(rng.randrange(6)))
    if kind == 4:
        return rng.choice(["", "tail", "range", "search", "*", "ok"])
    if kind == 5:
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["code", "cursor_pos", "silent", "store_history", "hist_access_type", "n", "pattern", "restart",
                        "detail_level", "comm_id", "target_name", "session", "start", "stop", "unique", "output"]):
            random_json(rng, depth + 1) for _ in range(rng.randrange(5))}


def random_cell(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 25)))


def content_for(rng, msg_type):
    if msg_type == "execute_request" and rng.random() < 0.7:
        return {"code": random_cell(rng), "silent": rng.random() < 0.2, "store_history": rng.random() < 0.8,
                "stop_on_error": rng.random() < 0.5}
    if msg_type in ("complete_request", "inspect_request") and rng.random() < 0.7:
        code = random_cell(rng)
        return {"code": code, "cursor_pos": rng.choice([0, len(code), -5, 10 ** 12, rng.randrange(len(code) + 1)])}
    if msg_type == "is_complete_request" and rng.random() < 0.7:
        return {"code": random_cell(rng)}
    value = random_json(rng)
    return value if isinstance(value, dict) else {"value": value}


def frames_for(rng, key):
    msg_type = rng.choice(TYPES)
    header = {"msg_id": uuid.uuid4().hex, "session": "fuzz", "username": "fuzz", "date": "2024-01-01T00:00:00Z",
              "msg_type": msg_type, "version": "5.3"}
    parts = [json.dumps(header).encode(), b"{}", b"{}", json.dumps(content_for(rng, msg_type)).encode()]
    mutation = rng.randrange(10)
    if mutation == 0:  # flip a byte of a JSON frame (then signed: malformed JSON reaches the parser)
        i = rng.randrange(4)
        if parts[i]:
            b = bytearray(parts[i])
            b[rng.randrange(len(b))] = rng.randrange(256)
            parts[i] = bytes(b)
    elif mutation == 1:  # a frame that is not an object
        parts[rng.randrange(4)] = rng.choice([b"[]", b"null", b"1", b"\"s\"", b"", b"\xff\xfe"])
    signature = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()
    if mutation == 2:
        signature = signature[::-1]
    frames = [b"<IDS|MSG>", signature] + parts
    if mutation == 3:
        del frames[rng.randrange(len(frames))]
    elif mutation == 4:
        frames = [bytes(rng.randrange(256) for _ in range(rng.randrange(40))) for _ in range(rng.randrange(1, 8))]
    elif mutation == 5:
        frames.append(b"buffer" * rng.randrange(3))
    return frames


def main():
    rng = random.Random(SEED)
    prefix = tempfile.mkdtemp(prefix="tilt-fuzz-")
    subprocess.run([TILT, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    km = KernelManager(kernel_name="tilt")
    km.start_kernel(cwd=prefix, stderr=subprocess.DEVNULL)
    client = km.client()
    client.start_channels()
    passed = failed = 0
    context = zmq.Context()
    sockets = []
    try:
        client.wait_for_ready(timeout=60)
        for port in (km.shell_port, km.control_port):
            s = context.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.connect(f"tcp://{km.ip}:{port}")
            sockets.append(s)
        for i in range(1, COUNT + 1):
            rng.choice(sockets).send_multipart(frames_for(rng, km.session.key))
            for s in sockets:  # drain replies so that no queue grows
                while s.poll(0):
                    s.recv_multipart()
            if i % 100 == 0:
                alive = km.is_alive()
                try:
                    client.kernel_info()
                    reply = client.get_shell_msg(timeout=120)
                    while reply["msg_type"] != "kernel_info_reply":
                        reply = client.get_shell_msg(timeout=120)
                    msg_id = client.execute("1 + 1", stop_on_error=False)
                    reply = client.get_shell_msg(timeout=120)
                    while reply["parent_header"].get("msg_id") != msg_id:
                        reply = client.get_shell_msg(timeout=120)
                    answered = reply["content"]["status"] in ("ok", "aborted")
                except Exception as error:  # noqa: BLE001 — a timeout is the failure being looked for
                    answered = False
                    print(f"  no answer: {error!r}")
                if alive and answered:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL  after {i} fuzz messages the kernel {'does not answer' if alive else 'died'}")
                    break
        print(f"kernel fuzz: {COUNT} messages, seed {SEED}")
    finally:
        for s in sockets:
            s.close()
        context.term()
        client.stop_channels()
        km.shutdown_kernel(now=not km.is_alive())
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
