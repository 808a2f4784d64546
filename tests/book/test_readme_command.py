"""The README's test command is the one CI runs (a new user runs what CI runs)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _normalise(cmd: str) -> str:
    return " ".join(cmd.replace("\\\n", " ").split())


def test_readme_test_command_is_the_ci_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme_cmd = re.search(r"&& (CVBOOK_MODE=fast python -m pytest[^\n]*)", readme)
    assert readme_cmd, "README has no test command of the form '... && CVBOOK_MODE=fast python -m pytest ...'"
    ci_cmd = re.search(r"test_command\(\) \{\n(.*?)\n\}", ci, re.S)
    assert ci_cmd, ".ci/run has no test_command function"
    ci_text = _normalise(ci_cmd.group(1))
    readme_text = _normalise(readme_cmd.group(1))
    assert ci_text.startswith(readme_text), f"CI runs {ci_text!r}, the README says {readme_text!r}"
    assert "--nbval-cell-timeout=" in readme_text, "the test command must set a per-cell timeout"


def test_oldest_stack_matches_the_floors():
    floors = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(torch|torchvision|numpy)>=([\d.]+)", line.strip())
        if m:
            floors[m.group(1)] = m.group(2)
    pins = dict(re.findall(r"^(torch|torchvision|numpy)==([\d.]+)", (ROOT / ".ci" / "oldest.txt").read_text(), re.M))
    assert set(floors) == {"torch", "torchvision", "numpy"}, floors
    assert pins == floors, f".ci/oldest.txt pins {pins}, requirements.txt declares floors {floors}"
