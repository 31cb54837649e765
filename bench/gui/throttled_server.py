#!/usr/bin/env python3
"""A slow local HTTP source for looking at the window: GET /NAME?size=BYTES&rate=BYTES_PER_S
answers BYTES pseudo-random bytes at about RATE (ranges supported). 127.0.0.1 only."""
import http.server
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        size = int(q.get("size", ["50000000"])[0])
        rate = int(q.get("rate", ["300000"])[0])
        if q.get("status"):
            self.send_response(int(q["status"][0]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end = 0, size - 1
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            start = int(a or 0)
            end = int(b) if b else size - 1
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{size}"')
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        chunk = bytes(range(256)) * 64  # 16 KiB
        pos = start
        try:
            while pos <= end:
                n = min(len(chunk), end - pos + 1)
                self.wfile.write(chunk[:n])
                pos += n
                time.sleep(n / rate)
        except (BrokenPipeError, ConnectionResetError):
            pass


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
