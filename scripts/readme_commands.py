"""Print the README's run command (first fenced block) or test command (second)."""

import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
commands = []
for block in re.findall(r"```[a-zA-Z]*\n(.*?)```", text, re.S):
    lines = [line.strip() for line in block.splitlines()]
    commands.append(next(line for line in lines if line and not line.startswith("#")))
print(commands[{"run": 0, "test": 1}[sys.argv[1]]])
