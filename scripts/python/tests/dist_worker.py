"""One rank of test_distributed: BLUR steps on the small model, its share of every batch.

    python3 -m tests.dist_worker RANK WORLD_SIZE PORT OUT SEED MODE

MODE "sum": losses divide by the global batch's size and the ranks' gradients are summed
(average_gradients=False); "mean": DDP's convention, each rank's loss a mean over its own
examples and the gradients averaged. Rank k takes examples k, k+W, ... of each batch. Writes
θ and every step's diagnostics to OUT (torch.save). WORLD_SIZE 1 runs without torch.distributed.
"""

import datetime
import sys

import torch

import blur_native as bn
from tests import models
from tests import support

STEPS, BATCH = 5, 12


def main():
    rank, world, port, out, seed, mode = sys.argv[1:]
    rank, world, seed = int(rank), int(world), int(seed)
    if world > 1:
        import torch.distributed as dist
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=world, timeout=datetime.timedelta(seconds=30))
    model = models.mlp(seed)
    opt = bn.BlurAdamW(model.parameters(), lr=1e-2, eps=support.ORDER_EPS, rule="blur", gamma=1.0,
                       average_gradients=mode == "mean")
    grads = opt.gradients()
    history = []
    for step in range(STEPS):
        xf, yf, xr, yr = models.batches(seed + step, BATCH)
        mine = slice(rank, BATCH, world)
        total = BATCH if mode == "sum" else len(range(rank, BATCH, world))
        with grads.accumulate("forget"):
            models.forget_loss(model, xf[mine], yf[mine], total).backward()
        with grads.accumulate("retain"):
            models.retain_loss(model, xr[mine], yr[mine], total).backward()
        g = opt.step()
        history.append([g.d, g.F, g.R, g.c_f, g.c_r])
    torch.save({"theta": opt.flat.master.clone(), "history": torch.tensor(history, dtype=torch.float64)}, out)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
