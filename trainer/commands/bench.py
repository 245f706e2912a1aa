"""`empathy-trainer bench customer|grader`: each bench lives beside the thing it measures."""

from __future__ import annotations

import argparse


def main(args: argparse.Namespace) -> int:
    if args.target == "grader":
        from trainer.bench.grader import main as bench_grader

        return bench_grader(args)
    from trainer.bench.customer import main as bench_customer

    return bench_customer(args)
