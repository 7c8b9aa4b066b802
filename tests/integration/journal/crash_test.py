#!/usr/bin/env python3
"""Crash test of the journal store: a worker adds, edits, tags and imports entries in a loop and
is killed with SIGKILL at a random moment, ROUNDS times; after each kill the verifier checks
that the database is intact, every acknowledged entry is there with its text, imports are all
or nothing, and no entry carries scores computed for another text.

usage: crash_test.py CRASH_WORKER [ROUNDS]
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def main():
    worker = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    folder = tempfile.mkdtemp(prefix="empathic-crash-")
    journal = os.path.join(folder, "journal")
    log = os.path.join(folder, "log.txt")
    rng = random.Random(int(os.environ.get("CRASH_SEED", "7")))
    try:
        for round_ in range(rounds):
            child = subprocess.Popen([worker, "run", journal, log], stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.02, 0.35))
            if child.poll() is not None:
                print("worker stopped by itself:", child.stderr.read().decode(), file=sys.stderr)
                return 1
            child.send_signal(signal.SIGKILL)
            child.wait()
            result = subprocess.run([worker, "verify", journal, log], capture_output=True,
                                    text=True)
            if result.returncode != 0:
                print(f"round {round_ + 1}: {result.stderr}", file=sys.stderr)
                return 1
        print(f"{rounds} kills survived; last check: {result.stdout.strip()}")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
