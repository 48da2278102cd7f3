"""Archives read in place: members become inputs with exact labels and intact bytes; every hostile shape is refused
with its reason, and nothing is ever written to disk."""

from __future__ import annotations

import gzip
import io
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from logforensics.errors import InputError
from logforensics.ingest.discover import Found, Limits, discover
from logforensics.ingest.sniff import sniff
from logforensics.model import SourceKind
from tests.ingest.helpers import CONTAINER_TM, add_member, add_special, jm_lines, tm_lines, yarn_section


def found_by_label(paths: list[Path], root: Path, limits: Limits | None = None) -> dict[str, Found]:
    items = discover(paths, root, limits) if limits is not None else discover(paths, root)
    labels = [f.label for f in items]
    assert len(labels) == len(set(labels)), labels
    return {f.label: f for f in items}


def reasons(found: dict[str, Found]) -> dict[str, str | None]:
    return {label: f.skipped_reason for label, f in found.items()}


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def build_incident(tmp_path: Path) -> dict[str, bytes]:
    """incident.tar.gz: two TaskManagers (one rotated, one gzipped part), a JobManager inside a nested zip."""
    contents = {
        "tm-1/taskmanager.log": tm_lines(300, seed=1, start=600),
        "tm-1/taskmanager.log.1": tm_lines(20000, seed=2, start=300),
        "tm-1/taskmanager.log.2.gz": tm_lines(200, seed=3),
        "tm-2/taskmanager.log": tm_lines(50, seed=4),
        "tm-2/taskmanager.out": b"Generated number: 5\n",
        "logs.zip!/jm/jobmanager.log": jm_lines(400),
    }
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("jm/jobmanager.log", contents["logs.zip!/jm/jobmanager.log"])
    with tarfile.open(tmp_path / "incident.tar.gz", "w:gz") as tar:
        add_member(tar, "./tm-1/taskmanager.log.1", contents["tm-1/taskmanager.log.1"])
        add_member(tar, "./tm-1/taskmanager.log", contents["tm-1/taskmanager.log"])
        add_member(tar, "./tm-1/taskmanager.log.2.gz", gzip.compress(contents["tm-1/taskmanager.log.2.gz"]))
        add_member(tar, "./tm-2/taskmanager.out", contents["tm-2/taskmanager.out"])
        add_member(tar, "./tm-2/taskmanager.log", contents["tm-2/taskmanager.log"])
        add_member(tar, "./logs.zip", inner.getvalue())
    return {f"incident.tar.gz!/{name}": data for name, data in contents.items()}


def test_tar_gz_members_nested_zip_and_rotation(tmp_path: Path) -> None:
    expected = build_incident(tmp_path)
    before = files_under(tmp_path)
    items = discover([tmp_path / "incident.tar.gz"], tmp_path)
    assert [f.label for f in items] == [
        "incident.tar.gz!/logs.zip!/jm/jobmanager.log",
        "incident.tar.gz!/tm-1/taskmanager.log.2.gz",  # oldest first
        "incident.tar.gz!/tm-1/taskmanager.log.1",
        "incident.tar.gz!/tm-1/taskmanager.log",
        "incident.tar.gz!/tm-2/taskmanager.log",
        "incident.tar.gz!/tm-2/taskmanager.out",
    ]
    assert all(f.skipped_reason is None for f in items)
    assert {f.group for f in items if "tm-1" in f.label} == {"incident.tar.gz!/tm-1/taskmanager.log"}
    kinds = {f.label: sniff(f.label, f.head()).kind for f in items}
    assert kinds["incident.tar.gz!/logs.zip!/jm/jobmanager.log"] is SourceKind.FLINK_JOBMANAGER
    assert kinds["incident.tar.gz!/tm-1/taskmanager.log.2.gz"] is SourceKind.FLINK_TASKMANAGER
    assert kinds["incident.tar.gz!/tm-2/taskmanager.out"] is SourceKind.STDOUT
    for f in reversed(items):  # any order: the gzip stream is reached through checkpoints
        read = f.read(1 << 30)
        assert read.data == expected[f.label], f.label
        assert read.warnings == ()
        assert f.head() == expected[f.label][:65536]
    assert files_under(tmp_path) == before  # nothing extracted


def test_zip_members_read_in_place(tmp_path: Path) -> None:
    big = tm_lines(30000, seed=5)
    with zipfile.ZipFile(tmp_path / "logs.zip", "w") as zf:
        zf.writestr("a/taskmanager.log", big, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("a/jobmanager.log", jm_lines(10), compress_type=zipfile.ZIP_STORED)
        zf.writestr("a/empty-dir/", b"")
        zf.writestr("a/taskmanager.log.1.gz", gzip.compress(big[:5000]), compress_type=zipfile.ZIP_STORED)
    found = found_by_label([tmp_path / "logs.zip"], tmp_path)
    assert sorted(found) == [
        "logs.zip!/a/jobmanager.log",
        "logs.zip!/a/taskmanager.log",
        "logs.zip!/a/taskmanager.log.1.gz",
    ]
    assert found["logs.zip!/a/taskmanager.log"].read(1 << 30).data == big
    assert found["logs.zip!/a/taskmanager.log.1.gz"].read(1 << 30).data == big[:5000]
    assert found["logs.zip!/a/jobmanager.log"].read(1 << 30).data == jm_lines(10)
    cut = found["logs.zip!/a/taskmanager.log"].read(1000)
    assert len(cut.data) == 1000 and "max-bytes" in cut.warnings[0]


def test_hostile_tar_members_are_refused(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "bad.tar", "w") as tar:
        add_member(tar, "ok/taskmanager.log", tm_lines(5))
        add_member(tar, "../evil", b"x")
        add_member(tar, "a/../../evil2", b"x")
        add_member(tar, "/etc/x", b"x")
        add_special(tar, "link.log", tarfile.SYMTYPE, "/etc/passwd")
        add_special(tar, "hard.log", tarfile.LNKTYPE, "ok/taskmanager.log")
        add_special(tar, "dev", tarfile.CHRTYPE)
        add_special(tar, "pipe", tarfile.FIFOTYPE)
    got = reasons(found_by_label([tmp_path / "bad.tar"], tmp_path))
    assert got == {
        "bad.tar!/ok/taskmanager.log": None,
        "bad.tar!/../evil": "path with '..' in the archive, refused (zip-slip)",
        "bad.tar!/a/../../evil2": "path with '..' in the archive, refused (zip-slip)",
        "bad.tar!//etc/x": "absolute path in the archive, refused",
        "bad.tar!/link.log": "symbolic link in the archive, not followed",
        "bad.tar!/hard.log": "hard link in the archive, not followed",
        "bad.tar!/dev": "device file in the archive, not read",
        "bad.tar!/pipe": "named pipe (FIFO) in the archive, not read",
    }
    assert not (tmp_path.parent / "evil").exists()


def test_hostile_zip_members_are_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        zf.writestr("ok.log", tm_lines(5))
        zf.writestr("../evil", b"x")
        zf.writestr("/etc/x", b"x")
        zf.writestr("..\\win-evil", b"x")
        link = zipfile.ZipInfo("link.log")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("secret.log", b"x")
    _set_flag(tmp_path / "bad.zip", b"secret.log", 0x1)  # zipfile cannot write encrypted members: mark one
    got = reasons(found_by_label([tmp_path / "bad.zip"], tmp_path))
    assert got["bad.zip!/ok.log"] is None
    assert got["bad.zip!/../evil"] == "path with '..' in the archive, refused (zip-slip)"
    assert got["bad.zip!//etc/x"] == "absolute path in the archive, refused"
    assert got["bad.zip!/../win-evil"] == "path with '..' in the archive, refused (zip-slip)"
    assert got["bad.zip!/link.log"] == "symbolic link in the archive, not followed"
    assert got["bad.zip!/secret.log"] == "encrypted member, not read"


BOMB = 200 << 20


@pytest.fixture(scope="module")
def zeros_gz() -> bytes:
    return gzip.compress(bytes(BOMB), compresslevel=6)


def _set_flag(path: Path, name: bytes, flag: int) -> None:
    data = bytearray(path.read_bytes())
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + flags_at] |= flag
            at = data.find(signature, at + 1)
    path.write_bytes(bytes(data))


def test_gzip_bomb_in_a_tar_gz_is_refused_while_listing(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "bomb.tar.gz", "w:gz", compresslevel=1) as tar:
        add_member(tar, "a/taskmanager.log", tm_lines(100))
        info = tarfile.TarInfo("a/zeros.log")
        info.size = BOMB
        tar.addfile(info, io.BytesIO(bytes(BOMB)))
        add_member(tar, "a/after.log", tm_lines(10))
    got = reasons(found_by_label([tmp_path / "bomb.tar.gz"], tmp_path, Limits(max_ratio=50)))
    assert got["bomb.tar.gz!/a/taskmanager.log"] is None
    assert got["bomb.tar.gz!/a/zeros.log"].startswith("compression ratio over 50:1 (a decompression bomb?)")
    assert got["bomb.tar.gz"].startswith("listing stopped at a/zeros.log (compression ratio over 50:1")
    assert "bomb.tar.gz!/a/after.log" not in got


def test_gzip_bomb_member_is_refused_when_read(tmp_path: Path, zeros_gz: bytes) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w") as zf:
        zf.writestr("taskmanager.log.gz", zeros_gz, compress_type=zipfile.ZIP_STORED)  # the zip itself looks honest
        zf.writestr("zeros.log", bytes(BOMB // 10), compress_type=zipfile.ZIP_DEFLATED)
    found = found_by_label([tmp_path / "bomb.zip"], tmp_path, Limits(max_bytes=1 << 30))
    compressed = _compressed_size(tmp_path / "bomb.zip", "zeros.log")
    assert found["bomb.zip!/zeros.log"].skipped_reason == (
        f"compression ratio over 200:1 (a decompression bomb?): 20971520 bytes declared for {compressed} "
        "compressed bytes; not read"
    )
    member = found["bomb.zip!/taskmanager.log.gz"]
    assert member.skipped_reason is None
    assert member.head() == bytes(65536)  # sniffing reads a little, and says binary
    with pytest.raises(InputError, match=r"compression ratio over 200:1 \(a decompression bomb\?\)"):
        member.read(1 << 30)


def _compressed_size(path: Path, name: str) -> int:
    with zipfile.ZipFile(path) as zf:
        return zf.getinfo(name).compress_size


def test_member_count_limit(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as zf:
        for i in range(20000):
            zf.writestr(f"m/{i:05d}.log", b"x\n")
    with tarfile.open(tmp_path / "many.tar", "w") as tar:
        for i in range(3000):
            add_member(tar, f"m/{i:05d}.log", b"x\n")
    limits = Limits(max_members=1000)
    zipped = found_by_label([tmp_path / "many.zip"], tmp_path, limits)
    assert len(zipped) == 1001
    assert zipped["many.zip"].skipped_reason == (
        "archive has more than 1000 files (max_members): the first 1000 are analysed, 19000 more were not read"
    )
    assert "many.zip!/m/00999.log" in zipped and "many.zip!/m/01000.log" not in zipped
    tarred = found_by_label([tmp_path / "many.tar"], tmp_path, limits)
    assert len(tarred) == 1001
    assert tarred["many.tar"].skipped_reason == (
        "archive has more than 1000 files (max_members): the first 1000 are analysed, the rest was not read"
    )


def test_member_count_includes_nested_archives(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        for i in range(8):
            zf.writestr(f"{i}.log", b"x\n")
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as zf:
        zf.writestr("a.log", b"x\n")
        zf.writestr("inner.zip", inner.getvalue())
    got = reasons(found_by_label([tmp_path / "outer.zip"], tmp_path, Limits(max_members=5)))
    assert (
        got["outer.zip"]
        == "archive has more than 5 files (max_members): the first 5 are analysed, 5 more were not read"
    )
    # a.log, inner.zip itself, then 3 of its 8 members
    assert sum(1 for label in got if label.startswith("outer.zip!/inner.zip!/")) == 3


def test_corrupt_zip_central_directory_keeps_the_members(tmp_path: Path) -> None:
    first, second = tm_lines(2000, seed=7), jm_lines(50)
    with zipfile.ZipFile(tmp_path / "broken.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("tm/taskmanager.log", first)
        zf.writestr("jm/jobmanager.log", second)
    data = bytearray((tmp_path / "broken.zip").read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central : central + 4] = b"XXXX"
    (tmp_path / "broken.zip").write_bytes(bytes(data))
    found = found_by_label([tmp_path / "broken.zip"], tmp_path)
    assert found["broken.zip"].skipped_reason == (
        "damaged zip archive (Bad magic number for central directory): 2 files found by their local headers"
    )
    assert found["broken.zip!/tm/taskmanager.log"].read(1 << 30).data == first
    assert found["broken.zip!/jm/jobmanager.log"].read(1 << 30).data == second


def test_truncated_zip_keeps_the_members_before_the_cut(tmp_path: Path) -> None:
    first, second = tm_lines(3000, seed=8), tm_lines(3000, seed=9)
    with zipfile.ZipFile(tmp_path / "cut.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("one.log", first)
        zf.writestr("two.log", second)
    data = (tmp_path / "cut.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: int(len(data) * 0.75)])
    found = found_by_label([tmp_path / "cut.zip"], tmp_path)
    assert found["cut.zip"].skipped_reason.startswith("damaged zip archive (File is not a zip file): 2 files found")
    assert "'two.log' is cut short (truncated archive)" in found["cut.zip"].skipped_reason
    assert found["cut.zip!/one.log"].read(1 << 30).data == first
    partial = found["cut.zip!/two.log"].read(1 << 30)
    assert second.startswith(partial.data) and 0 < len(partial.data) < len(second)
    assert partial.warnings[0].startswith("deflate stream ends early (truncated file) after ")
    assert partial.warnings[0].endswith(f" compressed bytes; kept the {len(partial.data)} bytes inflated before it")


def test_truncated_tar_gz_keeps_the_members_before_the_damage(tmp_path: Path) -> None:
    parts = [tm_lines(4000, seed=s) for s in range(3)]
    with tarfile.open(tmp_path / "cut.tar.gz", "w:gz") as tar:
        for i, data in enumerate(parts):
            add_member(tar, f"tm-{i}/taskmanager.log", data)
    blob = (tmp_path / "cut.tar.gz").read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(blob[: int(len(blob) * 0.55)])
    found = found_by_label([tmp_path / "cut.tar.gz"], tmp_path)
    assert found["cut.tar.gz"].skipped_reason == (
        f"damaged tar archive (gzip stream ends early (truncated file) after {int(len(blob) * 0.55)} compressed "
        "bytes): the members before the damage are analysed"
    )
    assert found["cut.tar.gz!/tm-0/taskmanager.log"].read(1 << 30).data == parts[0]
    partial = found["cut.tar.gz!/tm-1/taskmanager.log"].read(1 << 30)
    assert parts[1].startswith(partial.data) and 0 < len(partial.data) < len(parts[1])
    assert partial.warnings == (
        f"archive member ends early (the archive is damaged or truncated); kept the {len(partial.data)} of "
        f"{len(parts[1])} bytes it declares",
    )
    assert "cut.tar.gz!/tm-2/taskmanager.log" not in found


def test_truncated_plain_tar(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "cut.tar", "w") as tar:
        add_member(tar, "a.log", tm_lines(10))
        add_member(tar, "b.log", tm_lines(10, seed=3))
    data = (tmp_path / "cut.tar").read_bytes()
    end = data.find(tm_lines(10, seed=3)) + len(tm_lines(10, seed=3))
    (tmp_path / "cut.tar").write_bytes(data[: end + (512 - end % 512) % 512])  # no end-of-archive blocks
    found = found_by_label([tmp_path / "cut.tar"], tmp_path)
    assert found["cut.tar"].skipped_reason == (
        "tar archive ends early (truncated file): the members before the end are analysed"
    )
    assert found["cut.tar!/b.log"].read(1 << 30).data == tm_lines(10, seed=3)


def test_not_an_archive_and_empty_archives(tmp_path: Path) -> None:
    (tmp_path / "fake.tar.gz").write_bytes(gzip.compress(b"hello, not a tar\n" * 40))
    (tmp_path / "fake.zip").write_bytes(b"this is text")
    (tmp_path / "empty.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (tmp_path / "logs.7z").write_bytes(b"7z\xbc\xaf\x27\x1c")
    (tmp_path / "logs.tar.xz").write_bytes(b"\xfd7zXZ\0")
    got = reasons(found_by_label([tmp_path], tmp_path))
    assert got["fake.tar.gz"] == "damaged tar archive (invalid header): no file could be read"
    assert got["fake.zip"] == "damaged zip archive (File is not a zip file): no file could be found in it"
    assert got["empty.zip"] == "empty archive (no files inside)"
    assert got["logs.7z"] == "7z archive: format not supported (zip, tar, tar.gz only); unpack it and pass the folder"
    assert got["logs.tar.xz"] == (
        "tar.xz archive: format not supported (zip, tar, tar.gz only); unpack it and pass the folder"
    )


def test_archives_nested_two_levels_are_not_opened(tmp_path: Path) -> None:
    level2 = io.BytesIO()
    with zipfile.ZipFile(level2, "w") as zf:
        zf.writestr("deep.log", tm_lines(3))
    level1 = io.BytesIO()
    with tarfile.open(fileobj=level1, mode="w:gz") as tar:
        add_member(tar, "inner.zip", level2.getvalue())
        add_member(tar, "tm.log", tm_lines(3))
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as zf:
        zf.writestr("level1.tgz", level1.getvalue())
    got = reasons(found_by_label([tmp_path / "outer.zip"], tmp_path))
    assert got == {
        "outer.zip!/level1.tgz!/inner.zip": "archive nested more than one level deep, not opened",
        "outer.zip!/level1.tgz!/tm.log": None,
    }


def test_nested_archive_over_max_bytes_is_not_opened(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.log", tm_lines(200))
    with tarfile.open(tmp_path / "outer.tar", "w") as tar:
        add_member(tar, "inner.zip", inner.getvalue())
    got = reasons(found_by_label([tmp_path / "outer.tar"], tmp_path, Limits(max_bytes=1000)))
    assert got == {
        "outer.tar!/inner.zip": f"nested archive of {len(inner.getvalue())} bytes is over --max-bytes (1000), not opened"
    }


def test_total_inflated_bytes_limit(tmp_path: Path) -> None:
    parts = [tm_lines(1000, seed=s) for s in range(3)]
    with zipfile.ZipFile(tmp_path / "logs.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i, data in enumerate(parts):
            zf.writestr(f"{i}.log", data)
    limit = len(parts[0]) + len(parts[1]) // 2
    found = discover([tmp_path / "logs.zip"], tmp_path, Limits(max_total_bytes=limit))
    reads = [f.read(1 << 30) for f in found[:2]]
    assert reads[0].data == parts[0] and reads[0].warnings == ()
    assert len(reads[1].data) == len(parts[1]) // 2
    assert reads[1].warnings == (
        f"cut after {len(parts[1]) // 2} bytes: the total of bytes inflated from compressed inputs reached the limit "
        f"(max_total_bytes = {limit}); the rest was not read",
    )
    with pytest.raises(InputError, match=r"not read: .* the total limit \(max_total_bytes = \d+\)"):
        found[2].read(1 << 30)


def test_a_big_tar_gz_is_read_in_any_order_without_inflating_it_again(tmp_path: Path) -> None:
    parts = {f"tm-{i}/taskmanager.log": tm_lines(25000, seed=i) for i in range(4)}
    with tarfile.open(tmp_path / "big.tgz", "w:gz", compresslevel=1) as tar:
        for name, data in parts.items():
            add_member(tar, name, data)
    found = discover([tmp_path / "big.tgz"], tmp_path)
    for f in reversed(found):
        assert f.read(1 << 30).data == parts[f.label.split("!/", 1)[1]]


def test_walk_never_follows_links_into_archives(tmp_path: Path) -> None:
    build_incident(tmp_path)
    (tmp_path / "link.tgz").symlink_to(tmp_path / "incident.tar.gz")
    got = reasons(found_by_label([tmp_path], tmp_path))
    assert got["link.tgz"] == "symbolic link (not followed)"
    assert not any(label.startswith("link.tgz!/") for label in got)


def test_damaged_nested_archive_is_listed_as_far_as_it_goes(tmp_path: Path) -> None:
    parts = [tm_lines(4000, seed=s) for s in range(3)]
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tar:
        for i, data in enumerate(parts):
            add_member(tar, f"{i}.log", data)
    blob = inner.getvalue()
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as zf:
        zf.writestr("inner.tgz", blob[: int(len(blob) * 0.55)])
    found = found_by_label([tmp_path / "outer.zip"], tmp_path)
    assert found["outer.zip!/inner.tgz"].skipped_reason == (
        f"damaged tar archive (gzip stream ends early (truncated file) after {int(len(blob) * 0.55)} compressed "
        "bytes): the members before the damage are analysed"
    )
    assert found["outer.zip!/inner.tgz!/0.log"].read(1 << 30).data == parts[0]
    assert "outer.zip!/inner.tgz!/2.log" not in found


def test_kubectl_and_yarn_outputs_inside_an_archive(tmp_path: Path) -> None:
    pods = "".join(f"[pod/tm-1/flink-main-container] {line}\n" for line in tm_lines(20).decode().splitlines())
    with zipfile.ZipFile(tmp_path / "support.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("k8s/all-pods.log", pods)
        zf.writestr("yarn/app.log", yarn_section(CONTAINER_TM, "w_1", "taskmanager.log", tm_lines(30)))
    found = found_by_label([tmp_path / "support.zip"], tmp_path)
    assert sorted(found) == [
        "support.zip!/k8s/all-pods.log#tm-1",
        f"support.zip!/yarn/app.log#{CONTAINER_TM}/taskmanager.log",
    ]
    assert found["support.zip!/k8s/all-pods.log#tm-1"].read(1 << 30).data == tm_lines(20)
    assert found[f"support.zip!/yarn/app.log#{CONTAINER_TM}/taskmanager.log"].read(1 << 30).data == tm_lines(30)


def test_plain_gz_files_count_toward_the_total_limit(tmp_path: Path) -> None:
    """A .gz file on disk inflates like an archive member: it is charged to --max-total-bytes, read whole (GC logs,
    traces) or streamed (Flink logs)."""
    from logforensics.api import analyze

    parts = [tm_lines(1000, seed=s) for s in range(3)]
    for i, data in enumerate(parts):
        (tmp_path / f"taskmanager.log.{i + 1}.gz").write_bytes(gzip.compress(data))
    limit = len(parts[0]) + len(parts[1]) // 2
    found = discover([tmp_path], tmp_path, Limits(max_total_bytes=limit))
    reads = [f.read(1 << 30) for f in found[:2]]
    assert [len(r.data) for r in reads] == [len(parts[2]), limit - len(parts[2])]  # oldest (.3) first
    assert reads[1].warnings == (
        f"cut after {limit - len(parts[2])} bytes: the total of bytes inflated from compressed inputs reached the "
        f"limit (max_total_bytes = {limit}); the rest was not read",
    )
    with pytest.raises(InputError, match=r"not read: .* the total limit \(max_total_bytes = \d+\)"):
        found[2].read(1 << 30)

    analysis = analyze([tmp_path], limits=Limits(max_total_bytes=limit))
    by_label = {s.path: s for s in analysis.sources}
    oldest, middle, newest = (by_label[f"taskmanager.log.{n}.gz"] for n in (3, 2, 1))
    assert oldest.skipped_reason is None and not any("max_total_bytes" in w for w in oldest.warnings)
    assert middle.skipped_reason is None
    assert any(w.startswith(f"cut after {limit - len(parts[2])} bytes") for w in middle.warnings)
    assert newest.skipped_reason is not None and "max_total_bytes" in newest.skipped_reason
