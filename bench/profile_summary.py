"""Summarise py-spy ``--format raw`` profiles: where a server's time went.

``python -m bench.profile_summary DIR/*.txt`` prints, per file, the functions with the
most samples on the stack (inclusive) and at the top of it (self).
"""

import sys
from collections import Counter
from pathlib import Path


def frame_name(frame: str) -> str:
    # py-spy writes "function (path/to/module.py:line)": keep the function and file name.
    function, _, where = frame.partition(" (")
    return f"{function} ({where.split(':')[0].rsplit('/', 1)[-1]})"


def summarise(path: Path, top: int = 25) -> str:
    inclusive, own, total = Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        count = int(count)
        total += count
        frames = [frame_name(frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    lines = [f"\n{path.name}: {total} samples", "  inclusive:"]
    lines += [f"    {n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top)]
    lines.append("  self:")
    lines += [f"    {n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(summarise(Path(name)))
