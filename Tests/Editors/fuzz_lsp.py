"""A brief, bounded fuzz of `tilt lsp`: random and mutated JSON-RPC messages over its standard input.

Fixed seed, a fixed number of messages: requests and notifications with random methods, parameters,
positions (negative, fractional, far past the end) and ids; document edits with random ranges and text
(astral characters, CJK, combining marks, control characters); malformed framing and JSON. Every 100
messages the server must answer a hover request; at the end `shutdown` and `exit` must end it with status
0. Closes with `N passed, N failed`.

Usage: python3 Tests/Editors/fuzz_lsp.py PATH/TO/tilt [MESSAGES]
"""
import json
import os
import random
import select
import subprocess
import sys

TILT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/tilt")
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
SEED = 20241207
URI = "file:///fuzz.tilt"
METHODS = ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/formatting",
           "textDocument/semanticTokens/full", "textDocument/didChange", "textDocument/didOpen", "textDocument/didClose",
           "textDocument/rename", "initialize", "$/cancelRequest", "workspace/symbol", "", None, 42]
PIECES = ["let", " x", " = ", "[1, 2; 3, 4]", "'", "mu'f", " s.t. ", "tev <= 6%", "\n", "\r\n", "\r", "(", ")", "|",
          "solve minimize quad(w, S)", "solve(tol_gap: 1e-9, max_iter: ", "var w[2]", "🎉", "価格", "e\u0301", "\u0000", "\"", "#", "1994-01", "inv(", "\t", " "]


class Server:
    def __init__(self):
        self.process = subprocess.Popen([TILT, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buffer = b""

    def write(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def drain(self, wait=0.0):
        """Reads what the server sent (waiting up to `wait` s for the first bytes); the messages."""
        messages = []
        fd = self.process.stdout.fileno()
        while select.select([fd], [], [], wait)[0]:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            self.buffer += chunk
            wait = 0.05
        while b"\r\n\r\n" in self.buffer:
            header, rest = self.buffer.split(b"\r\n\r\n", 1)
            length = int(header.split(b":")[1])
            if len(rest) < length:
                break
            messages.append(json.loads(rest[:length]))
            self.buffer = rest[length:]
        return messages


def random_value(rng, depth=0):
    choice = rng.randrange(7 if depth < 3 else 4)
    if choice == 0:
        return rng.choice([None, True, False])
    if choice == 1:
        return rng.choice([0, -1, 1, 0.5, 2 ** 40, -(2 ** 53), 1e300, rng.randrange(200)])
    if choice == 2:
        return "".join(rng.choice(PIECES) for _ in range(rng.randrange(8)))
    if choice == 3:
        return URI
    if choice == 4:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["textDocument", "position", "uri", "line", "character", "contentChanges", "range", "start", "end",
                        "text", "version", "options"]): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def position(rng):
    return {"line": rng.choice([0, 1, 2, 5, -1, 10 ** 9, 0.5, rng.randrange(6)]),
            "character": rng.choice([0, 1, 3, 7, -2, 10 ** 9, 1.5, rng.randrange(30)])}


def message(rng, next_id):
    method = rng.choice(METHODS)
    kind = rng.randrange(10)
    if kind < 4:  # a plausible edit
        change = {"text": "".join(rng.choice(PIECES) for _ in range(rng.randrange(12)))}
        if rng.random() < 0.8:
            change["range"] = {"start": position(rng), "end": position(rng)}
        return {"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": URI, "version": next_id}, "contentChanges": [change]}}
    if kind < 7:  # a plausible request at a random position
        return {"jsonrpc": "2.0", "id": next_id, "method": rng.choice(METHODS[:5]),
                "params": {"textDocument": {"uri": URI}, "position": position(rng), "options": {}}}
    m = {"jsonrpc": rng.choice(["2.0", "1.0", None]), "method": method, "params": random_value(rng)}
    if rng.random() < 0.7:
        m["id"] = rng.choice([next_id, str(next_id), None, {"x": 1}, [1], 1.5])
    return m


def main():
    rng = random.Random(SEED)
    server = Server()
    passed = failed = 0
    server.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}})
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": URI, "languageId": "tilt", "version": 0, "text": "let x = 1\n"}}})
    for i in range(1, COUNT + 1):
        kind = rng.randrange(20)
        if kind == 0:  # raw framing trouble: bad JSON, no length, a length shorter than the body
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(30)))
            server.write(rng.choice([b"Content-Length: %d\r\n\r\n" % len(body) + body,
                                     b"X-Header: 1\r\n\r\n",
                                     b"Content-Length: %d\r\n\r\n" % max(0, len(body) - 3) + body]))
        else:
            m = message(rng, i)
            if m.get("method") in ("initialize",) and "id" in m:
                m["id"] = i
            server.send(m)
        server.drain()
        if i % 100 == 0:
            # Reopen the document (a fuzzed didClose or didOpen may have replaced it), then ask for a hover.
            server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                         "params": {"textDocument": {"uri": URI, "languageId": "tilt", "version": i, "text": "let x = 1\nx\n"}}})
            probe = f"probe-{i}"
            server.send({"jsonrpc": "2.0", "id": probe, "method": "textDocument/hover",
                         "params": {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 0}}})
            answered = False
            for _ in range(200):
                if any(m.get("id") == probe and "result" in m for m in server.drain(wait=0.5)):
                    answered = True
                    break
                if server.process.poll() is not None:
                    break
            if answered:
                passed += 1
            else:
                failed += 1
                print(f"FAIL  after {i} fuzz messages the server {'died' if server.process.poll() is not None else 'does not answer'}")
                break
    if server.process.poll() is None:
        server.send({"jsonrpc": "2.0", "id": "end", "method": "shutdown"})
        server.send({"jsonrpc": "2.0", "method": "exit"})
        try:
            code = server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            code = None
        if code == 0:
            passed += 1
        else:
            failed += 1
            print(f"FAIL  shutdown and exit ended the server with {code}")
    print(f"language server fuzz: {COUNT} messages, seed {SEED}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
