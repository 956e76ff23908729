#!/usr/bin/env python3
"""A real HTTP(S) server with real faults, for jianfu's HTTP source tests.

    python3 server.py --root DIR [--tls CERT KEY]

Binds 127.0.0.1 on a free port and prints `PORT <n>` on stdout. Serves the files of DIR under
a path whose first part picks the behaviour (`/ROUTE/NAME`):

    files     the file as it is (Content-Type from the extension)
    flaky     500 on the first request, then the file
    busy      503 with Retry-After: 1 on the first request, then the file
    broken    always 500
    overloaded always 503 with Retry-After: 1
    stall     waits 10 s before answering
    short     announces 1000 bytes more than it sends, then closes the connection
    loop      302 to /loop/<n+1>, for ever
    redirect  302 to /files/NAME
    elsewhere 302 to http://localhost:PORT/auth/NAME (another origin than 127.0.0.1)
    gzip      the file gzip-compressed when the client accepts gzip
    chunked   the file in chunked transfer encoding (no Content-Length)
    etag      the file with an ETag; 304 when If-None-Match matches
    lastmod   the file with a Last-Modified; 304 when If-Modified-Since matches
    auth      the file (every route records the request headers)

After each request it rewrites DIR/_stats.json: per path, the statuses sent, the request
headers, the times (seconds since start) and the body bytes sent (as on the wire: compressed
for gzip), so that tests can check what reached the server and what it sent.
"""
import argparse
import gzip
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ETAG = '"v1"'
LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
START = time.monotonic()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stats = {}
    lock = threading.Lock()
    root = "."

    def log_message(self, *args):
        pass

    def record(self, status, sent=0):
        with self.lock:
            entry = self.stats.setdefault(self.path, {"statuses": [], "headers": [], "times": [], "sent": []})
            entry["statuses"].append(status)
            entry["sent"].append(sent)
            entry["headers"].append({k: v for k, v in self.headers.items()})
            entry["times"].append(round(time.monotonic() - START, 3))
            tmp = os.path.join(self.root, "_stats.json.tmp")
            with open(tmp, "w") as f:
                json.dump(self.stats, f, indent=1, sort_keys=True)
            os.replace(tmp, os.path.join(self.root, "_stats.json"))

    def count(self):
        with self.lock:
            return len(self.stats.get(self.path, {}).get("statuses", []))

    def file(self, name):
        with open(os.path.join(self.root, name), "rb") as f:
            return f.read()

    @staticmethod
    def content_type(name):
        if name.endswith(".json"):
            return "application/json"
        return "text/csv; charset=utf-8"

    def send(self, status, body=b"", headers=()):
        self.record(status, len(body) if status != 304 else 0)
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def do_GET(self):
        parts = self.path.split("/", 2)
        route, name = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        earlier = self.count()
        if route == "files" or route == "auth":
            return self.send(200, self.file(name), [("Content-Type", self.content_type(name))])
        if route == "flaky":
            if earlier == 0:
                return self.send(500, b"try again\n")
            return self.send(200, self.file(name), [("Content-Type", self.content_type(name))])
        if route == "busy":
            if earlier == 0:
                return self.send(503, b"busy\n", [("Retry-After", "1")])
            return self.send(200, self.file(name), [("Content-Type", self.content_type(name))])
        if route == "broken":
            return self.send(500, b"internal error\n")
        if route == "overloaded":
            return self.send(503, b"busy\n", [("Retry-After", "1")])
        if route == "stall":
            time.sleep(10)
            return self.send(200, self.file(name))
        if route == "short":
            body = self.file(name)
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if route == "loop":
            n = int(name) if name.isdigit() else 0
            return self.send(302, b"", [("Location", f"/loop/{n + 1}")])
        if route == "redirect":
            return self.send(302, b"", [("Location", f"/files/{name}")])
        if route == "elsewhere":
            port = self.server.server_address[1]
            scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
            return self.send(302, b"", [("Location", f"{scheme}://localhost:{port}/auth/{name}")])
        if route == "gzip":
            body = self.file(name)
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                return self.send(200, gzip.compress(body), [("Content-Encoding", "gzip"), ("Content-Type", self.content_type(name))])
            return self.send(200, body, [("Content-Type", self.content_type(name))])
        if route == "chunked":
            body = self.file(name)
            self.record(200)
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Content-Type", self.content_type(name))
            self.end_headers()
            for i in range(0, len(body), 4096):
                piece = body[i:i + 4096]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        if route == "etag":
            if self.headers.get("If-None-Match") == ETAG:
                return self.send(304, headers=[("ETag", ETAG)])
            return self.send(200, self.file(name), [("ETag", ETAG), ("Content-Type", self.content_type(name))])
        if route == "lastmod":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                return self.send(304)
            return self.send(200, self.file(name), [("Last-Modified", LAST_MODIFIED), ("Content-Type", self.content_type(name))])
        return self.send(404, b"no such route\n")


def main():
    # A test process may start us with signals blocked (a Dispatch thread's mask is inherited);
    # unblock them so that the test's SIGTERM stops us.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    Handler.root = args.root
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
