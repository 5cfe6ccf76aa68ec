#!/usr/bin/env python3
"""Load test of `chainrule serve --present`: many followers on loopback.

Starts `chainrule serve GRAPH --present --port 0`, opens FOLLOWERS event
streams (what a follower's page holds), then posts STEPS presenter steps,
one at a time, and measures for each the time from sending the step to the
LAST follower receiving it (and to each follower). Prints p50/p99, the
server's resident memory (VmRSS) idle, with every follower connected, and
its peak (VmHWM), and whether every follower got every step. It stops by
itself (Ctrl-C to the server; its exit status is checked).

    swift build -c release --product chainrule
    python3 Benchmarks/serve-load.py                       # 200 followers, 100 steps
    python3 Benchmarks/serve-load.py --followers 20 --steps 10 --binary .build/debug/chainrule

Python standard library only. No test asserts a time; see Benchmarks/README.md.
"""
import argparse, os, re, selectors, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

APPLES = "apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n"


def rss(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0  # MiB
    return float("nan")


def percentile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=".build/release/chainrule")
    ap.add_argument("--followers", type=int, default=200)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--gap", type=float, default=0.05, help="seconds between steps (a presenter is slower)")
    ap.add_argument("--timeout", type=float, default=30, help="seconds to wait for one step to reach everyone")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable {binary}: swift build -c release --product chainrule (or --binary)")

    folder = tempfile.mkdtemp(prefix="chainrule-serve-load-")
    with open(os.path.join(folder, "apples.graph"), "w") as f:
        f.write(APPLES)
    out = open(os.path.join(folder, "out"), "w+")
    server = subprocess.Popen([binary, "serve", "apples.graph", "--present", "--port", "0",
                               "--max-followers", str(args.followers + 10)],
                              cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        banner = ""
        while time.time() < deadline and "Ctrl-C stops" not in banner:
            time.sleep(0.05)
            out.seek(0)
            banner = out.read()
        port = int(re.search(r"serve: http://127\.0\.0\.1:(\d+)/", banner).group(1))
        token = re.search(r"presenter: http://[^/]+/present/([0-9a-f]+)/", banner).group(1)
        time.sleep(0.5)
        idle = rss(server.pid)

        # The followers: one event stream each, read through one selector.
        sel = selectors.DefaultSelector()
        buffers, steps_seen = {}, {}
        t_connect = time.time()
        for _ in range(args.followers):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /graph/1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            buffers[s] = b""
            steps_seen[s] = 0

        def pump(until, limit):
            end = time.time() + limit
            while not until() and time.time() < end:
                for key, _ in sel.select(timeout=0.5):
                    s = key.fileobj
                    try:
                        data = s.recv(65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        sel.unregister(s)
                        continue
                    now = time.perf_counter()
                    buffers[s] += data
                    n = buffers[s].count(b"event: step")
                    if n > steps_seen[s]:
                        steps_seen[s] = n
                        arrivals.setdefault(n, []).append(now)
            return until()

        arrivals = {}
        ready = pump(lambda: all(b"\"nodes\"" in b for b in buffers.values()), 60)
        connected = time.time() - t_connect
        time.sleep(0.5)
        with_followers = rss(server.pid)

        presenter = socket.create_connection(("127.0.0.1", port))
        to_last, to_each, missing = [], [], 0
        for i in range(1, args.steps + 1):
            k = (i % 8) + 1
            request = f"POST /present/{token}/graph/1/step?n={k} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".encode()
            t0 = time.perf_counter()
            presenter.sendall(request)
            got = pump(lambda: len(arrivals.get(i, [])) >= args.followers, args.timeout)
            presenter.recv(4096)  # 204
            times = arrivals.get(i, [])
            if not got:
                missing += args.followers - len(times)
            if times:
                to_last.append((max(times) - t0) * 1000)
                to_each.extend((t - t0) * 1000 for t in times)
            time.sleep(args.gap)
        peak = rss(server.pid, "VmHWM")
        received = sum(1 for s in buffers if steps_seen[s] >= args.steps)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            status = "killed"
        shutil.rmtree(folder, ignore_errors=True)

    print(f"chainrule serve load test: {args.followers} followers on loopback, {args.steps} presenter steps, {args.gap * 1000:.0f} ms apart")
    print(f"  all connected with their first event in {connected:.2f} s: {'yes' if ready else 'NO'}")
    print(f"  step → last follower:  p50 {percentile(to_last, 50):.1f} ms   p99 {percentile(to_last, 99):.1f} ms   max {max(to_last):.1f} ms")
    print(f"  step → each follower:  p50 {percentile(to_each, 50):.1f} ms   p99 {percentile(to_each, 99):.1f} ms")
    print(f"  server RSS: {idle:.1f} MiB idle, {with_followers:.1f} MiB with {args.followers} followers, peak {peak:.1f} MiB")
    print(f"  followers that got every step: {received}/{args.followers}; steps missed: {missing}")
    print(f"  server exit status after Ctrl-C: {status}")
    sys.exit(0 if received == args.followers and missing == 0 and status == 0 else 1)


if __name__ == "__main__":
    main()
