"""One rank of test_hf's DDP test: BLUR-NPO through BlurTrainerMixin on a DDP-wrapped TinyLM.

    python3 -m tests.hf_worker RANK WORLD_SIZE PORT OUT SEED MODE

Every step's global batch is 8 sequences; rank k takes sequences k, k+W, ... in micro-batches of
2 (so 4 // W accumulation steps). WORLD_SIZE 1 runs the same without torch.distributed. MODE is
unused (the trainer averages over ranks, DDP's convention). Writes θ and whether DDP's no_sync
was entered to OUT.
"""

import datetime
import gc
import sys

import torch

from blur_native import hf
from tests import fake_trainer as ft
from tests import support

STEPS, BATCH, MICRO = 3, 8, 2


class BlurFake(hf.BlurTrainerMixin, ft.FakeTrainer):
    pass


def main():
    rank, world, port, out, seed, _ = sys.argv[1:]
    rank, world, seed = int(rank), int(world), int(seed)
    model = ft.TinyLM(seed)
    wrapped, entered = model, []
    if world > 1:
        import torch.distributed as dist
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=world, timeout=datetime.timedelta(seconds=30))
        wrapped = torch.nn.parallel.DistributedDataParallel(model)
        no_sync = wrapped.no_sync

        def recording_no_sync():
            entered.append(True)
            return no_sync()
        wrapped.no_sync = recording_no_sync
    local = BATCH // world
    trainer = BlurFake(model, ft.Args(accumulation=local // MICRO, adam_epsilon=support.ORDER_EPS), wrapped=wrapped,
                       blur_method="blur-npo")
    steps = []
    for step in range(STEPS):
        b = ft.batch(seed + step, BATCH)
        mine = {side: {k: t[rank::world] for k, t in b[side].items()} for side in b}
        steps.append(ft.split(mine, local // MICRO))
    trainer.train(steps)
    torch.save({"theta": trainer.blur_optimizer().flat.master.clone(),
                "no_sync_used": bool(entered)}, out)
    if world > 1:
        # DDP's reducer holds the process group: it goes first (a rank once aborted at exit,
        # "terminate called without an active exception", with the group destroyed under it),
        # and no rank tears its group down while another may still be talking to it
        del trainer, wrapped
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
