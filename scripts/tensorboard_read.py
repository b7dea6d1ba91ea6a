#!/usr/bin/env python3
"""Reads an event file with TensorBoard's own loader and prints its scalars as JSON.

    python3 scripts/tensorboard_read.py RUN/tensorboard/events.out.tfevents.*.blur-native

Prints {"file_version": ..., "scalars": {tag: [[step, wall_time, value], ...]}} as TensorBoard's
EventAccumulator reads them (it checks every record's CRC-32C). Made
src/test/resources/tensorboard/tensorboard-read.json from the event file beside it, with
tensorboard 2.21.0 (pip install tensorboard).
"""
import json
import sys

from tensorboard.backend.event_processing import event_accumulator, event_file_loader


def main(path):
    first = next(iter(event_file_loader.LegacyEventFileLoader(path).Load()))
    acc = event_accumulator.EventAccumulator(path, size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    scalars = {tag: [[s.step, s.wall_time, s.value] for s in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
    print(json.dumps({"file_version": first.file_version, "scalars": scalars}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
