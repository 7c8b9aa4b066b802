#!/usr/bin/python3
"""A stand-in for the model hub on loopback, for the tests of `empathic model pull`.

It serves model folders in the hub's URL layout and imitates how the hub answers:
  HEAD/GET /ORG/NAME/resolve/REV/PATH
    small files:  200, ETag = git blob id (sha1 of "blob <size>\\0" + bytes), Content-Length,
                  X-Repo-Commit
    large files (*.onnx, *.onnx_data): 302 to a second "download host" port, with the sha256 in
                  X-Linked-Etag (and ETag), the size in X-Linked-Size, X-Repo-Commit
    unknown repo: 404 (or --missing-status) with X-Error-Code: RepoNotFound
    unknown revision: 404 RevisionNotFound; unknown file: 404 EntryNotFound
    gated repo without a valid token: 401 (403 with a wrong token), X-Error-Code: GatedRepo
  GET /cdn/ORG/NAME/COMMIT/PATH on the download port: the bytes, with Range support (206).

Fault injection for the tests: --corrupt PATH serves altered bytes (the published sha256 stays
the true one); --cut-after N --cut-times K breaks the first K large-file transfers after N
bytes; --stall-after N sends N bytes of the first large-file transfer and then hangs;
--ignore-range answers every range request with the whole file (200); --rename OLD=NEW
answers requests for repository OLD with a relative 307 to NEW, as the hub does for a renamed
repository.

Every request is appended to --log as one JSON line (port, method, path, range, whether an
Authorization header came). Binds 127.0.0.1 on free ports and writes "PORT CDN_PORT" to
--port-file once listening. Nothing here reaches beyond loopback.
"""

import argparse
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

LARGE_SUFFIXES = (".onnx", ".onnx_data")


class Hub:
    def __init__(self, args):
        self.repos = {}  # "org/name" -> folder
        for spec in args.repo:
            repo_id, folder = spec.split("=", 1)
            self.repos[repo_id] = folder
        self.gated = set(args.gated or [])
        self.token = args.token
        self.corrupt = set(args.corrupt or [])
        self.cut_after = args.cut_after
        self.cuts_left = args.cut_times
        self.stall_after = args.stall_after
        self.ignore_range = args.ignore_range
        self.missing_status = args.missing_status
        self.log_path = args.log
        self.renamed = dict(spec.split("=", 1) for spec in (args.rename or []))
        self.lock = threading.Lock()
        self.cdn_port = 0

    def commit_of(self, repo_id):
        return hashlib.sha1(repo_id.encode()).hexdigest()

    def log(self, entry):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a") as out:
            out.write(json.dumps(entry) + "\n")

    def file_bytes(self, repo_id, path):
        folder = self.repos[repo_id]
        full = os.path.normpath(os.path.join(folder, path))
        if not full.startswith(os.path.normpath(folder) + os.sep) or not os.path.isfile(full):
            return None
        with open(full, "rb") as f:
            data = f.read()
        return data

    def served_bytes(self, path, data):
        if path in self.corrupt:
            flipped = bytearray(data)
            flipped[len(flipped) // 2] ^= 0xFF
            return bytes(flipped)
        return data


def make_handler(hub, role):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def record(self):
            hub.log({
                "role": role,
                "method": self.command,
                "path": unquote(self.path),
                "range": self.headers.get("Range"),
                "auth": self.headers.get("Authorization") is not None,
            })

        def reply(self, status, headers=None, body=b""):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and body:
                self.wfile.write(body)

        def error(self, status, code, message):
            self.reply(status, {"X-Error-Code": code, "X-Error-Message": message,
                                "Content-Type": "text/plain"}, message.encode())

        def do_HEAD(self):
            self.handle_any()

        def do_GET(self):
            self.handle_any()

        def handle_any(self):
            self.record()
            if role == "cdn":
                self.serve_cdn()
            else:
                self.serve_resolve()

        def serve_resolve(self):
            parts = self.path.split("?")[0].lstrip("/").split("/")
            if len(parts) < 5 or parts[2] != "resolve":
                return self.error(404, "RepoNotFound", "Repository not found")
            repo_id = parts[0] + "/" + parts[1]
            revision = unquote(parts[3])
            path = "/".join(unquote(p) for p in parts[4:])
            if repo_id in hub.renamed:
                moved = "/%s/%s" % (hub.renamed[repo_id], "/".join(parts[2:]))
                return self.reply(307, {"Location": moved}, b"Moved")
            if repo_id not in hub.repos:
                return self.error(hub.missing_status, "RepoNotFound", "Repository not found")
            if repo_id in hub.gated:
                auth = self.headers.get("Authorization")
                if auth is None:
                    return self.error(401, "GatedRepo", "Access to this model is restricted")
                if auth != "Bearer " + (hub.token or ""):
                    return self.error(403, "GatedRepo", "Access to this model is restricted")
            commit = hub.commit_of(repo_id)
            if revision not in ("main", commit):
                return self.error(404, "RevisionNotFound", "Invalid rev id: " + revision)
            data = hub.file_bytes(repo_id, path)
            if data is None:
                return self.error(404, "EntryNotFound", path + " does not exist on main")

            if path.endswith(LARGE_SUFFIXES):
                sha = hashlib.sha256(data).hexdigest()
                location = "http://127.0.0.1:%d/cdn/%s/%s/%s" % (
                    hub.cdn_port, repo_id, commit, quote(path))
                return self.reply(302, {
                    "Location": location,
                    "X-Linked-Etag": '"%s"' % sha,
                    "ETag": '"%s"' % sha,
                    "X-Linked-Size": str(len(data)),
                    "X-Repo-Commit": commit,
                }, b"Found. Redirecting")
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            self.reply(200, {"ETag": '"%s"' % blob, "X-Repo-Commit": commit,
                             "Content-Type": "application/octet-stream"},
                       hub.served_bytes(path, data))

        def serve_cdn(self):
            parts = self.path.split("?")[0].lstrip("/").split("/")
            if len(parts) < 5 or parts[0] != "cdn":
                return self.reply(404)
            repo_id = parts[1] + "/" + parts[2]
            path = "/".join(unquote(p) for p in parts[4:])
            if repo_id not in hub.repos:
                return self.reply(404)
            data = hub.file_bytes(repo_id, path)
            if data is None:
                return self.reply(404)
            data = hub.served_bytes(path, data)

            start = 0
            status = 200
            rng = self.headers.get("Range")
            if rng and not hub.ignore_range and rng.startswith("bytes="):
                start = int(rng[len("bytes="):].split("-")[0])
                if start >= len(data):
                    return self.reply(416, {"Content-Range": "bytes */%d" % len(data)})
                status = 206
            body = data[start:]
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                self.send_header("Content-Range",
                                 "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
            self.end_headers()
            if self.command == "HEAD":
                return

            with hub.lock:
                stall = hub.stall_after
                hub.stall_after = None
                cut = hub.cut_after if hub.cuts_left > 0 else None
                if cut is not None:
                    hub.cuts_left -= 1
            if stall is not None:
                self.wfile.write(body[:stall])
                self.wfile.flush()
                time.sleep(3600)
                return
            if cut is not None:
                self.wfile.write(body[:cut])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", default=[], help="ORG/NAME=FOLDER")
    parser.add_argument("--gated", action="append", help="ORG/NAME that needs --token")
    parser.add_argument("--token", default="")
    parser.add_argument("--corrupt", action="append", help="file path served damaged")
    parser.add_argument("--cut-after", type=int, default=0)
    parser.add_argument("--cut-times", type=int, default=0)
    parser.add_argument("--stall-after", type=int, default=None)
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--missing-status", type=int, default=404)
    parser.add_argument("--rename", action="append", help="OLD=NEW repository id")
    parser.add_argument("--log")
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    hub = Hub(args)
    resolve = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(hub, "hub"))
    cdn = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(hub, "cdn"))
    resolve.daemon_threads = cdn.daemon_threads = True
    hub.cdn_port = cdn.server_address[1]
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as out:
        out.write("%d %d\n" % (resolve.server_address[1], hub.cdn_port))
    os.rename(tmp, args.port_file)
    try:
        resolve.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
