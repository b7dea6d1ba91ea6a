#!/usr/bin/env python3
"""Distributed step time and traffic on this machine (issue 9's benchmark; numbers in docs/benchmarks.md).

    python3 scripts/bench_distributed.py [--steps 14] [--out target/bench-distributed]

Trains the demo model's architecture (hidden 128, 4 layers, 4 heads; untrained weights: a step's
time does not depend on them) on the bundled mini benchmark with the demo's unlearning batch
(8 sequences in 2 micro-batches, length 192), for BLUR-NPO and NPO (its weighted sum), as
  1 process x 1 thread, 1 process x 2 threads, 2 processes x 1 thread replicated and sharded,
and reports the median step time (the first two steps left out), read from metrics.jsonl, and each
part's share of a BLUR-NPO step (its phase_seconds: forward and backward of each objective, the
ranks' exchange, the fused reduce, the update).

Bytes each rank sends per step are measured, not computed: with root and iproute2 the two ranks
run in two network namespaces joined by a veth pair, and each veth's tx_bytes is read before and
after runs of two lengths; the difference divided by the difference in steps leaves out start-up.
Needs the packaged jar (mvn -B -q package -DskipTests) and nothing else; plain python3.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

JAR = "target/blur-native.jar"


def java(*args, env=None, log=None):
    cmd = ["java", "-jar", JAR, *args]
    with open(log, "w") if log else subprocess.DEVNULL as sink:
        done = subprocess.run(cmd, env=env, stdout=sink, stderr=subprocess.STDOUT, timeout=900)
    if done.returncode != 0:
        sys.exit(f"bench_distributed: {' '.join(args[:1])} failed with exit {done.returncode} (log: {log})")


def median_step_seconds(run_dir):
    rows = [json.loads(line) for line in open(os.path.join(run_dir, "metrics.jsonl"))]
    return statistics.median(r["seconds"] for r in rows[2:])


PHASES = ("forget", "retain", "exchange", "reduce", "update")


def phase_shares(run_dir):
    """Each phase's median seconds (metrics.jsonl's phase_seconds) as a share of their sum."""
    rows = [json.loads(line) for line in open(os.path.join(run_dir, "metrics.jsonl"))][2:]
    medians = {p: statistics.median(r["phase_seconds"].get(p, 0.0) or 0.0 for r in rows) for p in PHASES}
    total = sum(medians.values())
    return {p: medians[p] / total for p in PHASES}


def trainable_parameters(run_dir):
    return json.load(open(os.path.join(run_dir, "run.json")))["trainable_parameters"]


class Namespaces:
    """Two network namespaces joined by a veth pair; None from create() when they cannot be made."""

    NAMES = ("blurbench0", "blurbench1")
    IFACES = ("vbench0", "vbench1")
    ADDRS = ("10.231.9.1", "10.231.9.2")

    @classmethod
    def create(cls):
        if os.geteuid() != 0:
            return None
        cls.delete()
        steps = [["ip", "netns", "add", n] for n in cls.NAMES]
        steps.append(["ip", "link", "add", cls.IFACES[0], "type", "veth", "peer", "name", cls.IFACES[1]])
        for n, i, a in zip(cls.NAMES, cls.IFACES, cls.ADDRS):
            steps += [["ip", "link", "set", i, "netns", n], ["ip", "-n", n, "addr", "add", a + "/30", "dev", i],
                      ["ip", "-n", n, "link", "set", i, "up"], ["ip", "-n", n, "link", "set", "lo", "up"]]
        for s in steps:
            if subprocess.run(s, capture_output=True).returncode != 0:
                cls.delete()
                return None
        return cls()

    @classmethod
    def delete(cls):
        for n in cls.NAMES:
            subprocess.run(["ip", "netns", "delete", n], capture_output=True)

    def tx_bytes(self, rank):
        out = subprocess.run(["ip", "netns", "exec", self.NAMES[rank], "cat",
                              f"/sys/class/net/{self.IFACES[rank]}/statistics/tx_bytes"],
                             capture_output=True, text=True, check=True)
        return int(out.stdout)

    def train(self, args, logs):
        """Both ranks, one per namespace; returns each rank's tx bytes during the run."""
        before = [self.tx_bytes(r) for r in range(2)]
        procs = []
        for r in range(2):
            env = dict(os.environ, RANK=str(r), WORLD_SIZE="2", LOCAL_WORLD_SIZE="1", MASTER_ADDR=self.ADDRS[0],
                       MASTER_PORT="29533", GLOO_SOCKET_IFNAME=self.IFACES[r])
            procs.append(subprocess.Popen(["ip", "netns", "exec", self.NAMES[r], "java", "-jar", JAR, *args],
                                          env=env, stdout=open(logs[r], "w"), stderr=subprocess.STDOUT))
        for r, p in enumerate(procs):
            if p.wait(timeout=900) != 0:
                sys.exit(f"bench_distributed: rank {r} in a namespace failed (log: {logs[r]})")
        return [self.tx_bytes(r) - before[r] for r in range(2)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=14)
    parser.add_argument("--out", default="target/bench-distributed")
    a = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if not os.path.isfile(JAR):
        sys.exit(f"bench_distributed: {JAR} is missing: build it with mvn -B -q package -DskipTests")
    subprocess.run(["rm", "-rf", a.out], check=True)
    os.makedirs(a.out)
    data = os.path.join(a.out, "mini-data")
    subprocess.run(["java", "-cp", JAR, "org.blurnative.data.mini.MiniBenchmark", data], check=True,
                   stdout=subprocess.DEVNULL)
    java("finetune", "--from-scratch", "--hidden", "128", "--layers", "4", "--heads", "4", "--max-steps", "1",
         "--batch", "8", "--max-length", "192", "--data", f"{data}/forget10.json", "--out", f"{a.out}/model-run",
         log=f"{a.out}/model.log")
    model = f"{a.out}/model-run/model"

    def args(method, out, steps, *extra):
        return ["train", "--model", model, "--forget", f"{data}/forget10.json", "--retain",
                f"{data}/retain90.json", "--method", method, "--lambda", "1", "--batch", "8", "--micro-batch", "2",
                "--max-length", "192", "--lr", "3e-5", "--max-steps", str(steps), "--checkpoint-interval", "0",
                "--out", out, *extra]

    layouts = {
        "1 process x 1 thread": ["--threads", "1"],
        "1 process x 2 threads": ["--threads", "2"],
        "2 processes x 1 thread, replicated": ["--nproc", "2", "--threads", "1", "--dist-mode", "replicated"],
        "2 processes x 1 thread, sharded": ["--nproc", "2", "--threads", "1", "--dist-mode", "sharded"],
    }
    results = {"machine": os.uname().nodename, "cpus": os.cpu_count(), "steps": a.steps, "layouts": {}}
    for name, extra in layouts.items():
        row = {}
        for method in ("blur-npo", "npo"):
            out = f"{a.out}/{method}-{name.replace(' ', '_').replace(',', '')}"
            java(*args(method, out, a.steps, *extra), log=out + ".log")
            row[method] = median_step_seconds(out)
            row[method + " phases"] = phase_shares(out)
            results["parameters"] = trainable_parameters(out)
        row["projection_share"] = (row["blur-npo"] - row["npo"]) / row["blur-npo"]
        results["layouts"][name] = row
        shares = ", ".join(f"{p} {100 * v:.1f} %" for p, v in row["blur-npo phases"].items())
        print(f"{name}: BLUR-NPO {row['blur-npo']:.3f} s/step ({shares}), NPO {row['npo']:.3f} s/step", flush=True)

    ns = Namespaces.create()
    if ns is None:
        results["bytes_per_rank_per_step"] = "not measured: needs root and iproute2 to make network namespaces"
    else:
        try:
            traffic = {}
            for mode in ("replicated", "sharded"):
                sent = {}
                for steps in (4, 4 + a.steps):
                    out = f"{a.out}/traffic-{mode}-{steps}"
                    sent[steps] = ns.train(args("blur-npo", out, steps, "--threads", "1", "--dist-mode", mode),
                                           [f"{out}-rank{r}.log" for r in range(2)])
                traffic[mode] = [(sent[4 + a.steps][r] - sent[4][r]) / a.steps for r in range(2)]
                print(f"{mode}: bytes sent per step by rank 0, 1: {traffic[mode]}", flush=True)
            results["bytes_per_rank_per_step"] = traffic
        finally:
            ns.delete()
    results["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(f"{a.out}/results.json", "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
