"""Runtime: device choice, seeding, the fast/full switch and the environment report."""
from cvbook.runtime.device import DEVICE_ENV, get_device
from cvbook.runtime.paths import DATA_ENV, data_root, display_path
from cvbook.runtime.mode import MODE_ENV, MODES, by_mode, get_mode, is_fast
from cvbook.runtime.report import RECORD_ENV, Env, data_used, env_info, record_data, setup
from cvbook.runtime.seed import make_generator, seed_everything
from cvbook.runtime.threads import DEFAULT_THREADS, THREADS_ENV, apply_thread_policy, thread_count

__all__ = [
    "DEFAULT_THREADS",
    "THREADS_ENV",
    "apply_thread_policy",
    "thread_count",
    "DATA_ENV",
    "data_root",
    "display_path",
    "DEVICE_ENV",
    "MODE_ENV",
    "MODES",
    "RECORD_ENV",
    "Env",
    "by_mode",
    "data_used",
    "env_info",
    "get_device",
    "get_mode",
    "is_fast",
    "make_generator",
    "record_data",
    "seed_everything",
    "setup",
]
