"""Builders of inputs for the ingest tests: Flink lines that do not compress like a bomb, YARN dumps, tarballs."""

from __future__ import annotations

import io
import random
import tarfile

CONTAINER_TM = "container_e07_1669378398064_0904_01_000002"
CONTAINER_JM = "container_e07_1669378398064_0904_01_000001"


def tm_lines(count: int, seed: int = 0, start: int = 0) -> bytes:
    """TaskManager lines with varying content (real logs compress 5-50x, never like a run of zeros)."""
    rnd = random.Random(seed)
    return "".join(
        f"2023-08-01 18:{(start + i) // 60 % 60:02d}:{(start + i) % 60:02d},{rnd.randrange(1000):03d} INFO  "
        f"org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Received task Map ({i % 8 + 1}/8)#0 "
        f"({rnd.getrandbits(128):032x}), deploy into slot with allocation id {rnd.getrandbits(64):016x}.\n"
        for i in range(count)
    ).encode()


def jm_lines(count: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    return "".join(
        f"2023-08-01 18:17:{i % 60:02d},{rnd.randrange(1000):03d} INFO  "
        f"org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Map ({i % 8 + 1}/8) "
        f"({rnd.getrandbits(128):032x}) switched from DEPLOYING to INITIALIZING.\n"
        for i in range(count)
    ).encode()


def yarn_section(
    container: str,
    host: str,
    log_type: str,
    content: bytes,
    *,
    hadoop3: bool = True,
    length: int | None = None,
    header: bool = True,
) -> bytes:
    """One section of ``yarn logs -applicationId`` output, as Hadoop 3 (or 2) writes it."""
    stated = len(content) if length is None else length
    head = f"Container: {container} on {host}\n" if header else ""
    if hadoop3:
        head += "LogAggregationType: AGGREGATED\n" + "=" * 70 + "\n" if header else ""
        meta = f"LogType:{log_type}\nLogLastModifiedTime:Tue Aug 01 18:17:56 +0000 2023\nLogLength:{stated}\nLogContents:\n"
        end = f"\nEnd of LogType:{log_type}\n" + "*" * (len(log_type) + 65) + "\n\n"
    else:
        head += "=" * 70 + "\n" if header else ""
        meta = (
            f"LogType:{log_type}\nLog Upload Time:Tue Aug 01 18:17:56 +0000 2023\nLogLength:{stated}\nLog Contents:\n"
        )
        end = f"End of LogType:{log_type}\n\n"
    return head.encode() + meta.encode() + content + end.encode()


def add_member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1_700_000_000
    tar.addfile(info, io.BytesIO(data))


def add_special(tar: tarfile.TarFile, name: str, kind: bytes, linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    tar.addfile(info)
