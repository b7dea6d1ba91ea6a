"""Steps 4 and 5 of DESIGN.md §2 over torch.distributed, in the replicated (DDP-like) mode.

Every rank all-reduces G_f and G_r, then reduces only its own shard of them and the per-rank
(d, F, R) triples are all-gathered and added in rank order, so every rank holds the same bits
whatever algorithm the collective picks (DESIGN.md §8: never a float all-reduce of the sums).
"""

import torch

from . import kernels

__all__ = ["Replicas", "shard_range"]

SHARD_ALIGNMENT = 64  # elements: cache lines, 16-byte vector loads, NCCL's alignment


def shard_range(n, rank, world_size):
    """Rank k of W owns [k·S, min((k+1)·S, n)) with S = ceil(n/W) rounded up to a multiple of 64
    elements; the last shards may be short or empty (DESIGN.md §8)."""
    per_rank = -(-n // world_size)
    per_rank = -(-per_rank // SHARD_ALIGNMENT) * SHARD_ALIGNMENT
    begin = min(n, rank * per_rank)
    return begin, min(n, begin + per_rank)


class Replicas:
    """The ranks of `group` (None: the default group), each holding the whole θ."""

    def __init__(self, group=None, average=True):
        import torch.distributed as dist
        self.dist, self.group, self.average = dist, group, average
        self.rank = dist.get_rank(group)
        self.world_size = dist.get_world_size(group)

    @staticmethod
    def active(group=None):
        """Whether torch.distributed runs with more than one rank in `group`."""
        import torch.distributed as dist
        return dist.is_available() and dist.is_initialized() and dist.get_world_size(group) > 1

    def reduce_gradients(self, *buffers):
        """Sum (or, with `average`, the mean: DDP's convention for per-rank mean losses) of each
        buffer over the ranks, in place."""
        for b in buffers:
            self.dist.all_reduce(b, op=self.dist.ReduceOp.SUM, group=self.group)
            if self.average:
                b.div_(self.world_size)

    def reduce(self, gf, gr):
        """(d, F, R, nonfinite) of the whole vectors: this rank's shard reduced, the shards'
        sums gathered and added in rank order as blur_sums_add does."""
        begin, end = shard_range(gf.numel(), self.rank, self.world_size)
        mine = kernels.reduce(gf[begin:end], gr[begin:end])
        # NCCL gathers device tensors, Gloo host ones: the triple travels on the buffers' device
        local = torch.tensor([mine.dot, mine.ff, mine.rr, float(mine.nonfinite)],
                             dtype=torch.float64, device=gf.device)
        gathered = [torch.empty_like(local) for _ in range(self.world_size)]
        self.dist.all_gather(gathered, local, group=self.group)
        # Python floats are IEEE doubles: added in rank order, exactly what blur_sums_add does,
        # without needing libblur.so on a GPU-only machine
        d = f = r = 0.0
        flag = 0
        for part in gathered:
            pd, pf, pr, pflag = part.tolist()
            d, f, r, flag = d + pd, f + pf, r + pr, flag | int(pflag)
        return kernels.Sums(d, f, r, flag, 0)
