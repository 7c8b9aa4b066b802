#!/usr/bin/python3
"""API tests for `empathic serve`: they start the real server on a free loopback port with a
temporary --home and call every route of the JSON API, for success and for failure.

Usage: test_api.py --binary path/to/empathic [--fixtures DIR] [unittest options]
Standard library only; nothing leaves loopback.
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

BINARY = None
FIXTURES = None
SERVER = None

PRIVATE_WORDS = "marmalade-zeppelin"  # appears in entries; must never appear in the log


class Server:
    """The real `empathic serve`, started on port 0 (the OS picks a free one)."""

    def __init__(self, extra_args=(), home=None):
        self.home = home or tempfile.mkdtemp(prefix="empathic-api-")
        env = dict(os.environ, EMPATHIC_LOG="info")
        env.pop("EMPATHIC_HOME", None)
        self.proc = subprocess.Popen(
            [BINARY, "--home", self.home, "serve", "--port", "0", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.log_lines = []
        self._log_thread = threading.Thread(target=self._read_log, daemon=True)
        self._log_thread.start()
        line = self.proc.stdout.readline()
        match = re.search(r"http://([^/]+)/", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"server did not start: {line!r} {self.log()}")
        self.base = f"http://{match.group(1)}"

    def _read_log(self):
        for line in self.proc.stderr:
            self.log_lines.append(line)

    def log(self):
        return "".join(self.log_lines)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = None
        self._log_thread.join(timeout=5)
        return code

    def request(self, method, path, body=None, raw=None, headers=None):
        """Returns (status, json or text, headers)."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, payload, hdrs = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as err:
            status, payload, hdrs = err.code, err.read(), err.headers
        ctype = hdrs.get("Content-Type", "")
        parsed = json.loads(payload) if "json" in ctype else payload.decode("utf-8", "replace")
        return status, parsed, hdrs


def q(name):
    return urllib.parse.quote(name, safe="")


def raw_exchange(base, head, body_parts=(), timeout=10):
    """Sends a hand-written request (head, then each body part) and returns the response's
    status line and everything read until the server closes or `timeout` passes."""
    host, port = base[len("http://"):].rsplit(":", 1)
    with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout) as sock:
        sock.sendall(head.encode())
        for part in body_parts:
            try:
                sock.sendall(part)
            except OSError:
                break  # the server answered and closed before the whole body was sent
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
    return data.decode("latin-1")


class ApiTest(unittest.TestCase):
    maxDiff = None

    def call(self, method, path, body=None, expect=200, **kwargs):
        status, data, headers = SERVER.request(method, path, body, **kwargs)
        self.assertEqual(status, expect, f"{method} {path}: {data}")
        self.assertTrue(headers.get("X-Request-Id"), "every response carries X-Request-Id")
        return data

    def fails(self, method, path, body=None, status=400, code="invalid_input", **kwargs):
        """Checks an error: its status and the JSON {error: {code, message}} shape."""
        data = self.call(method, path, body, expect=status, **kwargs)
        self.assertIsInstance(data, dict, data)
        self.assertEqual(set(data), {"error"})
        self.assertEqual(data["error"]["code"], code)
        self.assertIsInstance(data["error"]["message"], str)
        self.assertGreater(len(data["error"]["message"]), 10)
        return data["error"]["message"]

    def wait_tagged(self, entry_id, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            entry = self.call("GET", f"/api/entries/{entry_id}")
            if entry["tagging"] != "pending":
                return entry
            time.sleep(0.2)
        self.fail(f"entry {entry_id} still pending after {timeout}s")


class ServerBasics(ApiTest):
    def test_index_lists_routes(self):
        """GET /api lists the routes and points to the OpenAPI file."""
        data = self.call("GET", "/api")
        self.assertIn("POST /models/{model-id...}", data["routes"])
        self.assertEqual(data["openapi"], "/openapi.yaml")

    def test_openapi_is_served(self):
        """The OpenAPI description is served by the same binary and documents every route."""
        status, text, headers = SERVER.request("GET", "/openapi.yaml")
        self.assertEqual(status, 200)
        self.assertIn("openapi: 3.1.0", text)
        for route in self.call("GET", "/api")["routes"]:
            path = route.split(" ", 1)[1].replace("{model-id...}", "{model-id}")
            self.assertIn(f"  {path}:", text, f"{route} is documented")

    def test_web_app_is_served(self):
        """The web app's index page comes with a policy that forbids loading from elsewhere."""
        status, text, headers = SERVER.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertIn("<title>Empathic</title>", text)
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])

    def test_unknown_route_is_json_404(self):
        """An unknown API route answers a JSON not_found error."""
        self.fails("GET", "/api/nothing-here", status=404, code="not_found")

    def test_request_id_is_echoed(self):
        """A plain X-Request-Id sent by the caller comes back and is logged."""
        _, _, headers = SERVER.request("GET", "/api/status", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(headers["X-Request-Id"], "abc-123")
        time.sleep(0.2)
        self.assertRegex(SERVER.log(), r"abc-123.*GET /api/status 200")

    def test_malformed_json(self):
        """A body that is not JSON, or not an object, is the caller's mistake."""
        msg = self.fails("POST", "/api/entries", raw=b"{not json")
        self.assertIn("not valid JSON", msg)
        self.fails("POST", "/api/entries", raw=b"[1, 2]")

    def test_body_size_limit(self):
        """Bodies over the limit (1 MiB) are refused with 413 too_large."""
        big = json.dumps({"body": "x" * (1 << 20)}).encode()
        self.fails("POST", "/api/entries", raw=big, status=413, code="too_large")

    def test_chunked_body_refused_before_reading(self):
        """A body sent in chunks is refused (411) before it is read, so the 1 MiB limit holds."""
        host = SERVER.base[len("http://"):]
        head = (f"POST /api/classify HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        small = b'{"text": "hi", "labels": ["a"]}'
        answer = raw_exchange(SERVER.base, head, [b"%x\r\n%s\r\n0\r\n\r\n" % (len(small), small)])
        self.assertRegex(answer, r"^HTTP/1.1 411 ", answer[:300])
        self.assertIn('"length_required"', answer)
        # A 20 MB body: the answer comes after its first chunk, not after reading it all.
        chunk = b'{"text": "' + b"x" * 65536
        answer = raw_exchange(SERVER.base, head, [b"%x\r\n%s\r\n" % (len(chunk), chunk)], timeout=8)
        self.assertRegex(answer, r"^HTTP/1.1 411 ", answer[:300])

    def test_request_without_length_has_no_body(self):
        """A POST with neither Content-Length nor chunks has no body: answered at once, nothing
        read until the client closes (curl -X POST sends such requests)."""
        host = SERVER.base[len("http://"):]
        started = time.time()
        answer = raw_exchange(SERVER.base, f"POST /api/entries/999999/restore HTTP/1.1\r\n"
                                           f"Host: {host}\r\n\r\n", timeout=4)
        self.assertRegex(answer, r"^HTTP/1.1 404 ", answer[:300])
        self.assertLess(time.time() - started, 3)

    def test_only_own_origin_may_call(self):
        """Only the server's own origin passes; null, other ports, https and other hosts fail."""
        port = SERVER.base.rsplit(":", 1)[1]
        for origin in ("null", "http://127.0.0.1:1", "http://[::1]:1", "https://127.0.0.1:" + port,
                       "http://localhost:" + port, "http://evil.example"):
            for ctype in ("text/plain", "application/json"):
                self.fails("POST", "/api/entries", raw=b'{"body": "x"}', status=403, code="forbidden",
                           headers={"Origin": origin, "Content-Type": ctype})
        entry = self.call("POST", "/api/entries", {"body": "From my own page."}, expect=201,
                          headers={"Origin": SERVER.base})
        self.call("PATCH", f"/api/entries/{entry['id']}", {"title": "Mine"},
                  headers={"Origin": SERVER.base})
        self.call("GET", "/api/status", headers={"Origin": SERVER.base})

    def test_body_must_be_json(self):
        """Bodies must be declared application/json (415 otherwise), with or without an Origin."""
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"):
            self.fails("POST", "/api/entries", raw=b'{"body": "x"}', status=415,
                       code="unsupported_media_type", headers={"Content-Type": ctype})
        self.fails("POST", "/models/default", status=415, code="unsupported_media_type",
                   raw=b'{"inputs": "x", "parameters": {"candidate_labels": "a"}}',
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.call("POST", "/api/classify", raw=b'{"text": "hi", "labels": "a"}',
                  headers={"Content-Type": "Application/JSON; charset=utf-8"})

    def test_wrong_method_is_405(self):
        """A known path asked with a method it does not answer is 405 with an Allow header."""
        for method, path, allowed in (("DELETE", "/api/classify", {"POST"}),
                                      ("GET", "/api/classify", {"POST"}),
                                      ("GET", "/models/default", {"POST"}),
                                      ("PUT", "/api/entries/1", {"GET", "PATCH", "DELETE"}),
                                      ("POST", "/api/status", {"GET"})):
            self.fails(method, path, status=405, code="method_not_allowed")
            status, _, headers = SERVER.request(method, path)
            self.assertEqual(set(headers["Allow"].split(", ")), allowed, f"{method} {path}")
        self.fails("DELETE", "/api/nothing-here", status=404, code="not_found")

    def test_foreign_host_and_origin_refused(self):
        """Requests addressed to another host name (DNS rebinding) or from other sites fail."""
        self.fails("GET", "/api/status", headers={"Host": "evil.example:8080"})
        self.fails("POST", "/api/classify", {"text": "x", "labels": ["a"]},
                   headers={"Origin": "http://evil.example"}, status=403, code="forbidden")

    def test_status(self):
        """GET /api/status reports entries and the tagging queue."""
        data = self.call("GET", "/api/status")
        self.assertIn("entries", data)
        self.assertIn("pending", data["tagging"])


class Classification(ApiTest):
    TEXT = "I am so happy and grateful today, but a little worried about tomorrow."

    def test_classify_playground(self):
        """POST /api/classify answers the pipeline's shape plus evidence and provenance."""
        data = self.call("POST", "/api/classify", {
            "text": self.TEXT, "labels": ["happy", "worried", "angry"],
            "template": "The writer feels {}.", "multi_label": True, "model": "default"})
        self.assertEqual(data["sequence"], self.TEXT)
        self.assertEqual(sorted(data["labels"]), ["angry", "happy", "worried"])
        self.assertEqual(data["scores"], sorted(data["scores"], reverse=True))
        for key in ("evidence", "engine", "model", "mode", "template", "warnings"):
            self.assertIn(key, data)
        self.assertEqual(data["mode"], "multi-label")

    def test_classify_comma_labels_and_warnings(self):
        """Labels may be one comma-separated text; duplicates are dropped with a warning."""
        data = self.call("POST", "/api/classify", {"text": self.TEXT, "labels": "happy, worried,happy"})
        self.assertEqual(sorted(data["labels"]), ["happy", "worried"])
        self.assertTrue(data["warnings"])

    def test_classify_bad_inputs(self):
        """The CLI's bad inputs get the same clear errors here."""
        self.fails("POST", "/api/classify", {"labels": ["a"]})                       # no text
        self.fails("POST", "/api/classify", {"text": "   ", "labels": ["a"]})         # blank
        self.fails("POST", "/api/classify", {"text": "hi"})                           # no labels
        self.fails("POST", "/api/classify", {"text": "hi", "labels": [" ", ""]})      # empty
        msg = self.fails("POST", "/api/classify",
                         {"text": "hi", "labels": ["a"], "template": "no placeholder"})
        self.assertIn("{}", msg)
        self.fails("POST", "/api/classify", {"text": "hi", "labels": ["a"], "template": "{} {}"})
        self.fails("POST", "/api/classify", {"text": 5, "labels": ["a"]})
        self.fails("POST", "/api/classify", {"text": "hi", "labels": [1, 2]})
        self.fails("POST", "/api/classify", {"text": "hi", "labels": ["a"], "multi_label": "yes"})
        self.fails("POST", "/api/classify", {"text": "hi", "labels": ["a"], "model": "/etc"})
        self.fails("POST", "/api/classify", {"text": "hi", "labels": ["a"], "model": "nobody/none"},
                   status=404, code="not_found")

    def test_work_per_request_is_capped(self):
        """At most 100 labels, 100,000 bytes of text and 16 inputs per request, each named."""
        labels = [f"label{i}" for i in range(101)]
        msg = self.fails("POST", "/api/classify", {"text": "hi", "labels": labels})
        self.assertIn("100", msg)
        self.call("POST", "/api/classify", {"text": "hi", "labels": labels[:100]})
        msg = self.fails("POST", "/api/classify", {"text": "x" * 100_001, "labels": ["a"]},
                         status=413, code="too_large")
        self.assertIn("100000", msg)
        self.fails("POST", "/api/classify", {"text": "hi", "labels": ["x" * 201]})
        self.fails("POST", "/models/default", {"inputs": "hi", "parameters": {"candidate_labels": labels}})
        msg = self.fails("POST", "/models/lexical",
                         {"inputs": ["hi"] * 17, "parameters": {"candidate_labels": "a"}})
        self.assertIn("16", msg)
        self.fails("POST", "/models/lexical", status=413, code="too_large",
                   body={"inputs": ["hi", "y" * 100_001], "parameters": {"candidate_labels": "a"}})
        self.fails("POST", "/models/lexical", status=413, code="too_large",
                   body={"inputs": ["z" * 60_000] * 2, "parameters": {"candidate_labels": "a"}})
        self.assertEqual(len(self.call("POST", "/models/lexical", {
            "inputs": ["hi"] * 16, "parameters": {"candidate_labels": "a"}})), 16)

    def check_hf_answer(self, answer, text, labels):
        """Field by field, the Hugging Face zero-shot pipeline's response shape."""
        self.assertEqual(set(answer), {"sequence", "labels", "scores"})
        self.assertIsInstance(answer["sequence"], str)
        self.assertEqual(answer["sequence"], text)
        self.assertIsInstance(answer["labels"], list)
        self.assertEqual(sorted(answer["labels"]), sorted(labels))
        self.assertTrue(all(isinstance(l, str) for l in answer["labels"]))
        self.assertIsInstance(answer["scores"], list)
        self.assertEqual(len(answer["scores"]), len(labels))
        self.assertTrue(all(isinstance(s, float) or isinstance(s, int) for s in answer["scores"]))
        self.assertTrue(all(0.0 <= s <= 1.0 for s in answer["scores"]))
        self.assertEqual(answer["scores"], sorted(answer["scores"], reverse=True))

    def test_hf_single_input(self):
        """POST /models/default answers {sequence, labels, scores} for one input."""
        labels = ["happy", "worried", "angry"]
        answer = self.call("POST", "/models/default", {
            "inputs": self.TEXT,
            "parameters": {"candidate_labels": labels, "hypothesis_template": "This text is {}.",
                           "multi_label": True}})
        self.check_hf_answer(answer, self.TEXT, labels)

    def test_hf_single_label_mode_sums_to_one(self):
        """Without multi_label (the pipeline's default) scores are a distribution."""
        labels = ["happy", "worried", "angry"]
        answer = self.call("POST", "/models/default", {
            "inputs": self.TEXT, "parameters": {"candidate_labels": labels}})
        self.check_hf_answer(answer, self.TEXT, labels)
        total = sum(answer["scores"])
        self.assertTrue(math.isclose(total, 1.0, abs_tol=1e-6) or total == 0, total)

    def test_hf_list_of_inputs_and_comma_labels(self):
        """A list of inputs answers a list; candidate labels may be a comma-separated text."""
        texts = [self.TEXT, "Everything went wrong and I am furious."]
        answers = self.call("POST", "/models/lexical", {
            "inputs": texts, "parameters": {"candidate_labels": "happy, angry", "multi_label": True}})
        self.assertIsInstance(answers, list)
        self.assertEqual(len(answers), 2)
        for answer, text in zip(answers, texts):
            self.check_hf_answer(answer, text, ["happy", "angry"])

    def test_hf_errors(self):
        """Missing inputs or labels, bad types, unknown models are clear 4xx errors."""
        self.fails("POST", "/models/default", {"parameters": {"candidate_labels": ["a"]}})
        self.fails("POST", "/models/default", {"inputs": "hi"})
        self.fails("POST", "/models/default", {"inputs": [], "parameters": {"candidate_labels": ["a"]}})
        self.fails("POST", "/models/default", {"inputs": "hi", "parameters": "labels"})
        self.fails("POST", "/models/default",
                   {"inputs": "hi", "parameters": {"candidate_labels": ["a"], "hypothesis_template": "x"}})
        self.fails("POST", "/models/nobody/none", {"inputs": "hi", "parameters": {"candidate_labels": ["a"]}},
                   status=404, code="not_found")
        self.fails("POST", "/models/not..valid", {"inputs": "hi", "parameters": {"candidate_labels": ["a"]}})

    def test_engine_and_models(self):
        """GET /api/engine names the engine; GET /api/models lists installed models."""
        engine = self.call("GET", "/api/engine")
        self.assertIn(engine["kind"], ("nli", "lexical"))
        self.assertIsInstance(self.call("GET", "/api/models")["models"], list)


class InstalledModel(ApiTest):
    """The Hugging Face-shaped endpoint on a real NLI model: the tiny random-weight BERT that
    tests/fixtures/generate makes, installed into the server's home as test/tiny-bert."""

    @classmethod
    def setUpClass(cls):
        source = os.path.join(FIXTURES or "", "models", "bert")
        if not os.path.isfile(os.path.join(source, "config.json")):
            raise unittest.SkipTest("fixture models not generated (run tests/fixtures/generate)")
        models = os.path.join(SERVER.home, "models", "test")
        shutil.copytree(source, os.path.join(models, "tiny-bert"), dirs_exist_ok=True)
        broken = os.path.join(FIXTURES, "models", "broken", "no_entailment")
        if os.path.isdir(broken):
            shutil.copytree(broken, os.path.join(models, "no-entailment"), dirs_exist_ok=True)

    TEXT = "I passed the exam and I can hardly believe it."

    def test_hf_shape_on_nli_model(self):
        """POST /models/test/tiny-bert answers exactly the pipeline's fields, for one input and a list."""
        labels = ["relieved", "proud", "anxious"]
        answer = self.call("POST", "/models/test/tiny-bert", {
            "inputs": self.TEXT, "parameters": {"candidate_labels": labels}})
        Classification.check_hf_answer(self, answer, self.TEXT, labels)
        self.assertTrue(math.isclose(sum(answer["scores"]), 1.0, abs_tol=1e-6),
                        "single-label scores are a distribution, as in the pipeline")

        multi = self.call("POST", "/models/test/tiny-bert", {
            "inputs": [self.TEXT, "Rain all day."],
            "parameters": {"candidate_labels": ",".join(labels), "multi_label": True,
                           "hypothesis_template": "The writer feels {}."}})
        self.assertEqual(len(multi), 2)
        Classification.check_hf_answer(self, multi[1], "Rain all day.", labels)

    def test_classify_with_nli_model(self):
        """The playground names the model and engine that scored."""
        data = self.call("POST", "/api/classify", {"text": self.TEXT, "labels": ["proud"],
                                                   "model": "test/tiny-bert"})
        self.assertEqual(data["engine"], "nli")
        ids = [m["id"] for m in self.call("GET", "/api/models")["models"]]
        self.assertIn("test/tiny-bert", ids)

    def test_unusable_model(self):
        """A model without an entailment label is refused clearly (422 model_error), not guessed."""
        if not os.path.isdir(os.path.join(SERVER.home, "models", "test", "no-entailment")):
            self.skipTest("no broken fixture")
        msg = self.fails("POST", "/models/test/no-entailment",
                         {"inputs": "hi", "parameters": {"candidate_labels": ["a"]}},
                         status=422, code="model_error")
        self.assertIn("entail", msg.lower())


class Entries(ApiTest):
    def test_entry_lifecycle(self):
        """Create (201, pending at once), tag in the background, read, edit, delete, restore."""
        body = f"Today I felt proud and happy after the {PRIVATE_WORDS} concert. Then I was exhausted."
        entry = self.call("POST", "/api/entries",
                          {"title": "Concert", "body": body, "tags": ["music", "friends"]}, expect=201)
        self.assertEqual(entry["body"], body)
        self.assertEqual(sorted(entry["tags"]), ["friends", "music"])
        self.assertIn(entry["tagging"], ("pending", "done"))
        entry_id = entry["id"]

        tagged = self.wait_tagged(entry_id)
        self.assertEqual(tagged["tagging"], "done", tagged.get("tagging_error"))
        self.assertTrue(tagged["scores"])
        scores = tagged["scores"][0]
        for item in scores["scores"]:
            ev = item["evidence"]
            self.assertEqual(body[ev["start"]:ev["end"]], ev["text"])

        edited = self.call("PATCH", f"/api/entries/{entry_id}", {"body": body + " Still smiling.",
                                                                 "title": "Concert night"})
        self.assertEqual(edited["title"], "Concert night")
        self.wait_tagged(entry_id)

        self.call("DELETE", f"/api/entries/{entry_id}")
        self.assertTrue(self.call("GET", f"/api/entries/{entry_id}")["deleted"])
        restored = self.call("POST", f"/api/entries/{entry_id}/restore")
        self.assertFalse(restored["deleted"])

        reflection = self.call("GET", f"/api/entries/{entry_id}/reflection")
        self.assertEqual(reflection["entry_id"], entry_id)
        self.assertIsInstance(reflection["reflection"], dict, "a reflection follows the tags")
        self.assertTrue(reflection["reflection"]["questions"] or reflection["reflection"]["safety"])
        self.assertEqual(self.call("GET", f"/api/entries/{entry_id}")["reflection"],
                         reflection["reflection"])
        fresh = self.call("POST", f"/api/entries/{entry_id}/reflection", {"refresh": True})
        self.assertIsInstance(fresh["reflection"], dict)
        self.fails("POST", "/api/entries/999999/reflection", {}, status=404, code="not_found")
        self.fails("POST", f"/api/entries/{entry_id}/reflection", {"refresh": "yes"})

    def test_entry_errors(self):
        """Empty, oversized or wrongly typed entries and unknown ids are 4xx."""
        self.fails("POST", "/api/entries", {})
        self.fails("POST", "/api/entries", {"body": ""})
        self.fails("POST", "/api/entries", {"body": 42})
        self.fails("POST", "/api/entries", {"body": "x", "tags": 3})
        self.fails("POST", "/api/entries", {"body": "x", "created": "yesterday-ish"})
        self.fails("POST", "/api/entries", {"body": "y" * 100_001}, status=413, code="too_large")
        self.fails("GET", "/api/entries/999999", status=404, code="not_found")
        self.fails("GET", "/api/entries/abc")
        self.fails("PATCH", "/api/entries/999999", {"title": "x"}, status=404, code="not_found")
        self.fails("DELETE", "/api/entries/999999", status=404, code="not_found")
        self.fails("POST", "/api/entries/999999/restore", status=404, code="not_found")
        self.fails("GET", "/api/entries/999999/reflection", status=404, code="not_found")

    def test_parent_id_must_be_positive(self):
        """A parent_id that is no id (zero, negative) is the caller's mistake, not not_found."""
        self.fails("POST", "/api/entries", {"body": "x", "parent_id": -1})
        self.fails("POST", "/api/entries", {"body": "x", "parent_id": 0})

    def test_parallel_saves_are_all_tagged(self):
        """40 saves at once through the API and 10 by the CLI beside the server all get tagged,
        and so do entries the CLI stores untagged once the server has nothing left to do."""
        ids, errors = [], []

        def post(i):
            try:
                status, entry, _ = SERVER.request("POST", "/api/entries",
                                                  {"body": f"Parallel day {i}, calm."})
                (ids if status == 201 else errors).append(entry["id"] if status == 201 else entry)
            except Exception as err:  # noqa: BLE001 - reported below
                errors.append(repr(err))

        def cli_add(i):
            out = subprocess.run([BINARY, "--home", SERVER.home, "add", "--no-tag",
                                  f"Written in the terminal {i}, tired."],
                                 capture_output=True, text=True, timeout=60)
            found = re.search(r"\d+", out.stdout)
            if out.returncode == 0 and found:
                ids.append(int(found.group()))
            else:
                errors.append((out.returncode, out.stdout, out.stderr))

        def wait_all_tagged(entry_ids, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline and self.call("GET", "/api/status")["tagging"]["pending"]:
                time.sleep(0.2)
            return [i for i in entry_ids
                    if self.call("GET", f"/api/entries/{i}")["tagging"] == "pending"]

        threads = [threading.Thread(target=post, args=(i,)) for i in range(40)]
        threads += [threading.Thread(target=cli_add, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(ids), 50)
        self.assertEqual(wait_all_tagged(ids, 30), [], "entries left pending")

        # The server is idle now; no save through the API will wake it for these.
        later = len(ids)
        for i in range(10, 13):
            cli_add(i)
        self.assertEqual(errors, [])
        self.assertEqual(wait_all_tagged(ids[later:], 10), [], "CLI entries left pending")

    def test_answers_thread(self):
        """An answer to a reflection question is stored as a linked entry."""
        parent = self.call("POST", "/api/entries", {"body": "I was anxious before the exam."}, expect=201)
        answer = self.call("POST", f"/api/entries/{parent['id']}/answers",
                           {"question": "What helped?", "body": "Talking to my sister helped."}, expect=201)
        self.assertEqual(answer["parent_id"], parent["id"])
        self.fails("POST", f"/api/entries/{parent['id']}/answers", {"question": "What helped?"})
        self.fails("POST", "/api/entries/999999/answers", {"question": "Q?", "body": "A"},
                   status=404, code="not_found")

    def test_apply_other_label_set(self):
        """An entry can be scored against another label set on demand."""
        entry = self.call("POST", "/api/entries", {"body": "I feel rested and calm this morning."}, expect=201)
        result = self.call("POST", f"/api/entries/{entry['id']}/label-sets/{q('morning check-in')}")
        self.assertEqual(result["label_set"], "morning check-in")
        self.fails("POST", f"/api/entries/{entry['id']}/label-sets/nope", status=404, code="not_found")

    def test_trash_purge(self):
        """DELETE /api/trash forgets entries in the trash."""
        entry = self.call("POST", "/api/entries", {"body": "To be forgotten."}, expect=201)
        self.call("DELETE", f"/api/entries/{entry['id']}")
        self.assertGreaterEqual(self.call("DELETE", "/api/trash")["purged"], 1)
        self.fails("GET", f"/api/entries/{entry['id']}", status=404, code="not_found")


class SearchAndAnalytics(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.ids = []
        for day, text, tags in [
            ("2024-03-04T09:00:00+00:00", "Happy and grateful: the garden bloomed.", ["garden"]),
            ("2024-03-05T21:00:00+00:00", "Anxious and exhausted after a long day of meetings.", ["work"]),
            ("2024-03-12T08:00:00+00:00", "Proud of finishing the garden fence, happy.", ["garden"]),
        ]:
            status, entry, _ = SERVER.request("POST", "/api/entries",
                                              {"body": text, "tags": tags, "created": day})
            assert status == 201, entry
            cls.ids.append(entry["id"])
        deadline = time.time() + 60
        while time.time() < deadline:
            pending = [i for i in cls.ids
                       if SERVER.request("GET", f"/api/entries/{i}")[1]["tagging"] == "pending"]
            if not pending:
                break
            time.sleep(0.2)

    def test_list_and_search(self):
        """Full text, own tag and date filters, sorts and paging."""
        listed = self.call("GET", "/api/entries?limit=2")
        self.assertLessEqual(len(listed["hits"]), 2)
        self.assertGreaterEqual(listed["total"], 3)
        found = self.call("GET", "/api/search?q=garden")
        self.assertTrue({self.ids[0], self.ids[2]} <= {h["entry"]["id"] for h in found["hits"]})
        tagged = self.call("GET", "/api/search?tag=work")
        self.assertEqual([h["entry"]["id"] for h in tagged["hits"]], [self.ids[1]])
        dated = self.call("GET", "/api/search?from=2024-03-10&until=2024-03-31")
        self.assertIn(self.ids[2], [h["entry"]["id"] for h in dated["hits"]])
        self.assertNotIn(self.ids[0], [h["entry"]["id"] for h in dated["hits"]])
        oldest = self.call("GET", "/api/search?from=2024-03-01&until=2024-03-31&order=asc")
        self.assertEqual(oldest["hits"][0]["entry"]["id"], self.ids[0])
        for sort in ("relevance&q=garden", "intensity", "score&sort_label=joyful"):
            self.call("GET", f"/api/search?sort={sort}")
        self.call("GET", "/api/search?feeling=joyful:0.1")

    def test_search_errors(self):
        """Unknown sorts, bad numbers and dates are the caller's mistakes."""
        self.fails("GET", "/api/search?sort=mood")
        self.fails("GET", "/api/search?sort=score")
        self.fails("GET", "/api/search?order=sideways")
        self.fails("GET", "/api/search?limit=0")
        self.fails("GET", "/api/search?limit=ten")
        self.fails("GET", "/api/search?feeling=joyful:2")
        self.fails("GET", "/api/search?from=someday")

    def test_tags(self):
        """GET /api/tags: own tags with counts and the active set's feelings."""
        tags = self.call("GET", "/api/tags")
        own = {t["tag"]: t["count"] for t in tags["own"]}
        self.assertGreaterEqual(own.get("garden", 0), 2)
        self.assertTrue(tags["feelings"])

    def test_analytics(self):
        """Periods with mood and counts, co-occurrence; ranked periods; errors."""
        stats = self.call("GET", "/api/analytics?period=week&from=2024-03-01&until=2024-03-31")
        self.assertEqual(stats["period"], "week")
        self.assertGreaterEqual(sum(p["entries"] for p in stats["periods"]), 3)
        for key in ("totals", "cooccurrence", "labels", "streaks"):
            self.assertIn(key, stats)
        self.call("GET", "/api/analytics")
        label = stats["labels"][0]["label"]
        top = self.call("GET", f"/api/analytics/top?label={q(label)}&period=week")
        self.assertEqual(top["label"], label)
        self.fails("GET", "/api/analytics?period=fortnight")
        self.fails("GET", "/api/analytics?from=whenever")
        self.fails("GET", "/api/analytics/top")

    def test_reflections(self):
        """GET /api/reflections lists recent reflections."""
        data = self.call("GET", "/api/reflections?limit=5")
        self.assertIsInstance(data["reflections"], list)
        self.fails("GET", "/api/reflections?limit=-1")


class LabelSets(ApiTest):
    SET = {"name": "api test set", "description": "made by the API test",
           "template": "The writer feels {}.", "multi_label": True, "threshold": 0.4,
           "labels": [{"label": "brave", "valence": "positive"},
                      {"label": "tired", "valence": "negative"}]}

    def test_crud_and_activate(self):
        """Create, read, update (rename), activate, and delete a label set."""
        sets = self.call("GET", "/api/label-sets")["label_sets"]
        self.assertEqual(sum(1 for s in sets if s["active"]), 1)
        created = self.call("POST", "/api/label-sets", self.SET, expect=201)
        self.assertEqual([l["label"] for l in created["labels"]], ["brave", "tired"])
        self.assertEqual(self.call("GET", f"/api/label-sets/{q('api test set')}")["threshold"], 0.4)

        changed = dict(self.SET, name="api test set 2",
                       labels=self.SET["labels"] + [{"label": "calm", "valence": "positive"}])
        updated = self.call("PUT", f"/api/label-sets/{q('api test set')}", changed)
        self.assertEqual(updated["name"], "api test set 2")
        self.assertEqual(len(updated["labels"]), 3)
        self.fails("GET", f"/api/label-sets/{q('api test set')}", status=404, code="not_found")

        previous = next(s["name"] for s in sets if s["active"])
        activated = self.call("POST", f"/api/label-sets/{q('api test set 2')}/activate")
        self.assertTrue(activated["active"])
        self.fails("DELETE", f"/api/label-sets/{q('api test set 2')}", status=409, code="conflict")
        self.call("POST", f"/api/label-sets/{q(previous)}/activate")
        self.call("DELETE", f"/api/label-sets/{q('api test set 2')}")
        self.fails("DELETE", f"/api/label-sets/{q('api test set 2')}", status=404, code="not_found")

    def test_label_set_errors(self):
        """Duplicates conflict; bad templates, thresholds and labels are invalid input."""
        self.fails("POST", "/api/label-sets", dict(self.SET, name="feelings"), status=409, code="conflict")
        self.fails("POST", "/api/label-sets", dict(self.SET, name="t1", template="no braces"))
        self.fails("POST", "/api/label-sets", dict(self.SET, name="t2", threshold=3))
        self.fails("POST", "/api/label-sets", dict(self.SET, name="t3", labels=[]))
        self.fails("POST", "/api/label-sets", dict(self.SET, name="t4",
                                                   labels=[{"label": "x", "valence": "sideways"}]))
        message = self.fails("POST", "/api/label-sets", dict(self.SET, name="t5", engine="org/absent"),
                             status=404, code="not_found")          # a model that is not installed
        self.assertIn("not installed", message)
        self.fails("PUT", "/api/label-sets/nope", self.SET, status=404, code="not_found")
        self.fails("POST", "/api/label-sets/nope/activate", status=404, code="not_found")


class ServeCommand(unittest.TestCase):
    def test_non_loopback_refused(self):
        """Binding beyond this machine is refused until accounts exist, saying so."""
        with tempfile.TemporaryDirectory() as home:
            result = subprocess.run([BINARY, "--home", home, "serve", "--host", "0.0.0.0", "--port", "0"],
                                    capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("accounts", result.stderr)

    def test_stop_signal_with_a_request_running(self):
        """SIGTERM stops the server within seconds even while a request is still running."""
        server = Server()
        host = server.base[len("http://"):]
        sock = socket.create_connection((host.rsplit(":", 1)[0], int(host.rsplit(":", 1)[1])))
        sock.sendall((f"POST /api/entries HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json"
                      "\r\nContent-Length: 1000\r\n\r\n{").encode())
        stop = threading.Event()

        def trickle():  # a client sending its body slowly keeps one request running
            while not stop.wait(0.5):
                try:
                    sock.sendall(b" ")
                except OSError:
                    return

        sender = threading.Thread(target=trickle, daemon=True)
        sender.start()
        try:
            time.sleep(1)
            started = time.time()
            server.proc.send_signal(signal.SIGTERM)
            try:
                code = server.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                code = None
            self.assertEqual(code, 0, "the server exits by itself after SIGTERM")
            self.assertLess(time.time() - started, 10)
        finally:
            stop.set()
            sock.close()
            server.stop()
            shutil.rmtree(server.home, ignore_errors=True)

    def test_port_in_use(self):
        """A port that is taken is reported clearly."""
        port = SERVER.base.rsplit(":", 1)[1]
        with tempfile.TemporaryDirectory() as home:
            result = subprocess.run([BINARY, "--home", home, "serve", "--port", port],
                                    capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--port", result.stderr)


class Logging(ApiTest):
    def test_log_has_requests_but_no_entry_text(self):
        """Each request is logged with method, route, status, time and id; no entry text."""
        self.call("GET", "/api/entries/1")
        time.sleep(0.3)
        log = SERVER.log()
        self.assertRegex(log, r"GET /api/entries/\{id\} 200 [0-9.]+ms")
        self.assertRegex(log, r"POST /api/entries 201")
        self.assertNotIn(PRIVATE_WORDS, log)
        self.assertNotIn("garden bloomed", log)


def main():
    global BINARY, FIXTURES, SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--fixtures", default="")
    args, rest = parser.parse_known_args()
    BINARY = os.path.abspath(args.binary)
    FIXTURES = args.fixtures or os.environ.get("EMPATHIC_FIXTURES", "")
    SERVER = Server()
    try:
        # Logging runs last, after the other tests have written entries.
        loader = unittest.TestLoader()
        suite = unittest.TestSuite()
        module = sys.modules[__name__]
        for cls in (ServerBasics, Classification, InstalledModel, Entries, SearchAndAnalytics, LabelSets,
                    ServeCommand, Logging):
            suite.addTests(loader.loadTestsFromTestCase(cls))
        result = unittest.TextTestRunner(verbosity=2).run(suite)
    finally:
        code = SERVER.stop()
        shutil.rmtree(SERVER.home, ignore_errors=True)
    if code != 0:
        print(f"server exited with {code}\n{SERVER.log()[-3000:]}", file=sys.stderr)
        return 1
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
