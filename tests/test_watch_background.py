"""`chronicle watch` as a background process: started on demand by a command (when asked
for, or by default on a large chronicle on a local disk), one per chronicle, asked about and stopped, ending by itself when it can no longer
serve, and stopping promptly, with catalog and index whole, in the middle of long work.

Every test here runs real processes; each watcher a test starts is stopped by the
`watchers` fixture, so none outlives the test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chronicle import index, watch_control
from chronicle.config import find_chronicle
from chronicle.watcher import confirm_current, socket_path
from test_watch import edit_in_place, fast_and_full, instance_of

pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(socket, "AF_UNIX"),
                                reason="Unix sockets and sessions")

#: Generous: the suite shares two cores with other work. Only ever a bound on waiting
#: for something that must happen, never a measure of speed.
PATIENCE_S = 60.0


def until(condition: Callable[[], object], what: str, patience: float = PATIENCE_S) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {patience:g} s for {what}")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie has ended: it only waits to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def watcher_pids(root: Path) -> list[int]:
    """Processes running a background watcher for ``root``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"chronicle.watch_control" in words and str(root).encode() in words \
                and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.fixture
def watchers(chronicle_root: Path) -> Iterator[list[Path]]:
    """Chronicles whose watchers must be stopped at the end (the test's own is listed)."""
    roots = [chronicle_root]
    yield roots
    for root in roots:
        for pid in watcher_pids(root):
            os.kill(pid, signal.SIGTERM)
        until(lambda root=root: not watcher_pids(root), "the watchers to end", 30)


def chronicle_cli(*args: str, root: Path, env: dict[str, str] | None = None,
                  check: bool = True) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "CHRONICLE_ROOT": str(root), **(env or {})}
    result = subprocess.run([sys.executable, "-m", "chronicle", *args], env=environ,
                            capture_output=True, text=True, timeout=PATIENCE_S)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def want_watch(root: Path) -> None:
    with open(root / "chronicle.yaml", "a", encoding="utf-8") as handle:
        handle.write("watch: true\n")


def answered(root: Path) -> bool:
    chronicle = find_chronicle(root)
    return confirm_current(chronicle, instance_of(chronicle), timeout=5)


def test_commands_start_one_watcher_on_demand_and_the_next_are_answered(
    watchers: list[Path], chronicle_root: Path
) -> None:
    want_watch(chronicle_root)
    chronicle = find_chronicle(chronicle_root)
    # Two commands at once, neither finding a watcher: they end with exactly one.
    environ = {**os.environ, "CHRONICLE_ROOT": str(chronicle_root)}
    both = [subprocess.Popen([sys.executable, "-m", "chronicle", "list", "--format", "ids"],
                             env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=PATIENCE_S) for process in both]
    assert [process.returncode for process in both] == [0, 0], outputs
    # Each did its own work: the same answer as without any watcher.
    expected = chronicle_cli("list", "--format", "ids", root=chronicle_root,
                             env={"CHRONICLE_WATCH": "0"}).stdout
    assert [out for out, _ in outputs] == [expected, expected]
    # The watcher holds the lock from the moment the command started it.
    assert watch_control.is_running(chronicle)
    until(lambda: answered(chronicle_root), "the watcher's first answer")
    assert len(watcher_pids(chronicle_root)) == 1
    pid = watch_control.read_record(chronicle)["pid"]
    assert watcher_pids(chronicle_root) == [pid]
    # Detached: not a child of the test or of a command, in a session of its own.
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        parent = int(handle.read().rsplit(")", 1)[1].split()[1])
    assert parent != os.getpid() and parent not in [p.pid for p in both]
    assert os.getsid(pid) != os.getsid(0)

    # The next commands are answered by it, and see every change at once.
    target = chronicle_root / "entries" / "2014" / "2014-03-05-commission.yaml"
    edit_in_place(target, "Intergovernmental commission meets", "Zanzibar delegation arrives")
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert was_watched and fast == full
    assert "Zanzibar delegation arrives" in [entry["title"] for entry in fast]
    searched = chronicle_cli("search", "Zanzibar", "--format", "ids", root=chronicle_root)
    assert searched.stdout.split() == ["2014/2014-03-05-commission"]
    assert watcher_pids(chronicle_root) == [pid]

    shown = chronicle_cli("watch", "--status", root=chronicle_root)
    assert f"Running: pid {pid} " in shown.stdout
    assert "(on demand)" in shown.stdout and "Answering" in shown.stdout
    assert "Started on demand: on (chronicle.yaml: watch: true)" in shown.stdout
    # A second watcher in the foreground is refused, naming the one that runs.
    second = chronicle_cli("watch", root=chronicle_root, check=False)
    assert second.returncode == 1
    assert f"a watcher already runs for this chronicle (pid {pid}, on demand)" in second.stderr

    stopped = chronicle_cli("watch", "--stop", root=chronicle_root)
    assert f"Stopped the watcher (pid {pid})." in stopped.stderr
    assert "The next command starts it again" in stopped.stderr
    assert not alive(pid) and not watch_control.is_running(chronicle)
    assert not socket_path(chronicle).exists()
    shown = chronicle_cli("watch", "--status", root=chronicle_root, check=False)
    assert shown.returncode == 1
    assert "Not running" in shown.stdout
    assert "asked to stop (SIGTERM)" in shown.stdout
    log = (chronicle.index_dir / watch_control.LOG_NAME).read_text(encoding="utf-8")
    assert "Stopped watching: asked to stop (SIGTERM)." in log
    assert chronicle_cli("watch", "--stop", root=chronicle_root).stderr.startswith(
        "No watcher runs")


def test_the_watcher_is_started_only_when_asked_for(chronicle_root: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    chronicle = find_chronicle(chronicle_root)
    log = chronicle.index_dir / watch_control.LOG_NAME
    assert not watch_control.start_wanted(chronicle)  # not set, and no check made
    monkeypatch.setenv("CHRONICLE_WATCH", "1")
    # No lock to take: one runs already (here: this test holds it).
    lock = watch_control.WatchLock.acquire(chronicle)
    assert lock is not None
    try:
        assert not watch_control.start_wanted(chronicle)
        # A watcher that failed to start a moment ago is not started again at once.
        lock.record(pid=1, stopped=time.time(), reason="could not watch", failed=True)
    finally:
        lock.close()
    assert not watch_control.start_wanted(chronicle)
    assert not log.exists()
    # The environment wins over chronicle.yaml, both ways.
    want_watch(chronicle_root)
    chronicle = find_chronicle(chronicle_root)
    monkeypatch.setenv("CHRONICLE_WATCH", "off")
    assert not watch_control.start_wanted(chronicle)
    assert watch_control.setting(chronicle) == (False, "$CHRONICLE_WATCH=off")
    monkeypatch.delenv("CHRONICLE_WATCH")
    assert watch_control.setting(chronicle) == (True, "chronicle.yaml: watch: true")
    assert not log.exists()


def test_a_bad_setting_is_said_and_the_command_still_answers(chronicle_root: Path) -> None:
    result = chronicle_cli("list", "--format", "ids", root=chronicle_root,
                           env={"CHRONICLE_WATCH": "sometimes"})
    assert result.stdout.split()
    assert result.stderr == ("Warning: $CHRONICLE_WATCH: 'sometimes' is not one of 1, 0, "
                             "true, false, yes, no, on, off, auto\n")
    (chronicle_root / "chronicle.yaml").write_text("watch: sometimes\n", encoding="utf-8")
    result = chronicle_cli("list", root=chronicle_root, check=False)
    assert result.returncode == 1
    assert "chronicle.yaml: 'watch' must be true, false or auto" in result.stderr


def test_watch_options_are_checked(cli: Callable[..., object]) -> None:
    for args, message in (
        (["watch", "--status", "--stop"], "give one of --status, --stop and --detach"),
        (["watch", "--idle-exit", "soon"], "--idle-exit: 'soon' is not a duration"),
        (["watch", "--idle-exit", "0"], "is not a duration"),
        (["watch", "--stop", "--idle-exit", "5"], "--idle-exit goes with watching"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, args  # type: ignore[attr-defined]
        assert message in result.output, result.output  # type: ignore[attr-defined]


def start_detached(root: Path, *extra: str) -> int:
    result = chronicle_cli("watch", "--detach", *extra, root=root)
    assert "Watching in the background (pid " in result.stderr
    pid = int(result.stderr.split("(pid ", 1)[1].split(";", 1)[0])
    until(lambda: answered(root), "the watcher's first answer")
    return pid


@pytest.mark.parametrize("how", ["index removed", "folder moved", "idle",
                                 "another version asks"])
def test_the_watcher_stops_by_itself_when_it_can_no_longer_serve(
    watchers: list[Path], chronicle_root: Path, tmp_path: Path, how: str
) -> None:
    pid = start_detached(chronicle_root, *(["--idle-exit", "1"] if how == "idle" else []))
    chronicle = find_chronicle(chronicle_root)
    record_file = chronicle.index_dir / watch_control.LOCK_NAME
    if how == "index removed":
        shutil.rmtree(chronicle.index_dir)
        reason = "was removed or replaced"
    elif how == "folder moved":
        moved = tmp_path / "moved"
        chronicle_root.rename(moved)
        watchers.append(moved)
        record_file = moved / "index" / watch_control.LOCK_NAME
        reason = "was moved or removed"
    elif how == "idle":
        reason = "no command asked for 1 second"
    else:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(PATIENCE_S)
            conn.connect(str(socket_path(chronicle)))
            conn.sendall(f"sync {instance_of(chronicle)} 0.0.1/1/1/py3.0\n".encode())
            assert conn.recv(64) == b"no\n"
        reason = "a command of another version of chronicle asked"
    until(lambda: not alive(pid), f"the watcher to stop ({how})")
    if how == "folder moved":
        # Killed, a watcher cannot say why; the status says it ended all the same.
        killed = start_detached(moved)
        os.kill(killed, signal.SIGKILL)
        until(lambda: not alive(killed), "the killed watcher to end")
        shown = chronicle_cli("watch", "--status", root=moved, check=False)
        assert shown.returncode == 1
        assert f"The last watcher (pid {killed}, chronicle watch --detach, started " in shown.stdout
        assert "ended without saying why (killed" in shown.stdout
        # A command then finds the socket it left, with nobody listening: it scans.
        fast, full, was_watched = fast_and_full(moved)
        assert not was_watched and fast == full
        record_file.write_text(json.dumps({"reason": reason, "failed": False}))
    if how != "index removed":
        record = json.loads(record_file.read_text(encoding="utf-8"))
        assert reason in record["reason"] and record["failed"] is False
    else:
        assert not chronicle.index_dir.exists() or not record_file.exists()
    # With the watcher gone, commands scan, and see everything.
    root = watchers[-1]
    (root / "entries" / "later.yaml").write_text("title: Quokka\ndate: 2003\n",
                                                 encoding="utf-8")
    fast, full, was_watched = fast_and_full(root)
    assert not was_watched and fast == full


SLOW_WATCH = """
import signal, sys, time
from chronicle.index import lifecycle

calls, original = sys.argv[1], lifecycle.entry_document

def slowly(*args, **kwargs):
    with open(calls, "a", encoding="ascii") as handle:
        handle.write("x")
    time.sleep(0.2)
    return original(*args, **kwargs)

lifecycle.entry_document = slowly
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.argv = ["chronicle", "watch"]
from chronicle.__main__ import main
main()
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_watcher_stops_promptly_in_the_middle_of_a_long_reindex(
    chronicle_root: Path, tmp_path: Path, signum: int
) -> None:
    """Asked to stop while it re-indexes (each entry made slow here), the watcher stops
    within that work, not after it; catalog and index stay whole, and the next command
    does the rest."""
    chronicle = find_chronicle(chronicle_root)
    index.update(chronicle)
    files = sorted((chronicle_root / "entries").rglob("*.yaml"))
    calls = tmp_path / "calls"
    environ = {**os.environ, "CHRONICLE_ROOT": str(chronicle_root)}
    watcher = subprocess.Popen([sys.executable, "-c", SLOW_WATCH, str(calls)], env=environ,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        until(lambda: answered(chronicle_root), "the watcher's first answer")
        for path in files:  # every entry changes: all must be indexed again
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("title: ", "title: Quokkaword ", 1), encoding="utf-8")
        until(lambda: calls.exists() and calls.stat().st_size >= 2, "the re-index to start")
        watcher.send_signal(signum)
        _, stderr = watcher.communicate(timeout=PATIENCE_S)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    done = calls.stat().st_size
    assert done < len(files), f"it stopped only after the work ({done} of {len(files)})"
    if signum == signal.SIGTERM:
        assert watcher.returncode == 0, stderr
        assert "Stopped in the middle of applying changes" in stderr
        assert stderr.rstrip().endswith("Stopped watching: asked to stop (SIGTERM).")
    else:
        assert watcher.returncode == 130, stderr
        assert stderr.rstrip().endswith("Interrupted.")
    assert not socket_path(chronicle).exists()
    # Whole: the catalog reads as a full parse does, the index opens and is sound, and
    # the next command brings the index up to date.
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert not was_watched and fast == full
    index.probe(chronicle)
    hits = index.search(chronicle, "Quokkaword").hits
    assert len(hits) == len(full)
    rebuilt = index.update(chronicle, rebuild=True)
    assert rebuilt.rebuilt
    assert len(index.search(chronicle, "Quokkaword").hits) == len(full)


def test_by_default_a_watcher_is_wanted_for_a_large_chronicle_on_a_local_disk(
        chronicle_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chronicle = find_chronicle(chronicle_root)
    wanted, where = watch_control.setting(chronicle)
    assert wanted is None and where.startswith("the default")
    monkeypatch.setattr(watch_control, "AUTO_WATCH_FILES", 100)
    monkeypatch.setattr(watch_control, "filesystem_type", lambda path, table=None: "ext4")
    assert not watch_control.on_demand(chronicle)  # no full check made
    assert not watch_control.on_demand(chronicle, files=99)
    assert watch_control.on_demand(chronicle, files=100)
    # Where another computer's changes raise no file event, only when asked for.
    for kind in ("nfs4", "cifs", "fuse.sshfs", "9p", "virtiofs", None):
        monkeypatch.setattr(watch_control, "filesystem_type",
                            lambda path, table=None, kind=kind: kind)
        assert not watch_control.on_demand(chronicle, files=10**6), kind
        monkeypatch.setenv("CHRONICLE_WATCH", "1")
        assert watch_control.on_demand(chronicle, files=10**6), kind
        monkeypatch.delenv("CHRONICLE_WATCH")
    monkeypatch.setattr(watch_control, "filesystem_type", lambda path, table=None: "xfs")
    for said, expected in (("watch: false", False), ("watch: auto", True), ("", True)):
        (chronicle_root / "chronicle.yaml").write_text(said + "\n", encoding="utf-8")
        chronicle = find_chronicle(chronicle_root)
        assert watch_control.on_demand(chronicle, files=100) is expected, said
        assert not watch_control.on_demand(chronicle, files=99), said
    (chronicle_root / "chronicle.yaml").write_text("watch: false\n", encoding="utf-8")
    chronicle = find_chronicle(chronicle_root)
    for value, expected in (("auto", True), ("AUTO", True), ("0", False), ("yes", True)):
        monkeypatch.setenv("CHRONICLE_WATCH", value)
        assert watch_control.on_demand(chronicle, files=100) is expected, value
        assert watch_control.setting(chronicle)[1] == f"$CHRONICLE_WATCH={value}"


MOUNTINFO = (
    b"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    b"30 22 0:25 / /proc rw,nosuid - proc proc rw\n"
    b"40 22 0:40 / /srv/chronicles rw - nfs4 server:/export rw,vers=4.2\n"
    b"41 40 8:2 / /srv/chronicles/local rw - xfs /dev/sdb1 rw\n"
    b"42 22 0:41 / /home/me/my\\040files rw - fuse.sshfs me@host:/x rw\n"
    b"43 22 0:42 / /mnt/twice rw - nfs server:/a rw\n"
    b"44 43 0:43 / /mnt/twice rw - tmpfs tmpfs rw\n"
    b"45 22 0:44 / /hidden/below rw - ext4 /dev/sdc1 rw\n"
    b"46 22 0:45 / /hidden rw - nfs4 server:/h rw\n"
    b"garbage line without the separator\n"
)


@pytest.mark.parametrize(("path", "kind"), [
    ("/", "ext4"),
    ("/home/me/notes", "ext4"),
    ("/srv/chronicles", "nfs4"),
    ("/srv/chronicles/work/entries", "nfs4"),
    ("/srv/chronicles/local/entries", "xfs"),
    ("/srv/chronicles/localer", "nfs4"),  # a longer name is not under the mount
    ("/home/me/my files/entries", "fuse.sshfs"),  # the table writes a space as \\040
    ("/home/me/my", "ext4"),
    ("/mnt/twice/entries", "tmpfs"),  # mounted over: the later mount is the one seen
    ("/hidden/below/entries", "nfs4"),  # a mount over its parent's place hides it
])
def test_the_file_system_of_a_folder_is_read_from_the_mount_table(path: str,
                                                                  kind: str) -> None:
    assert watch_control.filesystem_type(Path(path), MOUNTINFO) == kind
    assert watch_control.local_disk.__doc__
    assert (kind in watch_control.LOCAL_FILESYSTEMS) == (kind in ("ext4", "xfs", "tmpfs"))


@pytest.mark.parametrize(("path", "local"), [
    ("/home/me/chronicle/entries", True),
    ("/srv/chronicles/local/entries", True),
    ("/srv/chronicles/work/entries", False),
    ("/srv", False),  # the NFS share is mounted below it
    ("/home/me", False),  # so is the sshfs folder
    ("/", False),
    ("/hidden/below", False),
])
def test_a_local_disk_has_nothing_remote_mounted_below_it(path: str, local: bool) -> None:
    assert watch_control.local_disk(Path(path), MOUNTINFO) is local


def test_the_file_system_here_is_known(tmp_path: Path) -> None:
    if not Path("/proc/self/mountinfo").exists():
        pytest.skip("no Linux mount table")
    found = watch_control.filesystem_type(tmp_path)
    assert found and " " not in found
    assert watch_control.filesystem_type(tmp_path, b"") is None


_RUN_WITH_A_SMALL_THRESHOLD = """
import sys
from chronicle import config
config.AUTO_WATCH_FILES = int(sys.argv.pop(1))
sys.argv = ["chronicle", *sys.argv[1:]]
from chronicle.__main__ import main
main()
"""


def _run_small_threshold(threshold: int, args: list[str], root: Path,
                         env: dict[str, str] | None = None,
                         terminal: bool = False) -> tuple[str, str]:
    """stdout and stderr of a real command run as if ``threshold`` entry files made a
    large chronicle; stderr on a pseudo-terminal when ``terminal``."""
    import pty

    from terminal import read_terminal

    environ = {k: v for k, v in os.environ.items() if k != "CHRONICLE_WATCH"}
    environ.update(CHRONICLE_ROOT=str(root), **(env or {}))
    command = [sys.executable, "-c", _RUN_WITH_A_SMALL_THRESHOLD, str(threshold), *args]
    if not terminal:
        done = subprocess.run(command, env=environ, capture_output=True, text=True,
                              timeout=PATIENCE_S)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=secondary,
                               stdin=subprocess.DEVNULL)
    os.close(secondary)
    out = process.stdout.read() if process.stdout else b""
    err = read_terminal(main)
    assert process.wait(timeout=PATIENCE_S) == 0, err
    return out.decode(), err.decode()


def test_a_large_chronicle_gets_a_watcher_by_default_and_says_so_on_a_terminal(
        watchers: list[Path], chronicle_root: Path) -> None:
    if not watch_control.local_disk(chronicle_root):
        pytest.skip("the test folder is not on a local disk")
    chronicle = find_chronicle(chronicle_root)
    files = len(list((chronicle_root / "entries").rglob("*.yaml")))
    expected = chronicle_cli("list", "--format", "ids", root=chronicle_root,
                             env={"CHRONICLE_WATCH": "0"}).stdout
    # Smaller than the threshold: no watcher, nothing said.
    out, err = _run_small_threshold(files + 1, ["list", "--format", "ids"], chronicle_root,
                                    terminal=True)
    assert out == expected and err == ""
    assert not watch_control.is_running(chronicle)
    # Said otherwise: none either.
    out, err = _run_small_threshold(files, ["list", "--format", "ids"], chronicle_root,
                                    env={"CHRONICLE_WATCH": "0"}, terminal=True)
    assert out == expected and err == ""
    assert not watch_control.is_running(chronicle)
    # Large enough: the command answers as before, then starts one, and says so on its
    # terminal (never on stdout).
    out, err = _run_small_threshold(files, ["search", "commission", "--format", "ids"],
                                    chronicle_root, terminal=True)
    assert out.split() == chronicle_cli("search", "commission", "--format", "ids",
                                        root=chronicle_root,
                                        env={"CHRONICLE_WATCH": "0"}).stdout.split()
    assert err.count("Started a watcher in the background") == 1, err
    assert f"for these {files:,} entry files" in err and "watch: false" in err
    assert watch_control.is_running(chronicle)
    until(lambda: answered(chronicle_root), "the watcher's first answer")
    pid = watch_control.read_record(chronicle)["pid"]
    assert watcher_pids(chronicle_root) == [pid]
    assert watch_control.read_record(chronicle)["how"] == watch_control.ON_DEMAND
    # The next command is answered by it: no check of every file, nothing more said,
    # and no second watcher.
    out, err = _run_small_threshold(files, ["list", "--format", "ids"], chronicle_root,
                                    terminal=True)
    assert out == expected and err == ""
    assert watcher_pids(chronicle_root) == [pid]
    shown = chronicle_cli("watch", "--status", root=chronicle_root)
    assert "Started on demand: auto, when a command checks 20,000 entry files" in shown.stdout
    stopped = chronicle_cli("watch", "--stop", root=chronicle_root)
    assert ("With 20,000 entry files or more on a local disk, the next command that checks "
            "every file starts it again") in " ".join(stopped.stderr.split())
    # A script's command (stderr not a terminal) starts one without a word.
    out, err = _run_small_threshold(files, ["list", "--format", "ids"], chronicle_root)
    assert out == expected and err == ""
    until(lambda: answered(chronicle_root), "the watcher's first answer")


def test_watch_stop_ends_a_watcher_that_was_suspended(watchers: list[Path],
                                                      chronicle_root: Path) -> None:
    """A suspended process (SIGSTOP, Ctrl-Z of a watcher in a terminal) takes SIGTERM only
    once it runs again: --stop wakes it, as systemd and the shell's kill do."""
    pid = start_detached(chronicle_root)
    os.kill(pid, signal.SIGSTOP)
    try:
        stopped = chronicle_cli("watch", "--stop", root=chronicle_root, check=False)
        assert stopped.returncode == 0, stopped.stderr
        assert f"Stopped the watcher (pid {pid})." in stopped.stderr
        assert not alive(pid)
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGCONT)
