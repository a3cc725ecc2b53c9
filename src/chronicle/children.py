"""Worker processes that end with the process that forked them.

A command killed outright (SIGKILL, an out-of-memory kill, a closed terminal's SIGHUP
to the parent alone) cannot stop its workers itself; forked workers inherit its open
files, the index's update lock among them, and would go on holding it. On Linux a
worker asks the kernel for SIGKILL when its parent ends (``prctl(PR_SET_PDEATHSIG)``);
elsewhere nothing is asked, and a parent that ends normally stops its workers itself.
"""

from __future__ import annotations

import os
import signal
import sys

#: ``prctl`` option: the signal this process gets when its parent ends.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a just-forked worker of ``parent``: end when ``parent`` ends, even by SIGKILL.

    If the parent has already ended (between the fork and this call), end now.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)
