"""PyTorch model definitions used to build avstream model packages."""
from .stmt import STMT, STMTConfig, full_config, small_config  # noqa: F401
