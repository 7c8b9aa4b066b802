#!/usr/bin/python3
"""Integration tests of `empathic model ...` against fake_hub.py on loopback.

    run_case.py --binary build/src/cli/empathic --fixtures tests/fixtures/generated CASE

Each case runs the real binary with its own $EMPATHIC_HOME and HF_ENDPOINT pointing at a fake
hub that serves a generated model. Exit 0 = pass, 1 = fail, 77 = skipped (what it needs is
not there, e.g. the NLI engine cannot load models yet). No request leaves 127.0.0.1.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
REPO = "test-org/tiny-bert"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Env:
    """A temporary home, a fake hub, and a way to run the binary against them."""

    def __init__(self, args):
        self.binary = args.binary
        self.fixtures = args.fixtures
        self.tmp = tempfile.mkdtemp(prefix="empathic-hub-")
        self.home = os.path.join(self.tmp, "home")
        self.log = os.path.join(self.tmp, "requests.log")
        self.server = None
        self.endpoint = None
        self.model = self.model_folder("bert")

    def model_folder(self, kind):
        """The generated model of that kind, or (for transfer tests) look-alike files."""
        generated = os.path.join(self.fixtures, "models", kind)
        if os.path.isfile(os.path.join(generated, "onnx", "model.onnx")):
            return generated
        folder = os.path.join(self.tmp, "fake-" + kind)
        os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
        config = {"model_type": "bert", "architectures": ["BertForSequenceClassification"],
                  "id2label": {"0": "contradiction", "1": "entailment", "2": "neutral"},
                  "label2id": {"contradiction": 0, "entailment": 1, "neutral": 2}}
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config, f)
        with open(os.path.join(folder, "tokenizer.json"), "w") as f:
            json.dump({"version": "1.0", "model": {"type": "WordPiece", "vocab": {}}}, f)
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": "BertTokenizer"}, f)
        for name, size in (("model.onnx", 3_000_000), ("model_quantized.onnx", 1_000_000)):
            with open(os.path.join(folder, "onnx", name), "wb") as f:
                f.write(os.urandom(size))
        return folder

    def has_real_models(self):
        return os.path.isfile(os.path.join(self.fixtures, "models", "bert", "onnx", "model.onnx"))

    def start_hub(self, *options, repos=None):
        port_file = os.path.join(self.tmp, "ports")
        if os.path.exists(port_file):
            os.remove(port_file)
        repos = repos or {REPO: self.model}
        command = [sys.executable, os.path.join(HERE, "fake_hub.py"), "--port-file", port_file,
                   "--log", self.log]
        for repo_id, folder in repos.items():
            command += ["--repo", "%s=%s" % (repo_id, folder)]
        self.server = subprocess.Popen(command + list(options))
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        check(os.path.exists(port_file), "the fake hub did not start")
        port = open(port_file).read().split()[0]
        self.endpoint = "http://127.0.0.1:" + port

    def stop_hub(self):
        if self.server:
            self.server.kill()
            self.server.wait()
            self.server = None

    def environ(self, extra):
        env = {k: v for k, v in os.environ.items()
               if k not in ("HF_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT", "EMPATHIC_HOME")}
        env["EMPATHIC_HOME"] = self.home
        env["EMPATHIC_HUB_STALL_SECONDS"] = "5"
        if self.endpoint:
            env["HF_ENDPOINT"] = self.endpoint
        env.update(extra or {})
        return env

    def run(self, *args, env=None, expect=None):
        result = subprocess.run([self.binary] + list(args), env=self.environ(env),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=120)
        output = result.stdout + result.stderr
        print("$ empathic %s\n  -> %d\n%s" % (" ".join(args), result.returncode,
                                              "".join("  | " + l + "\n"
                                                      for l in output.splitlines())))
        if expect is not None:
            check(result.returncode == expect,
                  "expected exit %d from `%s`, got %d" % (expect, " ".join(args),
                                                          result.returncode))
        return result.returncode, output

    def installed(self, repo_id=REPO):
        return os.path.join(self.home, "models", repo_id)

    def staging(self, repo_id=REPO):
        return os.path.join(self.home, "models", ".partial", repo_id.replace("/", "--"))

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def assert_installed_intact(self, repo_id=REPO, source=None, onnx_files=1):
        source = source or self.model
        folder = self.installed(repo_id)
        check(os.path.isdir(folder), "%s was not installed" % repo_id)
        for name in ("config.json", "tokenizer.json"):
            check(sha256_of(os.path.join(folder, name)) == sha256_of(os.path.join(source, name)),
                  "%s differs from the served file" % name)
        onnx = sorted(os.listdir(os.path.join(folder, "onnx")))
        check(len(onnx) == onnx_files, "expected %d ONNX file(s), found %s" % (onnx_files, onnx))
        for name in onnx:
            check(sha256_of(os.path.join(folder, "onnx", name)) ==
                  sha256_of(os.path.join(source, "onnx", name)), "%s differs" % name)
        check(not any(n.endswith(".part") for _, _, files in os.walk(folder) for n in files),
              "a .part file was installed")
        check(os.path.isfile(os.path.join(folder, ".empathic-model.json")),
              "no .empathic-model.json record")
        check(not os.path.exists(self.staging(repo_id)), "the staging folder was left behind")

    def assert_nothing_installed(self, repo_id=REPO):
        check(not os.path.exists(self.installed(repo_id)), "%s is installed" % repo_id)
        check(not os.path.exists(self.staging(repo_id)), "a staging folder was left behind")

    def close(self):
        self.stop_hub()
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- cases -----------------------------------------------------------------------------------

def case_full_pull(env):
    """A full pull installs every file intact, and the token never reaches the download host."""
    env.start_hub()
    code, out = env.run("model", "pull", REPO, env={"HF_TOKEN": "hf_secret"}, expect=0)
    env.assert_installed_intact()
    check("onnx/model_quantized.onnx" in out, "the quantized file was not the one pulled")
    check("hf_secret" not in out, "the token was printed")
    reqs = env.requests()
    check(any(r["role"] == "cdn" for r in reqs), "the large file did not come from the CDN")
    check(all(not r["auth"] for r in reqs if r["role"] == "cdn"),
          "the token was sent to the download host")
    check(all(r["auth"] for r in reqs if r["role"] == "hub"), "the token was not sent to the hub")
    code, out = env.run("model", "list", expect=0)
    check(REPO in out and "contradiction, entailment, neutral" in out, "list misses the model")
    code, out = env.run("model", "pull", REPO, expect=0)
    check("already installed" in out, "a second pull was not a no-op")
    code, out = env.run("model", "pull", REPO, "--variant", "full", "--force", expect=0)
    check(os.path.isfile(os.path.join(env.installed(), "onnx", "model.onnx")),
          "--variant full did not install onnx/model.onnx")


def case_resume_after_break(env):
    """A transfer cut mid-way is resumed with a Range request and completes in the same run."""
    env.start_hub("--cut-after", "100000", "--cut-times", "1")
    env.run("model", "pull", REPO, expect=0)
    env.assert_installed_intact()
    ranges = [r["range"] for r in env.requests() if r["role"] == "cdn" and r["method"] == "GET"]
    check("bytes=100000-" in ranges, "no resumed request; CDN ranges: %s" % ranges)


def case_resume_after_kill(env):
    """A pull killed mid-download leaves nothing installed; the next pull resumes from it."""
    env.start_hub("--stall-after", "200000")
    command = [env.binary, "model", "pull", REPO]
    proc = subprocess.Popen(command, env=env.environ({"EMPATHIC_HUB_STALL_SECONDS": "60"}),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    part = os.path.join(env.staging(), "onnx", "model_quantized.onnx.part")
    deadline = time.time() + 30
    while time.time() < deadline:
        if os.path.exists(part) and os.path.getsize(part) >= 200000:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check(os.path.exists(part) and os.path.getsize(part) == 200000,
          "the partial download is not there to resume")
    check(not os.path.exists(env.installed()), "a killed pull left an installed model")
    code, out = env.run("model", "list", expect=0)
    check("interrupted download of " + REPO in out, "list does not mention the partial pull")

    env.run("model", "pull", REPO, expect=0)
    env.assert_installed_intact()
    ranges = [r["range"] for r in env.requests() if r["role"] == "cdn" and r["method"] == "GET"]
    check("bytes=200000-" in ranges, "the second pull did not resume; ranges: %s" % ranges)


def case_variant_change_after_kill(env):
    """A pull of the full variant after an interrupted quantized one installs only model.onnx."""
    env.start_hub("--stall-after", "200000")
    proc = subprocess.Popen([env.binary, "model", "pull", REPO],
                            env=env.environ({"EMPATHIC_HUB_STALL_SECONDS": "60"}),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    part = os.path.join(env.staging(), "onnx", "model_quantized.onnx.part")
    deadline = time.time() + 30
    while time.time() < deadline and not (os.path.exists(part) and
                                          os.path.getsize(part) >= 200000):
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    env.run("model", "pull", REPO, "--variant", "full", expect=0)
    env.assert_installed_intact()
    check(os.listdir(os.path.join(env.installed(), "onnx")) == ["model.onnx"],
          "a leftover of the quantized pull was installed")


def case_server_ignores_range(env):
    """A server that ignores Range gets the whole file again, and the result is still intact."""
    env.start_hub("--cut-after", "100000", "--cut-times", "1", "--ignore-range")
    env.run("model", "pull", REPO, expect=0)
    env.assert_installed_intact()


def case_corrupt_rejected(env):
    """A file whose sha256 differs from the published one is rejected; nothing is installed."""
    env.start_hub("--corrupt", "onnx/model_quantized.onnx")
    code, out = env.run("model", "pull", REPO, expect=3)
    check("checksum" in out and "nothing was installed" in out, "no checksum message")
    env.assert_nothing_installed()


def case_not_found(env):
    """404s: an unknown model, an unknown revision, and a repository without ONNX files."""
    no_onnx = os.path.join(env.tmp, "no-onnx")
    shutil.copytree(env.model, no_onnx, ignore=shutil.ignore_patterns("onnx"))
    env.start_hub(repos={REPO: env.model, "test-org/pytorch-only": no_onnx})
    code, out = env.run("model", "pull", "test-org/missing", expect=2)
    check("was not found" in out and "test-org/missing" in out, "no not-found message")
    env.assert_nothing_installed("test-org/missing")
    code, out = env.run("model", "pull", REPO, "--revision", "v9", expect=2)
    check("no revision 'v9'" in out, "no revision message")
    code, out = env.run("model", "pull", "test-org/pytorch-only", expect=2)
    check("has no file onnx/model.onnx" in out and "ONNX" in out, "no missing-file message")
    env.assert_nothing_installed("test-org/pytorch-only")
    code, out = env.run("model", "pull", "not a model id", expect=2)
    check("ORG/NAME" in out, "a malformed id was not explained")


def case_missing_answered_401(env):
    """The hub answers 401 RepoNotFound for unknown repositories without a token: not found."""
    env.start_hub("--missing-status", "401")
    code, out = env.run("model", "pull", "test-org/missing", expect=2)
    check("was not found" in out, "401 RepoNotFound was not read as not found")


def case_gated(env):
    """401 for a gated model without a token, 403 with a wrong one, success with the right one."""
    env.start_hub("--gated", REPO, "--token", "hf_right")
    code, out = env.run("model", "pull", REPO, expect=2)
    check("gated" in out and "HF_TOKEN" in out, "no gated-model message")
    env.assert_nothing_installed()
    code, out = env.run("model", "pull", REPO, env={"HF_TOKEN": "hf_wrong"}, expect=2)
    check("refused access" in out and "hf_wrong" not in out, "no wrong-token message")
    env.assert_nothing_installed()
    env.run("model", "pull", REPO, env={"HF_TOKEN": "hf_right"}, expect=0)
    env.assert_installed_intact()


def case_no_network(env):
    """Connection refused and HF_HUB_OFFLINE: clear messages; --if-online makes them notices."""
    env.endpoint = "http://127.0.0.1:%d" % free_port()
    code, out = env.run("model", "pull", REPO, expect=3)
    check("could not reach " + env.endpoint in out, "no could-not-reach message")
    check("empathic model add PATH" in out, "the message does not mention `model add`")
    env.assert_nothing_installed()
    code, out = env.run("model", "pull", "--if-online", expect=0)
    check("Not pulling" in out, "--if-online printed no notice")
    code, out = env.run("model", "pull", REPO, env={"HF_HUB_OFFLINE": "1"}, expect=3)
    check("HF_HUB_OFFLINE" in out, "no offline message")
    env.run("model", "pull", "--if-online", env={"HF_HUB_OFFLINE": "1"}, expect=0)


def case_default_pull(env):
    """With no id and no terminal, the catalogue's default is pulled; --if-online then no-ops."""
    catalogue = json.load(open(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        HERE))), "data", "models", "catalogue.json")))
    default = catalogue["default"]
    env.start_hub(repos={default: env.model})
    code, out = env.run("model", "pull", expect=0)
    env.assert_installed_intact(default)
    code, out = env.run("model", "pull", "--if-online", expect=0)
    check("already installed" in out, "--if-online with the default installed was not a no-op")
    code, out = env.run("model", "catalogue", expect=0)
    check(all(m["id"] in out for m in catalogue["models"]), "catalogue misses models")


def case_add_folder(env):
    """`model add` installs a copied folder; a duplicate or broken folder is refused cleanly."""
    # Look-alike files (no generated models) cannot pass the self-check: skip it for them.
    unchecked = [] if env.has_real_models() else ["--no-check"]
    code, out = env.run("model", "add", env.model, "--id", "usb/tiny", *unchecked, expect=0)
    env.assert_installed_intact("usb/tiny", onnx_files=2)
    code, out = env.run("model", "list", "--json", expect=0)
    listed = json.loads(out[:out.rindex("]") + 1])
    check([m["id"] for m in listed] == ["usb/tiny"], "list --json: %s" % listed)
    check(listed[0]["labels"] == ["contradiction", "entailment", "neutral"], "labels wrong")
    env.run("model", "info", "usb/tiny", "--no-check", expect=0)
    code, out = env.run("model", "add", env.model, "--id", "usb/tiny", expect=2)
    check("already installed" in out, "a duplicate add was not refused")
    broken = os.path.join(env.tmp, "broken")
    shutil.copytree(env.model, broken, ignore=shutil.ignore_patterns("tokenizer.json"))
    code, out = env.run("model", "add", broken, "--id", "usb/broken", expect=3)
    check("tokenizer.json" in out, "the missing file was not named")
    env.assert_nothing_installed("usb/broken")
    flat = os.path.join(env.tmp, "flat")
    shutil.copytree(env.model, flat)
    shutil.move(os.path.join(flat, "onnx", "model.onnx"), os.path.join(flat, "model.onnx"))
    shutil.rmtree(os.path.join(flat, "onnx"))
    env.run("model", "add", flat, *unchecked, expect=0)
    check(os.path.isfile(os.path.join(env.installed("local/flat"), "onnx", "model.onnx")),
          "a flat folder was not rearranged into onnx/")
    env.run("model", "remove", "usb/tiny", expect=0)
    check(not os.path.exists(env.installed("usb/tiny")), "remove left the folder")
    env.run("model", "remove", "usb/tiny", expect=2)


def case_add_refuses_unusable(env):
    """`model add` self-checks the copy: a folder that cannot tag is refused (exit 3) with the
    self-check's error naming the user's folder, nothing installed, no staging left; --no-check
    installs it anyway."""
    if not env.has_real_models():
        print("SKIP: generated models are missing (run tests/fixtures/generate)")
        return SKIP
    broken = os.path.join(env.fixtures, "models", "broken")
    empty = os.path.join(env.tmp, "empty")
    shutil.copytree(env.model, empty, ignore=shutil.ignore_patterns("model_quantized.onnx"))
    open(os.path.join(empty, "onnx", "model.onnx"), "wb").close()
    bad_tokenizer = os.path.join(env.tmp, "bad-tokenizer")
    shutil.copytree(env.model, bad_tokenizer)
    with open(os.path.join(bad_tokenizer, "tokenizer.json"), "w") as f:
        f.write("{}")
    cases = [(os.path.join(broken, "garbage_onnx"), "model.onnx"),
             (os.path.join(broken, "no_entailment"), "entailment"),
             (os.path.join(broken, "no_tokenizer"), "has no tokenizer.json"),
             (empty, "model.onnx"), (bad_tokenizer, "tokenizer.json")]
    for folder, what in cases:
        code, out = env.run("model", "add", folder, "--id", "usb/broken", expect=3)
        check(what in out, "the refusal of %s does not say %r" % (folder, what))
        check(folder in out, "the refusal does not name the folder given, %s" % folder)
        check(".partial" not in out, "the refusal names the staging folder")
        check("Installed" not in out, "a refused folder was reported installed")
        env.assert_nothing_installed("usb/broken")
        partial = os.path.join(env.home, "models", ".partial")
        check(not os.path.isdir(partial) or not os.listdir(partial), "staging was left behind")
    code, out = env.run("model", "list", expect=0)
    check("usb/broken" not in out, "a refused folder is listed")
    env.run("model", "add", os.path.join(broken, "garbage_onnx"), "--id", "usb/unchecked",
            "--no-check", expect=0)
    check(os.path.isdir(env.installed("usb/unchecked")), "--no-check did not install")
    env.run("model", "info", "usb/unchecked", expect=3)
    code, out = env.run("model", "add", env.model, "--id", "usb/good", expect=0)
    check("loads and scores" in out, "a good folder was not reported self-checked")


def case_use_switches_model(env):
    """`use` switches the model the journal tags with; `use lexical` goes back; info self-checks."""
    if not env.has_real_models():
        print("SKIP: generated models are missing (run tests/fixtures/generate)")
        return SKIP
    env.run("model", "add", env.model, "--id", "test-org/tiny-bert", expect=0)
    code, out = env.run("model", "info", "test-org/tiny-bert")
    if code != 0:
        print("SKIP: the NLI engine cannot load the generated model yet")
        return SKIP
    check("self-check:   ok" in out, "info printed no self-check")
    env.run("model", "add", env.model_folder("roberta"), "--id", "test-org/tiny-roberta",
            expect=0)

    def tagged_with():
        code, out = env.run("classify", "I finished it and feel proud.", "--labels",
                            "pride,grief", "--json", expect=0)
        return json.loads(out[out.index("{"):out.rindex("}") + 1])

    env.run("model", "use", "test-org/tiny-bert", expect=0)
    first = tagged_with()
    check(first["engine"] == "nli" and first["model"].endswith("tiny-bert"),
          "not tagged with tiny-bert: %s" % first)
    env.run("model", "use", "test-org/tiny-roberta", expect=0)
    second = tagged_with()
    check(second["model"].endswith("tiny-roberta"), "not tagged with tiny-roberta: %s" % second)
    env.run("model", "use", "lexical", expect=0)
    check(tagged_with()["engine"] == "lexical", "`use lexical` did not switch back")
    code, out = env.run("model", "use", "test-org/not-installed", expect=2)
    check("not installed" in out, "use of a missing model was not explained")
    code, out = env.run("model", "remove", "test-org/tiny-roberta", expect=0)


CASES = {name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    env = Env(args)
    try:
        print(CASES[args.case].__doc__)
        status = CASES[args.case](env)
        if status == SKIP:
            return SKIP
        print("PASS")
        return 0
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        env.close()


if __name__ == "__main__":
    sys.exit(main())
