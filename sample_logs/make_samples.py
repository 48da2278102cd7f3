#!/usr/bin/env python3
"""Generate the sample incident folders under ``sample_logs/``.

Six Apache Flink incidents, each a folder with a JobManager log, one or more TaskManager logs, optional
``taskmanager.out`` / GC logs and a short README. The text follows the message templates of the Flink version each
incident claims (see shared/reference/flink-log-templates.md); identifiers, hosts and numbers are invented.

The script is standalone (stdlib only) and deterministic: every incident draws from its own
``random.Random`` seeded with a fixed value, so running it twice gives byte-identical files.

    python sample_logs/make_samples.py            # (re)writes the six folders next to this script
    python sample_logs/make_samples.py --out DIR  # writes them somewhere else
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = dt.datetime(1970, 1, 1)

# ---------------------------------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------------------------------


def ms(n: float) -> dt.timedelta:
    return dt.timedelta(milliseconds=round(n))


def sec(n: float) -> dt.timedelta:
    return dt.timedelta(milliseconds=round(n * 1000))


def fmt_ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % (t.microsecond // 1000)


def epoch_ms(local: dt.datetime, utc_offset_h: int = 0) -> int:
    """Epoch milliseconds of a naive local time whose zone is UTC+utc_offset_h."""
    return int(round((local - dt.timedelta(hours=utc_offset_h) - EPOCH).total_seconds() * 1000))


def hexid(rng: random.Random, n: int = 32) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def uuid4(rng: random.Random) -> str:
    h = hexid(rng, 32)
    h = h[:12] + "4" + h[13:16] + rng.choice("89ab") + h[17:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def human(n: int) -> str:
    """Flink's MemorySize.toHumanReadableString()."""
    if n == 0:
        return "0 bytes"
    for unit, mult in (("tb", 1 << 40), ("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10)):
        if n >= mult:
            return "%.3f%s (%d bytes)" % (n / mult, unit, n)
    return "%d bytes" % n


# ---------------------------------------------------------------------------------------------------------------------
# version profiles
# ---------------------------------------------------------------------------------------------------------------------


class Ver:
    def __init__(self, version: str, scala: str | None, rev: str, date: str, dist: str, rpc: str, jdk: str, rng):
        self.v = version
        self.mm = tuple(int(x) for x in version.split(".")[:2])
        self.scala = scala
        self.rev = rev
        self.date = date
        self.dist = dist
        self.rpc = rpc  # "akka" or "pekko"
        self.jdk = jdk  # "8", "11", "17"
        self.log4j2 = self.mm >= (1, 11)
        # 1.14+ loads the RPC system from a jar extracted under a random name
        self.rpc_jar = f"flink-rpc-akka_{uuid4(rng)}.jar" if self.mm >= (1, 14) else dist

    def ge(self, a: int, b: int) -> bool:
        return self.mm >= (a, b)

    @property
    def scheme(self) -> str:
        return "pekko.tcp" if self.rpc == "pekko" else "akka.tcp"

    @property
    def local_scheme(self) -> str:
        return "pekko" if self.rpc == "pekko" else "akka"

    def rpc_path(self, name: str) -> str:
        return f"/user/rpc/{name}" if self.ge(1, 11) else f"/user/{name}"

    def banner_version(self) -> str:
        if self.scala:
            return f"Version: {self.v}, Scala: {self.scala}, Rev:{self.rev}, Date:{self.date}"
        return f"Version: {self.v}, Rev:{self.rev}, Date:{self.date}"

    def rpc_utils_logger(self) -> str:
        if self.rpc == "pekko":
            return "org.apache.flink.runtime.rpc.pekko.PekkoRpcServiceUtils"
        if self.ge(1, 14):
            return "org.apache.flink.runtime.rpc.akka.AkkaRpcServiceUtils"
        return "org.apache.flink.runtime.clusterframework.BootstrapTools"

    def rpc_service_logger(self) -> str:
        if self.rpc == "pekko":
            return "org.apache.flink.runtime.rpc.pekko.PekkoRpcService"
        return "org.apache.flink.runtime.rpc.akka.AkkaRpcService"

    def remote_pkg(self) -> str:
        return "org.apache.pekko" if self.rpc == "pekko" else "akka"

    def failover_pkg(self) -> str:
        return (
            "org.apache.flink.runtime.executiongraph.failover"
            if self.ge(1, 18)
            else "org.apache.flink.runtime.executiongraph.failover.flip1"
        )

    def thread_line(self) -> str:
        return {"8": "748", "11": "829", "17": "840"}[self.jdk]


# ---------------------------------------------------------------------------------------------------------------------
# stack traces
# ---------------------------------------------------------------------------------------------------------------------
#
# A frame is "qualified.Class.method(File.java:123)|K" where K picks the jar shown by log4j2's extended throwable
# renderer: D = flink-dist, R = the RPC jar, J = JDK, U = user jar, K = kafka-clients, Q = unknown (?:?).
# A leading "!" marks an exact match (printed without "~"). Lines starting with "Caused by:" or "..." pass through.


class Trace:
    def __init__(self, v: Ver, user_jar: str = "?", kafka_jar: str = "kafka-clients-2.8.1.jar", jre: bool = False):
        self.v = v
        self.user_jar = user_jar
        self.kafka_jar = kafka_jar
        self.jre = jre  # official Docker images ship a JRE without line numbers for JDK classes

    def jar(self, key: str) -> str:
        v = self.v
        if key == "D":
            return f"{v.dist}:{v.v}"
        if key == "R":
            return f"{v.rpc_jar}:{v.v}"
        if key == "J":
            return {"8": "?:1.8.0_282", "11": "?:?", "17": "?:?"}[v.jdk]
        if key == "U":
            return f"{self.user_jar}:?"
        if key == "K":
            return f"{self.kafka_jar}:?"
        return "?:?"

    def render(self, lines: list[str], plain: bool = False) -> list[str]:
        """plain=True renders like Throwable.printStackTrace (log4j 1, stringified causes, stdout)."""
        out = []
        for ln in lines:
            if not ln.startswith(("at ", "!at ")):
                out.append(("\t" + ln) if ln.startswith("...") else ln)
                continue
            exact = ln.startswith("!")
            body = ln[1:] if exact else ln
            frame, _, key = body.partition("|")
            if self.jre and key == "J" and "(Native Method)" not in frame:
                frame = frame[: frame.index("(")] + "(Unknown Source)"
            if plain or not self.v.log4j2:
                out.append("\t" + frame)
            else:
                out.append("\t%s %s[%s]" % (frame, "" if exact else "~", self.jar(key or "D")))
        return out


# ---------------------------------------------------------------------------------------------------------------------
# log files
# ---------------------------------------------------------------------------------------------------------------------


class Log:
    """One Flink log file. Entries are sorted by time when rendered (stable for equal times)."""

    def __init__(self, v: Ver):
        self.v = v
        self.entries: list[tuple[dt.datetime, int, list[str]]] = []
        self.seq = 0
        self.tz = 0  # hours east of UTC of the JVM's wall clock

    def header(self, t: dt.datetime, level: str, logger: str) -> str:
        if self.v.log4j2:
            return f"{fmt_ts(t)} {level:<5} {logger:<60} [] - "
        return f"{fmt_ts(t)} {level:<5} {logger:<60}  - "

    def add(
        self,
        t: dt.datetime,
        level: str,
        logger: str,
        msg: str,
        exc: list[str] | None = None,
        shown: dt.datetime | None = None,
    ) -> dt.datetime:
        lines = (self.header(shown or t, level, logger) + msg).split("\n")
        if exc:
            lines.extend(exc)
        self.entries.append((t, self.seq, lines))
        self.seq += 1
        return t

    def info(self, t, logger, msg, exc=None, shown=None):
        return self.add(t, "INFO", logger, msg, exc, shown)

    def warn(self, t, logger, msg, exc=None):
        return self.add(t, "WARN", logger, msg, exc)

    def error(self, t, logger, msg, exc=None):
        return self.add(t, "ERROR", logger, msg, exc)

    def raw(self, t: dt.datetime, lines: list[str]) -> None:
        self.entries.append((t, self.seq, list(lines)))
        self.seq += 1

    def lines(self, start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[str]:
        out: list[str] = []
        for t, _, ls in sorted(self.entries, key=lambda e: (e[0], e[1])):
            if start is not None and t < start:
                continue
            if end is not None and t >= end:
                continue
            out.extend(ls)
        return out

    def render(self, start=None, end=None) -> str:
        return "\n".join(self.lines(start, end)) + "\n"


class Clock:
    """A cursor in time with random steps."""

    def __init__(self, rng: random.Random, t: dt.datetime):
        self.rng = rng
        self.t = t

    def step(self, lo: float = 0, hi: float | None = None) -> dt.datetime:
        hi = lo if hi is None else hi
        self.t += ms(self.rng.uniform(lo, hi))
        return self.t

    def at(self, t: dt.datetime) -> dt.datetime:
        self.t = t
        return t


# ---------------------------------------------------------------------------------------------------------------------
# memory model (Flink's TaskExecutorProcessUtils, enough for the numbers that show up in logs)
# ---------------------------------------------------------------------------------------------------------------------


class TmMemory:
    def __init__(
        self,
        process_mb: int,
        managed_fraction: float = 0.4,
        network_fraction: float = 0.1,
        metaspace: int = 256 << 20,
        overhead_fraction: float = 0.1,
        task_off_heap: int = 0,
        slots: int = 1,
        cpu: float = 1.0,
        heap_mb: int | None = None,
        managed_mb: int | None = None,
    ):
        self.explicit = None
        if heap_mb is not None:
            # task heap and managed memory configured explicitly: derive the rest like Flink does
            task_heap = heap_mb << 20
            managed = (managed_mb or 0) << 20
            fixed = task_heap + (128 << 20) + (128 << 20) + task_off_heap + managed
            flink = int(fixed / (1 - network_fraction))
            net = flink - fixed
            ovh = int((flink + metaspace) / (1 - overhead_fraction)) - flink - metaspace
            ovh = max(192 << 20, min(1 << 30, ovh))
            self.explicit = (task_heap, managed, net, ovh)
            process_mb = (flink + metaspace + ovh) >> 20
        self.process = process_mb << 20
        ov = int(self.process * overhead_fraction)
        ov = max(192 << 20, min(1 << 30, ov))
        self.overhead = ov
        self.metaspace = metaspace
        self.flink = self.process - ov - metaspace
        net = int(self.flink * network_fraction)
        self.network = max(64 << 20, min(1 << 30, net))
        self.managed = int(self.flink * managed_fraction)
        self.fw_heap = 128 << 20
        self.fw_off = 128 << 20
        self.task_off = task_off_heap
        self.task_heap = self.flink - self.fw_heap - self.fw_off - self.task_off - self.network - self.managed
        if self.explicit:
            self.task_heap, self.managed, self.network, self.overhead = self.explicit
            self.flink = self.task_heap + self.fw_heap + self.fw_off + self.task_off + self.network + self.managed
            self.process = self.flink + self.metaspace + self.overhead
        self.heap = self.fw_heap + self.task_heap
        self.direct = self.fw_off + self.task_off + self.network
        self.off_heap = self.managed + self.direct
        self.slots = slots
        self.cpu = cpu

    def jvm_params(self) -> list[str]:
        return [
            f"-Xmx{self.heap}",
            f"-Xms{self.heap}",
            f"-XX:MaxDirectMemorySize={self.direct}",
            f"-XX:MaxMetaspaceSize={self.metaspace}",
        ]

    def dynamic(self) -> list[tuple[str, str]]:
        return [
            ("taskmanager.memory.network.min", f"{self.network}b"),
            ("taskmanager.cpu.cores", f"{self.cpu}"),
            ("taskmanager.memory.task.off-heap.size", f"{self.task_off}b"),
            ("taskmanager.memory.jvm-metaspace.size", f"{self.metaspace}b"),
            ("external-resources", "none"),
            ("taskmanager.memory.jvm-overhead.min", f"{self.overhead}b"),
            ("taskmanager.memory.framework.off-heap.size", f"{self.fw_off}b"),
            ("taskmanager.memory.network.max", f"{self.network}b"),
            ("taskmanager.memory.framework.heap.size", f"{self.fw_heap}b"),
            ("taskmanager.memory.managed.size", f"{self.managed}b"),
            ("taskmanager.memory.task.heap.size", f"{self.task_heap}b"),
            ("taskmanager.numberOfTaskSlots", f"{self.slots}"),
            ("taskmanager.memory.jvm-overhead.max", f"{self.overhead}b"),
        ]

    def table(self) -> list[str]:
        rows = [
            ("  Total Process Memory:          ", self.process),
            ("    Total Flink Memory:          ", self.flink),
            ("      Total JVM Heap Memory:     ", self.heap),
            ("        Framework:               ", self.fw_heap),
            ("        Task:                    ", self.task_heap),
            ("      Total Off-heap Memory:     ", self.off_heap),
            ("        Managed:                 ", self.managed),
            ("        Total JVM Direct Memory: ", self.direct),
            ("          Framework:             ", self.fw_off),
            ("          Task:                  ", self.task_off),
            ("          Network:               ", self.network),
            ("    JVM Metaspace:               ", self.metaspace),
            ("    JVM Overhead:                ", self.overhead),
        ]
        return ["Final TaskExecutor Memory configuration:"] + [a + human(b) for a, b in rows]

    def worker_spec(self, with_slots: bool) -> str:
        s = (
            f"WorkerResourceSpec {{cpuCores={self.cpu}, taskHeapSize={human(self.task_heap)}, "
            f"taskOffHeapSize={human(self.task_off)}, networkMemSize={human(self.network)}, "
            f"managedMemSize={human(self.managed)}"
        )
        return s + (f", numSlots={self.slots}}}" if with_slots else "}")

    def process_spec(self, with_slots: bool) -> str:
        s = (
            f"TaskExecutorProcessSpec {{cpuCores={self.cpu}, frameworkHeapSize={human(self.fw_heap)}, "
            f"frameworkOffHeapSize={human(self.fw_off)}, taskHeapSize={human(self.task_heap)}, "
            f"taskOffHeapSize={human(self.task_off)}, networkMemSize={human(self.network)}, "
            f"managedMemorySize={human(self.managed)}, jvmMetaspaceSize={human(self.metaspace)}, "
            f"jvmOverheadSize={human(self.overhead)}"
        )
        return s + (f", numSlots={self.slots}}}" if with_slots else "}")

    def slot_profile(self) -> str:
        return (
            f"ResourceProfile{{cpuCores={self.cpu / self.slots:g}, taskHeapMemory={human(self.task_heap // self.slots)}, "
            f"taskOffHeapMemory={human(self.task_off // self.slots)}, managedMemory={human(self.managed // self.slots)}, "
            f"networkMemory={human(self.network // self.slots)}}}"
        )


KAFKA_CONSUMER_CONFIG = """allow.auto.create.topics = true
auto.commit.interval.ms = 5000
auto.offset.reset = {reset}
bootstrap.servers = [{bootstrap}]
check.crcs = true
client.dns.lookup = use_all_dns_ips
client.id = {client_id}
client.rack = 
connections.max.idle.ms = 540000
default.api.timeout.ms = 60000
enable.auto.commit = false
exclude.internal.topics = true
fetch.max.bytes = 52428800
fetch.max.wait.ms = 500
fetch.min.bytes = 1
group.id = {group}
group.instance.id = null
heartbeat.interval.ms = 3000
interceptor.classes = []
internal.leave.group.on.close = true
internal.throw.on.fetch.stable.offset.unsupported = false
isolation.level = read_uncommitted
key.deserializer = class org.apache.kafka.common.serialization.ByteArrayDeserializer
max.partition.fetch.bytes = 1048576
max.poll.interval.ms = 300000
max.poll.records = 500
metadata.max.age.ms = 300000
metric.reporters = []
metrics.num.samples = 2
metrics.recording.level = INFO
metrics.sample.window.ms = 30000
partition.assignment.strategy = [class org.apache.kafka.clients.consumer.RangeAssignor]
receive.buffer.bytes = 65536
reconnect.backoff.max.ms = 1000
reconnect.backoff.ms = 50
request.timeout.ms = 30000
retry.backoff.ms = 100
sasl.client.callback.handler.class = null
sasl.jaas.config = null
sasl.kerberos.kinit.cmd = /usr/bin/kinit
sasl.kerberos.min.time.before.relogin = 60000
sasl.kerberos.service.name = null
sasl.kerberos.ticket.renew.jitter = 0.05
sasl.kerberos.ticket.renew.window.factor = 0.8
sasl.login.callback.handler.class = null
sasl.login.class = null
sasl.login.refresh.buffer.seconds = 300
sasl.login.refresh.min.period.seconds = 60
sasl.login.refresh.window.factor = 0.8
sasl.login.refresh.window.jitter = 0.05
sasl.mechanism = GSSAPI
security.protocol = PLAINTEXT
security.providers = null
send.buffer.bytes = 131072
session.timeout.ms = 10000
socket.connection.setup.timeout.max.ms = 30000
socket.connection.setup.timeout.ms = 10000
ssl.cipher.suites = null
ssl.enabled.protocols = [TLSv1.2, TLSv1.3]
ssl.endpoint.identification.algorithm = https
ssl.engine.factory.class = null
ssl.key.password = null
ssl.keymanager.algorithm = SunX509
ssl.keystore.certificate.chain = null
ssl.keystore.key = null
ssl.keystore.location = null
ssl.keystore.password = null
ssl.keystore.type = JKS
ssl.protocol = TLSv1.3
ssl.provider = null
ssl.secure.random.implementation = null
ssl.trustmanager.algorithm = PKIX
ssl.truststore.certificates = null
ssl.truststore.location = null
ssl.truststore.password = null
ssl.truststore.type = JKS
value.deserializer = class org.apache.kafka.common.serialization.ByteArrayDeserializer
"""

KAFKA_PRODUCER_CONFIG = """acks = {acks}
batch.size = 16384
bootstrap.servers = [{bootstrap}]
buffer.memory = 33554432
client.dns.lookup = use_all_dns_ips
client.id = {client_id}
compression.type = lz4
connections.max.idle.ms = 540000
delivery.timeout.ms = 120000
enable.idempotence = false
interceptor.classes = []
key.serializer = class org.apache.kafka.common.serialization.ByteArraySerializer
linger.ms = 20
max.block.ms = 60000
max.in.flight.requests.per.connection = 5
max.request.size = 1048576
metadata.max.age.ms = 300000
metadata.max.idle.ms = 300000
metric.reporters = []
metrics.num.samples = 2
metrics.recording.level = INFO
metrics.sample.window.ms = 30000
partitioner.class = class org.apache.kafka.clients.producer.internals.DefaultPartitioner
receive.buffer.bytes = 32768
reconnect.backoff.max.ms = 1000
reconnect.backoff.ms = 50
request.timeout.ms = 30000
retries = 2147483647
retry.backoff.ms = 100
sasl.jaas.config = null
sasl.mechanism = GSSAPI
security.protocol = PLAINTEXT
send.buffer.bytes = 131072
socket.connection.setup.timeout.max.ms = 30000
socket.connection.setup.timeout.ms = 10000
ssl.endpoint.identification.algorithm = https
ssl.protocol = TLSv1.3
transaction.timeout.ms = {txn_timeout}
transactional.id = {txn_id}
value.serializer = class org.apache.kafka.common.serialization.ByteArraySerializer
"""


def kafka_block(template: str, **kw) -> str:
    body = template.format(**kw)
    return "\n".join("\t" + ln for ln in body.rstrip("\n").split("\n"))


# ---------------------------------------------------------------------------------------------------------------------
# process start-up: banner, configuration, RPC, services
# ---------------------------------------------------------------------------------------------------------------------

DASHES = "-" * 80
GC_CONF = "org.apache.flink.configuration.GlobalConfiguration"
TMR = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"
TE = "org.apache.flink.runtime.taskexecutor.TaskExecutor"
TASK = "org.apache.flink.runtime.taskmanager.Task"
SLOTTABLE = "org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl"
EG = "org.apache.flink.runtime.executiongraph.ExecutionGraph"
JMASTER = "org.apache.flink.runtime.jobmaster.JobMaster"
CC = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator"
CFM = "org.apache.flink.runtime.checkpoint.CheckpointFailureManager"


class Proc:
    """Static facts about one Flink JVM, used to print its banner."""

    def __init__(self, **kw):
        self.runner = TMR
        self.component = "TaskManager"
        self.os_user = "flink"
        self.hadoop_user = "<no hadoop dependency found>"
        self.jvm = ""
        self.heap_mib = 0
        self.java_home = "/opt/java/openjdk"
        self.hadoop_version = None
        self.jvm_opts: list[str] = []
        self.args: list[str] = []
        self.classpath = ""
        self.preconf: list[str] | None = None  # raw lines of the Preconfiguration block
        self.__dict__.update(kw)


def banner(log: Log, clk: Clock, p: Proc) -> None:
    v = log.v
    R = p.runner
    log.info(clk.step(0), R, DASHES)
    if p.preconf is not None:
        log.info(clk.step(1, 3), R, " Preconfiguration:")
        log.info(clk.step(0, 1), R, "\n\n\n" + "\n".join(p.preconf) + "\n")
        log.info(clk.step(0, 2), R, DASHES)
    log.info(clk.step(5, 15), R, f" Starting {p.component} ({v.banner_version()})")
    log.info(clk.step(0, 2), R, f" OS current user: {p.os_user}")
    log.info(clk.step(0, 60 if p.hadoop_version else 2), R, f" Current Hadoop/Kerberos user: {p.hadoop_user}")
    log.info(clk.step(0, 2), R, f" JVM: {p.jvm}")
    if v.ge(1, 15):
        log.info(clk.step(0, 1), R, " Arch: amd64")
    log.info(clk.step(0, 4), R, f" Maximum heap size: {p.heap_mib} MiBytes")
    log.info(clk.step(0, 2), R, f" JAVA_HOME: {p.java_home}")
    if p.hadoop_version:
        log.info(clk.step(0, 3), R, f" Hadoop version: {p.hadoop_version}")
    else:
        log.info(clk.step(0, 2), R, " No Hadoop Dependency available")
    log.info(clk.step(0, 1), R, " JVM Options:")
    for o in p.jvm_opts:
        log.info(clk.step(0, 0.6), R, "    " + o)
    log.info(clk.step(0, 1), R, " Program Arguments:")
    for a in p.args:
        log.info(clk.step(0, 0.6), R, "    " + a)
    log.info(clk.step(0, 2), R, " Classpath: " + p.classpath)
    log.info(clk.step(0, 2), R, DASHES)


def preconf_block(
    v: Ver, mem_lines: list[str], conf: list[tuple[str, str]], jvm_params: str, dyn: str, extra_info: list[str] = ()
) -> list[str]:
    out = ["RESOURCE_PARAMS extraction logs:", "jvm_params: " + jvm_params, "dynamic_configs: " + dyn]
    logs = []
    if v.ge(2, 0):
        logs.append("Using standard YAML parser to load flink configuration file from /opt/flink/conf/config.yaml.")
    logs += [f"Loading configuration property: {k}, {val}" for k, val in conf]
    logs += list(extra_info)
    logs += mem_lines
    out.append("logs: INFO  [] - " + logs[0])
    out += ["INFO  [] - " + m for m in logs[1:]]
    return out


def load_config(log: Log, clk: Clock, conf: list[tuple[str, str]], dynamic: list[tuple[str, str]] = ()) -> None:
    v = log.v
    if v.ge(2, 0):
        log.info(
            clk.step(5, 15),
            GC_CONF,
            "Using standard YAML parser to load flink configuration file from /opt/flink/conf/config.yaml.",
        )
    for k, val in conf:
        if any(s in k for s in ("password", "secret")):
            val = "******"
        log.info(clk.step(0, 1.5), GC_CONF, f"Loading configuration property: {k}, {val}")
    for k, val in dynamic:
        log.info(clk.step(0, 1), GC_CONF, f"Loading dynamic configuration property: {k}, {val}")


def actor_system(
    log: Log, clk: Clock, ext: str, bind: str, host: str, port: int, name: str = "flink", slow: bool = True
) -> str:
    """Start an actor system; returns its remote address."""
    v = log.v
    U = v.rpc_utils_logger()
    rp = v.remote_pkg()
    if v.ge(1, 11):
        log.info(clk.step(20, 90), U, f"Trying to start actor system, external address {ext}, bind address {bind}.")
    else:
        log.info(clk.step(20, 90), U, f"Trying to start actor system at {ext}")
    log.info(clk.step(*((200, 700) if slow else (15, 60))), f"{rp}.event.slf4j.Slf4jLogger", "Slf4jLogger started")
    if v.rpc == "akka" and v.ge(1, 14):
        log.info(
            clk.step(3, 30),
            "akka.remote.RemoteActorRefProvider",
            "Akka Cluster not in use - enabling unsafe features anyway because "
            "`akka.remote.use-unsafe-remote-features-outside-cluster` has been enabled.",
        )
    log.info(clk.step(0, 15), f"{rp}.remote.Remoting", "Starting remoting")
    addr = f"{v.scheme}://{name}@{host}:{port}"
    log.info(
        clk.step(*((60, 160) if slow else (8, 40))),
        f"{rp}.remote.Remoting",
        f"Remoting started; listening on addresses :[{addr}]",
    )
    log.info(clk.step(10, 180), U, f"Actor system started at {addr}")
    return addr


def rpc_endpoint(log: Log, t: dt.datetime, cls: str, path: str, system: str = "flink") -> None:
    v = log.v
    log.info(t, v.rpc_service_logger(), f"Starting RPC endpoint for {cls} at {v.local_scheme}://{system}{path} .")


class TmInfo:
    """Identity and network facts of one TaskManager."""

    def __init__(self, **kw):
        self.rid = ""  # ResourceID as printed by RM/JM (with metadata on YARN 1.12+)
        self.loc_id = ""  # ResourceID as printed inside TaskManagerLocation
        self.host = ""  # fqdn as printed in TaskManagerLocation
        self.ip = ""
        self.rpc_port = 0
        self.metrics_port = 0
        self.data_port = 0
        self.slots = 1
        self.mem: TmMemory | None = None
        self.tmp = "/tmp"
        self.jm_rpc = ""  # e.g. akka.tcp://flink@flink-jm-01:6123
        self.workdir = None
        self.rpc_port_dynamic = True
        self.data_port_cfg = 0
        self.disk_total = 99
        self.disk_usable = 71
        self.__dict__.update(kw)
        if not getattr(self, "key", None):
            self.key = self.rid
        if not getattr(self, "plain_rid", None):
            self.plain_rid = self.loc_id or self.rid

    @property
    def location(self) -> str:
        return f"{self.loc_id} @ {self.host} (dataPort={self.data_port})"

    def rpc_addr(self, v: Ver) -> str:
        return f"{v.scheme}://flink@{self.addr_host}:{self.rpc_port}{v.rpc_path('taskmanager_0')}"

    @property
    def addr_host(self) -> str:
        return getattr(self, "rpc_host", None) or self.ip


def tm_services(
    log: Log,
    clk: Clock,
    tm: TmInfo,
    rng: random.Random,
    *,
    metrics_reporter: str | None = None,
    yarn_local: str | None = None,
) -> None:
    """From the RPC actor system to the successful registration at the ResourceManager."""
    v = log.v
    host = tm.addr_host
    ext = f"{host}:0" if tm.rpc_port_dynamic else f"{host}:{tm.rpc_port}"
    bind = "0.0.0.0:0" if tm.rpc_port_dynamic else f"0.0.0.0:{tm.rpc_port}"
    actor_system(log, clk, ext, bind, host, tm.rpc_port)
    if v.ge(1, 15):
        log.info(clk.step(5, 30), TMR, f"Using working directory: WorkingDirectory({tm.workdir})")
    if metrics_reporter:
        log.info(
            clk.step(5, 25),
            "org.apache.flink.runtime.metrics.MetricRegistryImpl",
            f"Reporting metrics for reporter prom of type {metrics_reporter}.",
        )
    else:
        log.info(
            clk.step(5, 25),
            "org.apache.flink.runtime.metrics.MetricRegistryImpl",
            "No metrics reporter configured, no metrics will be exposed/reported.",
        )
    # metrics actor system
    actor_system(log, clk, f"{host}:0", "0.0.0.0:0", host, tm.metrics_port, "flink-metrics", slow=False)
    mq = f"/user/rpc/MetricQueryService_{tm.plain_rid}" if v.ge(1, 11) else f"/user/MetricQueryService_{tm.plain_rid}"
    rpc_endpoint(log, clk.step(10, 25), "org.apache.flink.runtime.metrics.dump.MetricQueryService", mq, "flink-metrics")
    if v.ge(1, 15):
        blob = f"{tm.workdir}/blobStorage"
        log.info(
            clk.step(10, 25),
            "org.apache.flink.runtime.blob.PermanentBlobCache",
            f"Created BLOB cache storage directory {blob}",
        )
        log.info(
            clk.step(1, 4),
            "org.apache.flink.runtime.blob.TransientBlobCache",
            f"Created BLOB cache storage directory {blob}",
        )
    else:
        base = yarn_local or tm.tmp
        log.info(
            clk.step(10, 25),
            "org.apache.flink.runtime.blob.PermanentBlobCache",
            f"Created BLOB cache storage directory {base}/blobStore-{uuid4(rng)}",
        )
        log.info(
            clk.step(1, 4),
            "org.apache.flink.runtime.blob.TransientBlobCache",
            f"Created BLOB cache storage directory {base}/blobStore-{uuid4(rng)}",
        )
    if v.ge(1, 12):
        log.info(
            clk.step(1, 5),
            "org.apache.flink.runtime.externalresource.ExternalResourceUtils",
            "Enabled external resources: []",
        )
    log.info(clk.step(0, 3), TMR, f"Starting TaskManager with ResourceID: {tm.rid}")
    tmpdir = yarn_local or tm.tmp
    total = tm.disk_total
    usable = tm.disk_usable
    log.info(
        clk.step(10, 40),
        "org.apache.flink.runtime.taskexecutor.TaskManagerServices",
        f"Temporary file directory '{tmpdir}': total {total} GB, usable {usable} GB "
        f"({100.0 * usable / total:.2f}% usable)",
    )
    if v.ge(1, 11):
        log.info(
            clk.step(1, 6),
            "org.apache.flink.runtime.io.disk.iomanager.IOManager",
            "Created a new FileChannelManager for spilling of task related data to disk (joins, sorting, ...). "
            f"Used directories:\n\t{tmpdir}/flink-io-{uuid4(rng)}",
        )
    else:
        log.info(clk.step(1, 6), "org.apache.flink.runtime.io.disk.FileChannelManagerImpl",
                 f"FileChannelManager uses directory {tmpdir}/flink-io-{uuid4(rng)} for spill files.")
        log.info(clk.step(1, 6), "org.apache.flink.runtime.io.disk.FileChannelManagerImpl",
                 f"FileChannelManager uses directory {tmpdir}/flink-netty-shuffle-{uuid4(rng)} for spill files.")
    if v.ge(1, 11):
        log.info(
            clk.step(3, 10),
            "org.apache.flink.runtime.io.network.netty.NettyConfig",
            f"NettyConfig [server address: /0.0.0.0, server port: {tm.data_port_cfg}, ssl enabled: false, "
            "memory segment size (bytes): 32768, transport type: AUTO, number of server threads: "
            f"{tm.slots} (manual), number of client threads: {tm.slots} (manual), server connect backlog: 0 "
            "(use Netty's default), client connect timeout (sec): 120, send/receive buffer size (bytes): 0 "
            "(use Netty's default)]",
        )
        log.info(
            clk.step(1, 5),
            "org.apache.flink.runtime.io.network.NettyShuffleServiceFactory",
            "Created a new FileChannelManager for storing result partitions of BLOCKING shuffles. "
            f"Used directories:\n\t{tmpdir}/flink-netty-shuffle-{uuid4(rng)}",
        )
    segs = tm.mem.network // 32768
    log.info(
        clk.step(80, 200),
        "org.apache.flink.runtime.io.network.buffer.NetworkBufferPool",
        f"Allocated {tm.mem.network >> 20} MB for network buffer pool (number of memory segments: {segs}, "
        "bytes per segment: 32768).",
    )
    log.info(
        clk.step(5, 20),
        "org.apache.flink.runtime.io.network.NettyShuffleEnvironment",
        "Starting the network environment and its components.",
    )
    took = rng.randint(30, 90)
    if v.ge(1, 11):
        log.info(
            clk.step(took), "org.apache.flink.runtime.io.network.netty.NettyClient", "Transport type 'auto': using EPOLL."
        )
    else:
        clk.step(took)
    log.info(
        clk.step(1),
        "org.apache.flink.runtime.io.network.netty.NettyClient",
        f"Successful initialization (took {took} ms).",
    )
    if v.ge(1, 11):
        log.info(
            clk.step(2, 6), "org.apache.flink.runtime.io.network.netty.NettyServer", "Transport type 'auto': using EPOLL."
        )
    took = rng.randint(8, 45)
    sock = f"/[0:0:0:0:0:0:0:0%0]:{tm.data_port}" if v.ge(1, 18) else f"/0.0.0.0:{tm.data_port}"
    log.info(
        clk.step(took),
        "org.apache.flink.runtime.io.network.netty.NettyServer",
        f"Successful initialization (took {took} ms). Listening on SocketAddress {sock}.",
    )
    log.info(
        clk.step(0, 2),
        "org.apache.flink.runtime.taskexecutor.TaskManagerServices",
        f"TaskManager data connection initialized successfully; listening internally on port: {tm.data_port}",
    )
    log.info(
        clk.step(2, 6),
        "org.apache.flink.runtime.taskexecutor.KvStateService",
        "Starting the kvState service and its components.",
    )
    rpc_endpoint(
        log, clk.step(20, 60), "org.apache.flink.runtime.taskexecutor.TaskExecutor", v.rpc_path("taskmanager_0")
    )
    jls = (
        "org.apache.flink.runtime.taskexecutor.DefaultJobLeaderService"
        if v.ge(1, 11)
        else "org.apache.flink.runtime.taskexecutor.JobLeaderService"
    )
    log.info(clk.step(10, 35), jls, "Start job leader service.")
    log.info(
        clk.step(1, 20),
        "org.apache.flink.runtime.filecache.FileCache",
        f"User file cache uses directory {tmpdir}/flink-dist-cache-{uuid4(rng)}",
    )


def tm_register_rm(log: Log, clk: Clock, tm: TmInfo, rng: random.Random, rm_addr: str, reg_id: str) -> None:
    """TaskExecutor -> ResourceManager registration. rm_addr without the fencing token."""
    v = log.v
    log.info(clk.step(2, 8), TE, f"Connecting to ResourceManager {rm_addr}(00000000000000000000000000000000).")
    log.info(clk.step(150, 330), TE, "Resolved ResourceManager address, beginning registration")
    if not v.ge(1, 11):
        log.info(clk.step(1, 4), TE, "Registration at ResourceManager attempt 1 (timeout=100ms)")
    log.info(
        clk.step(40, 120), TE, f"Successful registration at resource manager {rm_addr} under registration id {reg_id}."
    )


# ---------------------------------------------------------------------------------------------------------------------
# jobs, executions, task life cycle (TaskManager and JobManager side)
# ---------------------------------------------------------------------------------------------------------------------


class Vertex:
    def __init__(self, name: str, jvid: str, p: int):
        self.name = name
        self.jvid = jvid
        self.p = p


class Exec:
    def __init__(
        self, v: Ver, rng: random.Random, vertex: Vertex, st: int, attempt: int, tm: TmInfo, alloc: str, egid: str = ""
    ):
        self.vertex = vertex
        self.st = st
        self.attempt = attempt
        self.tm = tm
        self.alloc = alloc
        self.ver = v
        if v.ge(1, 16):
            self.aid = f"{egid}_{vertex.jvid}_{st}_{attempt}"
        else:
            self.aid = hexid(rng)

    @property
    def jm_name(self) -> str:
        return f"{self.vertex.name} ({self.st + 1}/{self.vertex.p})"

    @property
    def tm_name(self) -> str:
        return self.jm_name + (f"#{self.attempt}" if self.ver.ge(1, 12) else "")

    @property
    def evid(self) -> str:
        return f"{self.vertex.jvid}_{self.st}"


def jm_switch(jm: Log, t: dt.datetime, e: Exec, a: str, b: str, shown=None) -> None:
    jm.info(t, EG, f"{e.jm_name} ({e.aid}) switched from {a} to {b}.", shown=shown)


def jm_deploy_line(jm: Log, t: dt.datetime, e: Exec, slot_obj: str | None = None) -> None:
    v = jm.v
    if v.ge(1, 15):
        msg = (
            f"Deploying {e.jm_name} (attempt #{e.attempt}) with attempt id {e.aid} and vertex id {e.evid} "
            f"to {e.tm.location} with allocation id {e.alloc}"
        )
    elif v.ge(1, 12):
        msg = (
            f"Deploying {e.jm_name} (attempt #{e.attempt}) with attempt id {e.aid} to {e.tm.location} "
            f"with allocation id {e.alloc}"
        )
    else:
        msg = f"Deploying {e.jm_name} (attempt #{e.attempt}) to {e.tm.location}"
    jm.info(t, EG, msg)


def tm_task_switch(tml: Log, t: dt.datetime, e: Exec, a: str, b: str) -> None:
    tml.info(t, TASK, f"{e.tm_name} ({e.aid}) switched from {a} to {b}.")


def run_deploy(
    jm: Log,
    tmlogs: dict,
    execs: list[Exec],
    t0: dt.datetime,
    rng: random.Random,
    init_cb=None,
    spread: float = 25,
    init_ms=None,
) -> dt.datetime:
    """SCHEDULED -> DEPLOYING -> (INITIALIZING) -> RUNNING on both sides. Returns the last RUNNING time (JM)."""
    v = jm.v
    t = t0
    last = t0
    for i, e in enumerate(execs):
        t = t + ms(rng.uniform(1, spread if i else 2))
        jm_switch(jm, t, e, "SCHEDULED", "DEPLOYING")
        jm_deploy_line(jm, t + ms(rng.uniform(0, 1)), e)
        tml = tmlogs.get(e.tm.key)
        tr = t + ms(rng.uniform(8, 40))
        if tml is not None:
            if v.ge(1, 12):
                tml.info(tr, TE, f"Received task {e.tm_name} ({e.aid}), deploy into slot with allocation id {e.alloc}.")
            else:
                tml.info(tr, TE, f"Received task {e.tm_name}.")
            tm_task_switch(tml, tr + ms(rng.uniform(1, 4)), e, "CREATED", "DEPLOYING")
            td = tr + ms(rng.uniform(4, 10))
            if not v.ge(1, 11):
                tml.info(
                    td, TASK, f"Creating FileSystem stream leak safety net for task {e.tm_name} ({e.aid}) [DEPLOYING]"
                )
            tml.info(td + ms(rng.uniform(0, 3)), TASK, f"Loading JAR files for task {e.tm_name} ({e.aid}) [DEPLOYING].")
            if not v.ge(1, 13):
                tml.info(
                    td + ms(rng.uniform(3, 12)),
                    TASK,
                    f"Registering task at network: {e.tm_name} ({e.aid}) [DEPLOYING].",
                )
        ti = tr + ms(rng.uniform(60, 180))
        if tml is not None and init_cb:
            init_cb(tml, ti - ms(rng.uniform(5, 30)), e, "deploy")
        if v.ge(1, 11):
            if tml is not None:
                tm_task_switch(tml, ti, e, "DEPLOYING", "INITIALIZING")
            jm_switch(jm, ti + ms(rng.uniform(2, 9)), e, "DEPLOYING", "INITIALIZING")
            trun = ti + ms(init_ms(e) if init_ms else rng.uniform(150, 900))
            if tml is not None and init_cb:
                init_cb(tml, ti + ms(rng.uniform(3, 40)), e, "init")
            if tml is not None:
                tm_task_switch(tml, trun, e, "INITIALIZING", "RUNNING")
            jm_switch(jm, trun + ms(rng.uniform(2, 9)), e, "INITIALIZING", "RUNNING")
            last = max(last, trun + ms(10))
            e.t_running = trun
        else:
            trun = ti + ms(rng.uniform(20, 200))
            if tml is not None:
                tm_task_switch(tml, trun, e, "DEPLOYING", "RUNNING")
            jm_switch(jm, trun + ms(rng.uniform(2, 9)), e, "DEPLOYING", "RUNNING")
            last = max(last, trun + ms(10))
            e.t_running = trun
    return last


def tm_cancel(tml: Log, t: dt.datetime, e: Exec, rng: random.Random, dur: float = 40, extra=None,
              dmin: float | None = None) -> dt.datetime:
    """Cancel one task on the TaskManager. Returns the time of CANCELED."""
    v = tml.v
    tml.info(t, TASK, f"Attempting to cancel task {e.tm_name} ({e.aid}).")
    tm_task_switch(tml, t + ms(0.5), e, "RUNNING", "CANCELING")
    tml.info(t + ms(1), TASK, f"Triggering cancellation of task code {e.tm_name} ({e.aid}).")
    if extra:
        extra(t + ms(2))
    tc = t + ms(rng.uniform(dur * 0.4 if dmin is None else dmin, dur))
    tm_task_switch(tml, tc, e, "CANCELING", "CANCELED")
    tml.info(tc + ms(rng.uniform(0, 2)), TASK, f"Freeing task resources for {e.tm_name} ({e.aid}).")
    if not v.ge(1, 11):
        tml.info(
            tc + ms(2), TASK, f"Ensuring all FileSystem streams are closed for task {e.tm_name} ({e.aid}) [CANCELED]"
        )
    tml.info(
        tc + ms(rng.uniform(2, 6)),
        TE,
        f"Un-registering task and sending final execution state CANCELED to JobManager for task {e.tm_name} {e.aid}.",
    )
    return tc + ms(6)


def tm_fail(
    tml: Log,
    t: dt.datetime,
    e: Exec,
    tr: Trace,
    exc: list[str],
    rng: random.Random,
    from_state: str = "RUNNING",
    external: bool = False,
) -> dt.datetime:
    """A task fails on the TaskManager with the given exception (raw trace spec). Returns the unregister time."""
    v = tml.v
    if external:
        tml.info(t, TASK, f"Attempting to fail task externally {e.tm_name} ({e.aid}).")
        t = t + ms(1)
    head = f"{e.tm_name} ({e.aid}) switched from {from_state} to FAILED"
    if not v.ge(1, 11):
        tml.info(t, TASK, head + ".", tr.render(exc, plain=True))
    elif not v.ge(1, 13):
        tml.warn(t, TASK, head + ".", tr.render(exc))
    elif not v.ge(1, 17):
        body = tr.render(exc, plain=True)
        tml.warn(t, TASK, head + " with failure cause: " + body[0], body[1:] + [""])
    else:
        tml.warn(t, TASK, head + " with failure cause:", tr.render(exc))
    if external:
        tml.info(t + ms(1), TASK, f"Triggering cancellation of task code {e.tm_name} ({e.aid}).")
    tf = t + ms(rng.uniform(1, 12))
    tml.info(tf, TASK, f"Freeing task resources for {e.tm_name} ({e.aid}).")
    if not v.ge(1, 11):
        tml.info(
            tf + ms(1), TASK, f"Ensuring all FileSystem streams are closed for task {e.tm_name} ({e.aid}) [FAILED]"
        )
    tu = tf + ms(rng.uniform(2, 8))
    tml.info(
        tu,
        TE,
        f"Un-registering task and sending final execution state FAILED to JobManager for task {e.tm_name} {e.aid}.",
    )
    return tu


def jm_failed(
    jm: Log,
    t: dt.datetime,
    e: Exec,
    tr: Trace,
    exc: list[str],
    slot_obj: str | None = None,
    from_state: str = "RUNNING",
) -> None:
    where = slot_obj if slot_obj else e.tm.location
    jm.info(t, EG, f"{e.jm_name} ({e.aid}) switched from {from_state} to FAILED on {where}.", tr.render(exc))


def jm_region_restart(jm: Log, t: dt.datetime, e: Exec | None, n: int, global_failure: bool = False) -> None:
    v = jm.v
    if global_failure:
        if v.ge(1, 16):
            jm.info(t, JMASTER, f"{n} tasks will be restarted to recover from a global failure.")
        return
    if v.ge(1, 16):
        jm.info(t, JMASTER, f"{n} tasks will be restarted to recover the failed task {e.aid}.")
    elif v.ge(1, 11):
        lg = v.failover_pkg() + ".RestartPipelinedRegionFailoverStrategy"
        jm.info(t, lg, f"Calculating tasks to restart to recover the failed task {e.evid}.")
        jm.info(t + ms(1), lg, f"{n} tasks should be restarted to recover the failed task {e.evid}. ")


def job_switch(jm: Log, t: dt.datetime, name: str, job: str, a: str, b: str, exc: list[str] | None = None) -> None:
    jm.info(t, EG, f"Job {name} ({job}) switched from state {a} to {b}.", exc)


def ckpt_type(v: Ver, savepoint: bool = False) -> str:
    if v.ge(1, 15):
        if savepoint:
            return "SavepointType{name='Savepoint', postCheckpointAction=NONE, formatType=CANONICAL}"
        return "CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}"
    return "SAVEPOINT" if savepoint else "CHECKPOINT"


def ckpt_trigger(jm: Log, t: dt.datetime, n: int, job: str, tz: int, rng: random.Random) -> int:
    """Logs the trigger line; returns the checkpoint timestamp (epoch ms)."""
    v = jm.v
    ts = epoch_ms(t, tz)
    shown = t + ms(rng.uniform(0, 40) if v.ge(1, 15) else rng.uniform(40, 180))
    if v.ge(1, 11):
        jm.info(shown, CC, f"Triggering checkpoint {n} (type={ckpt_type(v)}) @ {ts} for job {job}.")
    else:
        jm.info(shown, CC, f"Triggering checkpoint {n} @ {ts} for job {job}.")
    return ts


def ckpt_complete(jm: Log, t_trigger: dt.datetime, n: int, job: str, size: int, dur: int, fin: int) -> dt.datetime:
    v = jm.v
    t = t_trigger + ms(dur + fin)
    if v.ge(1, 14):
        jm.info(
            t,
            CC,
            f"Completed checkpoint {n} for job {job} ({size} bytes, checkpointDuration={dur} ms, "
            f"finalizationTime={fin} ms).",
        )
    else:
        jm.info(t, CC, f"Completed checkpoint {n} for job {job} ({size} bytes in {dur} ms).")
    return t


def tm_slot_offer(
    tml: Log, clk: Clock, tm: TmInfo, job: str, allocs: list[str], jm_addr: str, first: bool, profile: str | None = None
) -> None:
    """TaskExecutor receives slot requests for a job and offers them to the JobMaster."""
    v = tml.v
    jls = (
        "org.apache.flink.runtime.taskexecutor.DefaultJobLeaderService"
        if v.ge(1, 11)
        else "org.apache.flink.runtime.taskexecutor.JobLeaderService"
    )
    for i, a in enumerate(allocs):
        tml.info(
            clk.step(1, 20),
            TE,
            f"Receive slot request {a} for job {job} from resource manager with leader id "
            "00000000000000000000000000000000.",
        )
        if v.ge(1, 18):
            tml.info(clk.step(3, 30), SLOTTABLE, f"Allocated slot for {a} with resources {profile}.")
        else:
            tml.info(clk.step(3, 30), TE, f"Allocated slot for {a}.")
        if i == 0 and first:
            tml.info(clk.step(1, 20), jls, f"Add job {job} for job leader monitoring.")
            tml.info(
                clk.step(1, 8),
                jls,
                f"Try to register at job manager {jm_addr} with leader id 00000000-0000-0000-0000-000000000000.",
            )
            tml.info(clk.step(10, 60), jls, "Resolved JobManager address, beginning registration")
            if not v.ge(1, 11):
                tml.info(clk.step(1, 3), jls, "Registration at JobManager attempt 1 (timeout=100ms)")
            tml.info(clk.step(10, 50), jls, f"Successful registration at job manager {jm_addr} for job {job}.")
            tml.info(clk.step(0, 3), TE, f"Establish JobManager connection for job {job}.")
            tml.info(clk.step(1, 6), TE, f"Offer reserved slots to the leader of job {job}.")
    for a in allocs:
        tml.info(clk.step(5, 40), SLOTTABLE, f"Activate slot {a}.")


def tm_free_slot(tml: Log, t: dt.datetime, tm: TmInfo, idx: int, alloc: str, job: str, state: str = "ACTIVE") -> None:
    tml.info(
        t,
        SLOTTABLE,
        f"Free slot TaskSlot(index:{idx}, state:{state}, resource profile: {tm.mem.slot_profile()}, "
        f"allocationId: {alloc}, jobId: {job}).",
    )


# JDK / Flink frames reused by several traces ------------------------------------------------------------------------


def rpc_actor_frames(v: Ver, exact_tail: bool = True) -> list[str]:
    """The bottom of a stack running inside the RPC actor (Akka or Pekko)."""
    if v.rpc == "pekko":
        p, pa = "org.apache.flink.runtime.rpc.pekko", "PekkoRpcActor"
        ak = "org.apache.pekko"
    else:
        p, pa = "org.apache.flink.runtime.rpc.akka", "AkkaRpcActor"
        ak = "akka"
    x = "!" if exact_tail else ""
    fr = [
        f"at {p}.{pa}.lambda$handleRunAsync$4({pa}.java:{453 if v.rpc == 'akka' else 460})|R",
        "at org.apache.flink.runtime.concurrent.akka.ClassLoadingUtils.runWithContextClassLoader(ClassLoadingUtils.java:68)|R"
        if v.rpc == "akka" and v.ge(1, 15)
        else "at org.apache.flink.runtime.concurrent.ClassLoadingUtils.runWithContextClassLoader(ClassLoadingUtils.java:68)|R",
        f"at {p}.{pa}.handleRunAsync({pa}.java:{453 if v.rpc == 'akka' else 460})|R",
        f"at {p}.{pa}.handleRpcMessage({pa}.java:{218 if v.rpc == 'akka' else 225})|R",
        f"at {p}.Fenced{pa}.handleRpcMessage(Fenced{pa}.java:{84 if v.rpc == 'akka' else 88})|R",
        f"at {p}.{pa}.handleMessage({pa}.java:{168 if v.rpc == 'akka' else 174})|R",
        f"{x}at {ak}.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:{24 if v.rpc == 'akka' else 33})|R",
        f"{x}at {ak}.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:{20 if v.rpc == 'akka' else 29})|R",
        f"{x}at scala.PartialFunction.applyOrElse(PartialFunction.scala:123)|R",
        f"{x}at scala.PartialFunction.applyOrElse$(PartialFunction.scala:122)|R",
        f"{x}at {ak}.japi.pf.UnitCaseStatement.applyOrElse(CaseStatements.scala:{20 if v.rpc == 'akka' else 29})|R",
        f"{x}at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:171)|R",
        f"{x}at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:172)|R",
        f"{x}at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:172)|R",
        f"{x}at {ak}.actor.Actor.aroundReceive(Actor.scala:537)|R",
        f"{x}at {ak}.actor.Actor.aroundReceive$(Actor.scala:535)|R",
        f"{x}at {ak}.actor.AbstractActor.aroundReceive(AbstractActor.scala:220)|R",
        f"{x}at {ak}.actor.ActorCell.receiveMessage(ActorCell.scala:{580 if v.rpc == 'akka' else 579})|R",
        f"{x}at {ak}.actor.ActorCell.invoke(ActorCell.scala:{548 if v.rpc == 'akka' else 547})|R",
        f"{x}at {ak}.dispatch.Mailbox.processMailbox(Mailbox.scala:270)|R",
        f"{x}at {ak}.dispatch.Mailbox.run(Mailbox.scala:231)|R",
        f"{x}at {ak}.dispatch.Mailbox.exec(Mailbox.scala:243)|R",
    ]
    if v.jdk == "8":
        fr += [
            f"{x}at java.util.concurrent.ForkJoinTask.doExec(ForkJoinTask.java:289)|J",
            f"{x}at java.util.concurrent.ForkJoinPool$WorkQueue.runTask(ForkJoinPool.java:1056)|J",
            f"{x}at java.util.concurrent.ForkJoinPool.runWorker(ForkJoinPool.java:1692)|J",
            f"{x}at java.util.concurrent.ForkJoinWorkerThread.run(ForkJoinWorkerThread.java:175)|J",
        ]
    else:
        fr += [
            f"{x}at java.util.concurrent.ForkJoinTask.doExec(ForkJoinTask.java:{290 if v.jdk == '11' else 373})|J",
            f"{x}at java.util.concurrent.ForkJoinPool$WorkQueue.topLevelExec(ForkJoinPool.java:{1020 if v.jdk == '11' else 1182})|J",
            f"{x}at java.util.concurrent.ForkJoinPool.scan(ForkJoinPool.java:{1656 if v.jdk == '11' else 1655})|J",
            f"{x}at java.util.concurrent.ForkJoinPool.runWorker(ForkJoinPool.java:{1594 if v.jdk == '11' else 1622})|J",
            f"{x}at java.util.concurrent.ForkJoinWorkerThread.run(ForkJoinWorkerThread.java:{183 if v.jdk == '11' else 165})|J",
        ]
    return fr


def task_thread_frames(v: Ver, source: bool = False) -> list[str]:
    """The bottom of a stack running in a task thread (mailbox loop)."""
    if v.ge(1, 15):
        n = {
            (1, 15): (519, 203, 804, 753, 948, 927, 741, 563),
            (1, 17): (550, 231, 839, 788, 952, 931, 745, 562),
            (1, 18): (562, 231, 858, 807, 953, 932, 746, 562),
            (2, 0): (638, 231, 973, 917, 963, 936, 755, 566),
        }
        a = n.get(v.mm, n[(1, 17)])
        return [
            f"at org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:{a[0]})|D",
            f"at org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor.runMailboxLoop(MailboxProcessor.java:{a[1]})|D",
            f"at org.apache.flink.streaming.runtime.tasks.StreamTask.runMailboxLoop(StreamTask.java:{a[2]})|D",
            f"at org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:{a[3]})|D",
            f"at org.apache.flink.runtime.taskmanager.Task.runWithSystemExitMonitoring(Task.java:{a[4]})|D",
            f"at org.apache.flink.runtime.taskmanager.Task.restoreAndInvoke(Task.java:{a[5]})|D",
            f"at org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:{a[6]})|D",
            f"at org.apache.flink.runtime.taskmanager.Task.run(Task.java:{a[7]})|D",
            f"at java.lang.Thread.run(Thread.java:{v.thread_line()})|J",
        ]
    if v.ge(1, 12):
        return [
            "at org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:395)|D",
            "at org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor.runMailboxLoop(MailboxProcessor.java:191)|D",
            "at org.apache.flink.streaming.runtime.tasks.StreamTask.runMailboxLoop(StreamTask.java:609)|D",
            "at org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:573)|D",
            "at org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:755)|D",
            "at org.apache.flink.runtime.taskmanager.Task.run(Task.java:570)|D",
            f"at java.lang.Thread.run(Thread.java:{v.thread_line()})|J",
        ]
    return [
        "at org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:311)|D",
        "at org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor.runMailboxLoop(MailboxProcessor.java:187)|D",
        "at org.apache.flink.streaming.runtime.tasks.StreamTask.runMailboxLoop(StreamTask.java:487)|D",
        "at org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:470)|D",
        "at org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:707)|D",
        "at org.apache.flink.runtime.taskmanager.Task.run(Task.java:532)|D",
        f"at java.lang.Thread.run(Thread.java:{v.thread_line()})|J",
    ]


def netty_inactive_frames(v: Ver) -> list[str]:
    sh = "org.apache.flink.shaded.netty4.io.netty"
    return [
        f"at org.apache.flink.runtime.io.network.netty.CreditBasedPartitionRequestClientHandler.channelInactive(CreditBasedPartitionRequestClientHandler.java:{134 if v.ge(1, 17) else 160})|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:305)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:281)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.fireChannelInactive(AbstractChannelHandlerContext.java:274)|D",
        f"at {sh}.channel.ChannelInboundHandlerAdapter.channelInactive(ChannelInboundHandlerAdapter.java:81)|D",
        "at org.apache.flink.runtime.io.network.netty.NettyMessageClientDecoderDelegate.channelInactive(NettyMessageClientDecoderDelegate.java:94)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:305)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:281)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.fireChannelInactive(AbstractChannelHandlerContext.java:274)|D",
        f"at {sh}.channel.DefaultChannelPipeline$HeadContext.channelInactive(DefaultChannelPipeline.java:1405)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:301)|D",
        f"at {sh}.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:281)|D",
        f"at {sh}.channel.DefaultChannelPipeline.fireChannelInactive(DefaultChannelPipeline.java:901)|D",
        f"at {sh}.channel.AbstractChannel$AbstractUnsafe$8.run(AbstractChannel.java:831)|D",
        f"at {sh}.util.concurrent.AbstractEventExecutor.safeExecute(AbstractEventExecutor.java:164)|D",
        f"at {sh}.util.concurrent.SingleThreadEventExecutor.runAllTasks(SingleThreadEventExecutor.java:469)|D",
        f"at {sh}.channel.epoll.EpollEventLoop.run(EpollEventLoop.java:384)|D",
        f"at {sh}.util.concurrent.SingleThreadEventExecutor$4.run(SingleThreadEventExecutor.java:986)|D",
        f"at {sh}.util.internal.ThreadExecutorMap$2.run(ThreadExecutorMap.java:74)|D",
        f"at java.lang.Thread.run(Thread.java:{v.thread_line()})|J",
    ]


# ---------------------------------------------------------------------------------------------------------------------
# GC logs
# ---------------------------------------------------------------------------------------------------------------------


class UnifiedG1:
    """JDK 11 unified logging, -Xlog:gc*:file=...:time,uptime,level,tags (decorations padded like the JVM does)."""

    def __init__(
        self, jvm_start: dt.datetime, tz: str, rng: random.Random, heap_mb: int, region_mb: int = 1, workers: int = 4
    ):
        self.start = jvm_start
        self.tz = tz
        self.rng = rng
        self.heap = heap_mb
        self.region = region_mb
        self.workers = workers
        self.pad = {"uptime": 0, "level": 0, "tags": 0}
        self.out: list[str] = []
        self.last: dt.datetime = jvm_start
        self.gcid = 0
        # heap state in regions
        self.eden_target = 100
        self.surv = 0
        self.surv_max = 13
        self.old = 0
        self.hum = 0
        self.meta = 20480
        self.meta_cap = 21504

    def _deco(self, key: str, text: str) -> str:
        w = max(self.pad[key], len(text))
        self.pad[key] = w
        return "[" + text.ljust(w) + "]"

    def ln(self, t: dt.datetime, tags: str, msg: str) -> None:
        if t < self.last:
            t = self.last
        self.last = t
        up = (t - self.start).total_seconds()
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + self.tz
        self.out.append(
            "["
            + stamp
            + "]"
            + self._deco("uptime", "%.3fs" % up)
            + self._deco("level", "info")
            + self._deco("tags", tags)
            + " "
            + msg
        )

    def startup(self) -> None:
        t = self.start
        self.ln(t + ms(9), "gc,heap", f"Heap region size: {self.region}M")
        self.ln(t + ms(14), "gc", "Using G1")
        self.ln(
            t + ms(14),
            "gc,heap,coops",
            f"Heap address: 0x0000000080000000, size: {self.heap} MB, Compressed Oops mode: 32-bit",
        )

    @property
    def used(self) -> int:
        return self.surv + self.old + self.hum

    def cpu(self, real_ms: float, par: float = 3.6) -> str:
        user = real_ms / 1000 * par * self.rng.uniform(0.85, 1.05)
        sys_ = real_ms / 1000 * self.rng.uniform(0.02, 0.15)
        return "User=%.2fs Sys=%.2fs Real=%.2fs" % (user, sys_, real_ms / 1000)

    def young(
        self,
        t: dt.datetime,
        kind: str = "Normal",
        cause: str = "G1 Evacuation Pause",
        eden: int | None = None,
        promote: int = 0,
        surv_after: int | None = None,
        dur: float | None = None,
        to_space: bool = False,
        hum_after: int | None = None,
    ) -> dt.datetime:
        """A young pause starting at t; returns its end time."""
        rng = self.rng
        gid = self.gcid
        self.gcid += 1
        eden = self.eden_target if eden is None else eden
        surv_after = self.surv if surv_after is None else surv_after
        hum_after = self.hum if hum_after is None else hum_after
        dur = rng.uniform(8, 40) if dur is None else dur
        eden = max(1, min(eden, self.heap - self.surv - self.old - self.hum))
        if not to_space:
            promote = min(promote, eden + self.surv - surv_after - 1)
        before = eden + self.surv + self.old + self.hum
        old_after = self.old + promote
        after = surv_after + old_after + hum_after + (eden if to_space else 0)
        if to_space:
            after = min(self.heap, before + rng.randint(2, 6))
            old_after = after - surv_after - hum_after
        end = t + ms(dur)
        self.ln(t, "gc,start", f"GC({gid}) Pause Young ({kind}) ({cause})")
        self.ln(t, "gc,task", f"GC({gid}) Using {self.workers} workers of {self.workers} for evacuation")
        if to_space:
            self.ln(end, "gc", f"GC({gid}) To-space exhausted")
        pre, post, oth = rng.uniform(0.05, 0.4), dur * rng.uniform(0.04, 0.12), rng.uniform(0.2, 1.6)
        evac = max(0.1, dur - pre - post - oth)
        self.ln(end, "gc,phases", f"GC({gid})   Pre Evacuate Collection Set: {pre:.1f}ms")
        self.ln(end, "gc,phases", f"GC({gid})   Evacuate Collection Set: {evac:.1f}ms")
        self.ln(end, "gc,phases", f"GC({gid})   Post Evacuate Collection Set: {post:.1f}ms")
        self.ln(end, "gc,phases", f"GC({gid})   Other: {oth:.1f}ms")
        next_eden = max(5, min(self.eden_target, self.heap - after - self.surv_max - 10))
        self.ln(end, "gc,heap", f"GC({gid}) Eden regions: {eden}->0({next_eden})")
        self.ln(end, "gc,heap", f"GC({gid}) Survivor regions: {self.surv}->{surv_after}({self.surv_max})")
        self.ln(end, "gc,heap", f"GC({gid}) Old regions: {self.old}->{old_after}")
        self.ln(end, "gc,heap", f"GC({gid}) Humongous regions: {self.hum}->{hum_after}")
        self.ln(end, "gc,metaspace", f"GC({gid}) Metaspace: {self.meta}K->{self.meta}K({self.meta_cap}K)")
        self.ln(
            end,
            "gc",
            f"GC({gid}) Pause Young ({kind}) ({cause}) {before * self.region}M->{after * self.region}M"
            f"({self.heap}M) {dur:.3f}ms",
        )
        self.ln(end, "gc,cpu", f"GC({gid}) {self.cpu(dur)}")
        self.surv, self.old, self.hum = surv_after, old_after, hum_after
        return end

    def concurrent_cycle(
        self, t: dt.datetime, mark_ms: float, remark_free: int = 0, cleanup_free: int = 0
    ) -> dt.datetime:
        """Runs right after a Concurrent Start young pause that ended at t."""
        rng = self.rng
        gid = self.gcid
        self.gcid += 1
        up = (t - self.start).total_seconds()
        self.ln(t, "gc", f"GC({gid}) Concurrent Cycle")
        self.ln(t, "gc,marking", f"GC({gid}) Concurrent Clear Claimed Marks")
        self.ln(t + ms(0.1), "gc,marking", f"GC({gid}) Concurrent Clear Claimed Marks {rng.uniform(0.02, 0.09):.3f}ms")
        self.ln(t + ms(0.1), "gc,marking", f"GC({gid}) Concurrent Scan Root Regions")
        srr = rng.uniform(2, 15)
        t1 = t + ms(srr)
        self.ln(t1, "gc,marking", f"GC({gid}) Concurrent Scan Root Regions {srr:.3f}ms")
        self.ln(t1, "gc,marking", f"GC({gid}) Concurrent Mark ({(t1 - self.start).total_seconds():.3f}s)")
        self.ln(t1, "gc,marking", f"GC({gid}) Concurrent Mark From Roots")
        self.ln(t1, "gc,task", f"GC({gid}) Using 1 workers of 1 for marking")
        t2 = t1 + ms(mark_ms)
        self.ln(t2, "gc,marking", f"GC({gid}) Concurrent Mark From Roots {mark_ms:.3f}ms")
        self.ln(t2, "gc,marking", f"GC({gid}) Concurrent Preclean")
        pc = rng.uniform(0.5, 4)
        t3 = t2 + ms(pc)
        self.ln(t3, "gc,marking", f"GC({gid}) Concurrent Preclean {pc:.3f}ms")
        self.ln(
            t3,
            "gc,marking",
            f"GC({gid}) Concurrent Mark ({(t1 - self.start).total_seconds():.3f}s, "
            f"{(t3 - self.start).total_seconds():.3f}s) {mark_ms + pc + 0.1:.3f}ms",
        )
        self.ln(t3, "gc,start", f"GC({gid}) Pause Remark")
        rm = rng.uniform(6, 30)
        t4 = t3 + ms(rm)
        self.ln(
            t4,
            "gc,stringtable",
            f"GC({gid}) Cleaned string and symbol table, strings: {rng.randint(28000, 36000)} "
            f"processed, {rng.randint(0, 40)} removed, symbols: {rng.randint(190000, 230000)} "
            f"processed, {rng.randint(0, 60)} removed",
        )
        before = min(self.heap, self.used + rng.randint(10, 60))
        self.old = max(0, self.old - remark_free)
        self.ln(
            t4,
            "gc",
            f"GC({gid}) Pause Remark {before}M->{before - remark_free - rng.randint(0, 3)}M({self.heap}M) {rm:.3f}ms",
        )
        self.ln(t4, "gc,cpu", f"GC({gid}) {self.cpu(rm)}")
        self.ln(t4, "gc,marking", f"GC({gid}) Concurrent Rebuild Remembered Sets")
        rb = mark_ms * rng.uniform(0.3, 0.7)
        t5 = t4 + ms(rb)
        self.ln(t5, "gc,marking", f"GC({gid}) Concurrent Rebuild Remembered Sets {rb:.3f}ms")
        self.ln(t5, "gc,start", f"GC({gid}) Pause Cleanup")
        cl = rng.uniform(0.2, 1.5)
        t6 = t5 + ms(cl)
        u = min(self.heap, self.used + rng.randint(20, 80))
        self.old = max(0, self.old - cleanup_free)
        self.ln(t6, "gc", f"GC({gid}) Pause Cleanup {u}M->{u - cleanup_free}M({self.heap}M) {cl:.3f}ms")
        self.ln(t6, "gc,cpu", f"GC({gid}) {self.cpu(cl, 1)}")
        self.ln(t6, "gc,marking", f"GC({gid}) Concurrent Cleanup for Next Mark")
        cn = rng.uniform(1, 6)
        t7 = t6 + ms(cn)
        self.ln(t7, "gc,marking", f"GC({gid}) Concurrent Cleanup for Next Mark {cn:.3f}ms")
        self.ln(t7, "gc", f"GC({gid}) Concurrent Cycle {(t7 - t).total_seconds() * 1000:.3f}ms")
        return t7

    def full(
        self, t: dt.datetime, dur: float, old_after: int, cause: str = "Allocation Failure", eden_before: int = 0
    ) -> dt.datetime:
        rng = self.rng
        gid = self.gcid
        self.gcid += 1
        before = min(self.heap, self.used + eden_before)
        end = t + ms(dur)
        self.ln(t, "gc,start", f"GC({gid}) Pause Full ({cause})")
        self.ln(t, "gc,task", f"GC({gid}) Using {self.workers} workers of {self.workers} for full compaction")
        shares = [rng.uniform(0.38, 0.46), rng.uniform(0.12, 0.17), rng.uniform(0.16, 0.2)]
        shares.append(1 - sum(shares))
        names = [
            "Phase 1: Mark live objects",
            "Phase 2: Prepare for compaction",
            "Phase 3: Adjust pointers",
            "Phase 4: Compact heap",
        ]
        cur = t
        for i, (nm, sh) in enumerate(zip(names, shares)):
            self.ln(cur, "gc,phases,start", f"GC({gid}) {nm}")
            d = dur * sh
            cur = cur + ms(d)
            if i == 0:
                self.ln(
                    cur,
                    "gc,stringtable",
                    f"GC({gid}) Cleaned string and symbol table, strings: "
                    f"{rng.randint(28000, 36000)} processed, {rng.randint(0, 40)} removed, "
                    f"symbols: {rng.randint(190000, 230000)} processed, 0 removed",
                )
            self.ln(cur, "gc,phases", f"GC({gid}) {nm} {d:.3f}ms")
        self.ln(
            end, "gc,heap", f"GC({gid}) Eden regions: {eden_before}->0({max(5, min(102, self.heap - old_after - 20))})"
        )
        self.ln(end, "gc,heap", f"GC({gid}) Survivor regions: {self.surv}->0({self.surv_max})")
        self.ln(end, "gc,heap", f"GC({gid}) Old regions: {self.old}->{old_after - self.hum}")
        self.ln(end, "gc,heap", f"GC({gid}) Humongous regions: {self.hum}->{self.hum}")
        self.ln(
            end,
            "gc,metaspace",
            f"GC({gid}) Metaspace: {self.meta}K->{self.meta - rng.randint(0, 90)}K({self.meta_cap}K)",
        )
        self.ln(end, "gc", f"GC({gid}) Pause Full ({cause}) {before}M->{old_after}M({self.heap}M) {dur:.3f}ms")
        self.ln(end, "gc,cpu", f"GC({gid}) {self.cpu(dur, 3.8)}")
        self.surv = 0
        self.old = old_after - self.hum
        return end

    def text(self) -> str:
        return "\n".join(self.out) + "\n"


class LegacyG1:
    """JDK 8 -Xloggc with -XX:+PrintGCDetails -XX:+PrintGCDateStamps (G1)."""

    def __init__(self, jvm_start: dt.datetime, tz: str, rng: random.Random, heap_mb: int, workers: int = 4):
        self.start = jvm_start
        self.tz = tz
        self.rng = rng
        self.heap = heap_mb
        self.workers = workers
        self.out: list[str] = []
        self.eden = 51.0
        self.eden_next = 51.0
        self.surv = 0.0
        self.old = 0.0
        self.meta = 61234

    def stamp(self, t: dt.datetime) -> str:
        return (
            t.strftime("%Y-%m-%dT%H:%M:%S.")
            + "%03d" % (t.microsecond // 1000)
            + self.tz
            + ": "
            + "%.3f: " % (t - self.start).total_seconds()
        )

    @staticmethod
    def mb(x: float) -> str:
        if x <= 0:
            return "0.0B"
        if x < 10:
            return "%.1fK" % (x * 1024)
        return "%.1fM" % x

    def header(self, flags: str, jvm_line: str, physical_k: int) -> None:
        self.out.append(jvm_line)
        self.out.append(f"Memory: 4k page, physical {physical_k}k({int(physical_k * 0.61)}k free), swap 0k(0k free)")
        self.out.append("CommandLine flags: " + flags + " ")

    def _stats(self, n: int, lo: float, hi: float) -> str:
        vals = [self.rng.uniform(lo, hi) for _ in range(self.workers)]
        return "Min: %.1f, Avg: %.1f, Max: %.1f, Diff: %.1f, Sum: %.1f" % (
            min(vals),
            sum(vals) / len(vals),
            max(vals),
            max(vals) - min(vals),
            sum(vals),
        )

    def young(
        self,
        t: dt.datetime,
        promote: float,
        surv_after: float,
        dur_ms: float,
        kind: str = "young",
        to_space: bool = False,
        eden: float | None = None,
        eden_next: float | None = None,
        cause: str = "G1 Evacuation Pause",
        after_total: float | None = None,
    ) -> dt.datetime:
        rng = self.rng
        eden = self.eden if eden is None else eden
        eden_next = self.eden_next if eden_next is None else eden_next
        before = min(float(self.heap), eden + self.surv + self.old)
        old_after = self.old + promote
        after = surv_after + old_after
        if after_total is not None:
            after = after_total
            old_after = after - surv_after
        tag = f"(young)" if kind == "young" else f"({kind})"
        extra = " (to-space exhausted)" if to_space else ""
        if kind == "initial-mark":
            tag = "(young) (initial-mark)"
        self.out.append(self.stamp(t) + f"[GC pause ({cause}) {tag}{extra}, {dur_ms / 1000:.7f} secs]")
        par = dur_ms * rng.uniform(0.82, 0.93)
        up_ms = (t - self.start).total_seconds() * 1000
        self.out.append(f"   [Parallel Time: {par:.1f} ms, GC Workers: {self.workers}]")
        self.out.append(
            f"      [GC Worker Start (ms): Min: {up_ms:.1f}, Avg: {up_ms + 0.1:.1f}, Max: {up_ms + 0.2:.1f}, Diff: 0.2]"
        )
        self.out.append(f"      [Ext Root Scanning (ms): {self._stats(self.workers, 0.6, 1.9)}]")
        self.out.append(f"      [Update RS (ms): {self._stats(self.workers, 0.5, 3.5)}]")
        bufs = [rng.randint(3, 40) for _ in range(self.workers)]
        self.out.append(
            f"         [Processed Buffers: Min: {min(bufs)}, Avg: {sum(bufs) / len(bufs):.1f}, Max: {max(bufs)}, "
            f"Diff: {max(bufs) - min(bufs)}, Sum: {sum(bufs)}]"
        )
        self.out.append(f"      [Scan RS (ms): {self._stats(self.workers, 0.1, 0.9)}]")
        self.out.append(f"      [Code Root Scanning (ms): {self._stats(self.workers, 0.0, 0.05)}]")
        oc = max(0.5, par - 5)
        self.out.append(f"      [Object Copy (ms): {self._stats(self.workers, oc * 0.93, oc)}]")
        self.out.append(f"      [Termination (ms): {self._stats(self.workers, 0.0, 0.3)}]")
        self.out.append(f"         [Termination Attempts: Min: 1, Avg: 1.0, Max: 1, Diff: 0, Sum: {self.workers}]")
        self.out.append(f"      [GC Worker Other (ms): {self._stats(self.workers, 0.0, 0.1)}]")
        self.out.append(f"      [GC Worker Total (ms): {self._stats(self.workers, par - 0.3, par)}]")
        endp = up_ms + par
        self.out.append(
            f"      [GC Worker End (ms): Min: {endp:.1f}, Avg: {endp:.1f}, Max: {endp + 0.1:.1f}, Diff: 0.1]"
        )
        self.out.append("   [Code Root Fixup: 0.0 ms]")
        self.out.append("   [Code Root Purge: 0.0 ms]")
        self.out.append(f"   [Clear CT: {rng.uniform(0.1, 0.6):.1f} ms]")
        other = dur_ms - par
        self.out.append(f"   [Other: {other:.1f} ms]")
        self.out.append("      [Choose CSet: 0.0 ms]")
        self.out.append(f"      [Ref Proc: {other * 0.55:.1f} ms]")
        self.out.append(f"      [Ref Enq: {rng.uniform(0, 0.2):.1f} ms]")
        self.out.append(f"      [Redirty Cards: {rng.uniform(0.1, 0.4):.1f} ms]")
        self.out.append(f"      [Humongous Register: {rng.uniform(0, 0.2):.1f} ms]")
        self.out.append("      [Humongous Reclaim: 0.0 ms]")
        self.out.append(f"      [Free CSet: {rng.uniform(0.1, 0.5):.1f} ms]")
        self.out.append(
            f"   [Eden: {self.mb(eden)}({self.mb(eden)})->0.0B({self.mb(eden_next)}) "
            f"Survivors: {self.mb(self.surv)}->{self.mb(surv_after)} "
            f"Heap: {before:.1f}M({self.heap:.1f}M)->{after:.1f}M({self.heap:.1f}M)]"
        )
        self.out.append(
            f" [Times: user={dur_ms / 1000 * 3.4:.2f} sys={dur_ms / 1000 * 0.1:.2f}, real={dur_ms / 1000:.2f} secs] "
        )
        self.surv, self.old, self.eden = surv_after, old_after, eden_next
        return t + ms(dur_ms)

    def concurrent(self, t: dt.datetime, mark_s: float) -> dt.datetime:
        rng = self.rng
        s = self.stamp
        self.out.append(s(t) + "[GC concurrent-root-region-scan-start]")
        t1 = t + ms(rng.uniform(5, 25))
        self.out.append(s(t1) + f"[GC concurrent-root-region-scan-end, {(t1 - t).total_seconds():.7f} secs]")
        self.out.append(s(t1) + "[GC concurrent-mark-start]")
        t2 = t1 + sec(mark_s)
        self.out.append(s(t2) + f"[GC concurrent-mark-end, {mark_s:.7f} secs]")
        t3 = t2 + ms(rng.uniform(1, 5))
        fm, rp, ul = rng.uniform(0.0005, 0.002), rng.uniform(0.001, 0.004), rng.uniform(0.008, 0.02)
        tot = fm + rp + ul + rng.uniform(0.002, 0.006)
        self.out.append(
            s(t3) + f"[GC remark {s(t3)}[Finalize Marking, {fm:.7f} secs] {s(t3)}[GC ref-proc, {rp:.7f} secs] "
            f"{s(t3)}[Unloading, {ul:.7f} secs], {tot:.7f} secs]"
        )
        self.out.append(f" [Times: user={tot * 3:.2f} sys=0.00, real={tot:.2f} secs] ")
        t4 = t3 + ms(rng.uniform(20, 60))
        u = self.surv + self.old + rng.uniform(10, 40)
        cl = rng.uniform(0.001, 0.004)
        self.out.append(s(t4) + f"[GC cleanup {u:.0f}M->{u - rng.uniform(0, 3):.0f}M({self.heap}M), {cl:.7f} secs]")
        self.out.append(f" [Times: user=0.01 sys=0.00, real={cl:.2f} secs] ")
        t5 = t4 + ms(1)
        self.out.append(s(t5) + "[GC concurrent-cleanup-start]")
        self.out.append(s(t5) + f"[GC concurrent-cleanup-end, {rng.uniform(0.00001, 0.0001):.7f} secs]")
        return t5

    def full(
        self,
        t: dt.datetime,
        dur_s: float,
        after: float,
        cause: str = "Allocation Failure",
        eden_before: float = 0.0,
        eden_next: float = 51.0,
    ) -> dt.datetime:
        before = min(float(self.heap), self.surv + self.old + eden_before)
        if after > before:
            after = before - self.rng.uniform(0.6, 3.5)
        self.out.append(
            self.stamp(t) + f"[Full GC ({cause})  {before:.0f}M->{after:.0f}M({self.heap}M), {dur_s:.7f} secs]"
        )
        self.out.append(
            f"   [Eden: {self.mb(eden_before)}({self.mb(self.eden)})->0.0B({self.mb(eden_next)}) "
            f"Survivors: {self.mb(self.surv)}->0.0B Heap: {before:.1f}M({self.heap:.1f}M)->{after:.1f}M({self.heap:.1f}M)], "
            f"[Metaspace: {self.meta}K->{self.meta}K(1105920K)]"
        )
        self.out.append(f" [Times: user={dur_s * 3.7:.2f} sys={dur_s * 0.01:.2f}, real={dur_s:.2f} secs] ")
        self.surv = 0.0
        self.old = after
        self.eden = eden_next
        self.eden_next = eden_next
        return t + sec(dur_s)

    def raw(self, t: dt.datetime, msg: str) -> None:
        self.out.append(self.stamp(t) + msg)

    def text(self) -> str:
        return "\n".join(self.out) + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# JobManager start-up and job submission
# ---------------------------------------------------------------------------------------------------------------------

SLF = "org.apache.flink.runtime.metrics.MetricRegistryImpl"


def jm_boot(
    jm: Log,
    clk: Clock,
    rng: random.Random,
    *,
    entry: str,
    host: str,
    rpc_port: int,
    rest_host: str,
    rest_port: int,
    log_dir: str,
    workdir: str | None,
    rest_logger: str,
    dispatcher_cls: str,
    rm_cls: str,
    rm_logger: str,
    flavour: str,
    blob_dir: str,
    leader_process: str,
    rm_first: bool = False,
    blob_port: int = 6124,
) -> dict:
    """Cluster services of a JobManager process (after the banner and configuration). Returns RPC names."""
    v = jm.v
    R = entry
    comp = entry.rsplit(".", 1)[1]
    jm.info(clk.step(1, 4), R, f"Starting {comp}.")
    jm.info(clk.step(5, 15), R, "Install default filesystem.")
    if flavour == "yarn":
        jm.info(
            clk.step(2, 8),
            "org.apache.flink.runtime.security.modules.HadoopModule",
            "Hadoop user set to flink (auth:SIMPLE)",
        )
    elif v.ge(1, 11):
        jm.info(clk.step(1, 4), R, "Install security context.")
        jm.info(
            clk.step(8, 30),
            "org.apache.flink.runtime.security.modules.HadoopModuleFactory",
            "Cannot create Hadoop Security Module because Hadoop cannot be found in the Classpath.",
        )
    jm.info(
        clk.step(4, 20),
        "org.apache.flink.runtime.security.modules.JaasModule",
        f"Jaas file will be created as /tmp/jaas-{rng.randint(10**18, 10**19 - 1)}.conf.",
    )
    if flavour != "yarn" and v.ge(1, 11):
        jm.info(
            clk.step(5, 15),
            "org.apache.flink.runtime.security.contexts.HadoopSecurityContextFactory",
            "Cannot install HadoopSecurityContext because Hadoop cannot be found in the Classpath.",
        )
    jm.info(clk.step(1, 6), R, "Initializing cluster services.")
    if v.ge(1, 15) and workdir:
        jm.info(clk.step(2, 10), R, f"Using working directory: WorkingDirectory({workdir}).")
    if flavour == "yarn":
        actor_system(jm, clk, f"{host}:0", "0.0.0.0:0", host, rpc_port)
    else:
        actor_system(jm, clk, f"{host}:{rpc_port}", f"0.0.0.0:{rpc_port}", host, rpc_port)
    jm.info(
        clk.step(10, 40),
        "org.apache.flink.runtime.blob.BlobServer",
        f"Created BLOB server storage directory {blob_dir}",
    )
    jm.info(
        clk.step(1, 5),
        "org.apache.flink.runtime.blob.BlobServer",
        f"Started BLOB server at 0.0.0.0:{blob_port} - "
        "max concurrent requests: 50 - max backlog: 1000",
    )
    jm.info(clk.step(3, 12), SLF, "No metrics reporter configured, no metrics will be exposed/reported.")
    actor_system(jm, clk, f"{host}:0", "0.0.0.0:0", host, rng.randint(33000, 46000), "flink-metrics", slow=False)
    mq = "/user/rpc/MetricQueryService" if v.ge(1, 11) else "/user/MetricQueryService"
    rpc_endpoint(jm, clk.step(8, 20), "org.apache.flink.runtime.metrics.dump.MetricQueryService", mq, "flink-metrics")
    up = f"/tmp/flink-web-{uuid4(rng)}/flink-web-upload"
    jm.info(clk.step(10, 30), rest_logger, f"Upload directory {up} does not exist. ")
    jm.info(clk.step(0, 2), rest_logger, f"Created directory {up} for file uploads.")
    jm.info(clk.step(5, 20), rest_logger, "Starting rest endpoint.")
    if flavour == "k8s-nolog":
        jm.warn(
            clk.step(60, 200),
            "org.apache.flink.runtime.webmonitor.WebMonitorUtils",
            "Log file environment variable 'log.file' is not set.",
        )
        jm.warn(
            clk.step(0, 2),
            "org.apache.flink.runtime.webmonitor.WebMonitorUtils",
            "JobManager log files are unavailable in the web dashboard. Log file location not found in environment "
            "variable 'log.file' or configuration key 'web.log.path'.",
        )
    else:
        jm.info(
            clk.step(60, 200),
            "org.apache.flink.runtime.webmonitor.WebMonitorUtils",
            f"Determined location of main cluster component log file: {log_dir}.log",
        )
        jm.info(
            clk.step(0, 2),
            "org.apache.flink.runtime.webmonitor.WebMonitorUtils",
            f"Determined location of main cluster component stdout file: {log_dir}.out",
        )
    jm.info(clk.step(100, 250), rest_logger, f"Rest endpoint listening at {rest_host}:{rest_port}")
    jm.info(
        clk.step(0, 2),
        rest_logger,
        f"http://{rest_host}:{rest_port} was granted leadership with "
        "leaderSessionID=00000000-0000-0000-0000-000000000000",
    )
    jm.info(clk.step(0, 2), rest_logger, f"Web frontend listening at http://{rest_host}:{rest_port}.")
    names = {}
    if v.ge(1, 11):
        jm.info(
            clk.step(20, 60),
            "org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunner",
            "DefaultDispatcherRunner was granted leadership with leader id 00000000-0000-0000-0000-000000000000. "
            "Creating new DispatcherLeaderProcess.",
        )
        jm.info(
            clk.step(2, 8), f"org.apache.flink.runtime.dispatcher.runner.{leader_process}", f"Start {leader_process}."
        )
    if v.ge(1, 14):
        jm.info(
            clk.step(1, 4),
            "org.apache.flink.runtime.resourcemanager.ResourceManagerServiceImpl",
            "Starting resource manager service.",
        )
        jm.info(
            clk.step(1, 3),
            "org.apache.flink.runtime.resourcemanager.ResourceManagerServiceImpl",
            "Resource manager service is granted leadership with session id 00000000-0000-0000-0000-000000000000.",
        )
    if leader_process == "SessionDispatcherLeaderProcess" and v.ge(1, 11):
        jm.info(
            clk.step(1, 3),
            f"org.apache.flink.runtime.dispatcher.runner.{leader_process}",
            "Recover all persisted job graphs.",
        )
        jm.info(
            clk.step(0, 2),
            f"org.apache.flink.runtime.dispatcher.runner.{leader_process}",
            "Successfully recovered 0 persisted job graphs.",
        )
    if v.ge(1, 11) and rm_first:
        names["dispatcher"] = "dispatcher_1"
        names["rm"] = "resourcemanager_0"
        names["next_jm"] = 2
    elif v.ge(1, 11):
        names["dispatcher"] = "dispatcher_0"
        names["rm"] = "resourcemanager_1"
        names["next_jm"] = 2
    else:
        names["dispatcher"] = "dispatcher"
        names["rm"] = "resourcemanager"
        names["next_jm"] = 1
    if rm_first:
        rpc_endpoint(jm, clk.step(300, 700), rm_cls, v.rpc_path(names["rm"]))
        rpc_endpoint(jm, clk.step(15, 45), dispatcher_cls, v.rpc_path(names["dispatcher"]))
    else:
        rpc_endpoint(jm, clk.step(300, 700), dispatcher_cls, v.rpc_path(names["dispatcher"]))
        rpc_endpoint(jm, clk.step(15, 45), rm_cls, v.rpc_path(names["rm"]))
    if not v.ge(1, 14):
        jm.info(
            clk.step(10, 30),
            rm_logger,
            f"ResourceManager {v.scheme}://flink@{host}:{rpc_port}{v.rpc_path(names['rm'])} "
            "was granted leadership with fencing token 00000000000000000000000000000000",
        )
    jm.info(clk.step(10, 30), rm_logger, "Starting the resource manager.")
    if not v.ge(1, 11):
        jm.info(
            clk.step(1, 5),
            "org.apache.flink.runtime.resourcemanager.slotmanager.SlotManagerImpl",
            "Starting the SlotManager.",
        )
        jm.info(
            clk.step(20, 60),
            "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            "Dispatcher akka.tcp://flink@%s:%d/user/dispatcher was granted leadership with fencing token "
            "00000000-0000-0000-0000-000000000000" % (host, rpc_port),
        )
        jm.info(
            clk.step(1, 4), "org.apache.flink.runtime.dispatcher.StandaloneDispatcher", "Recovering all persisted jobs."
        )
    names["rm_addr"] = (
        f"{v.scheme}://flink@{host}:{rpc_port}/user/rpc/resourcemanager_*"
        if v.ge(1, 11)
        else f"{v.scheme}://flink@{host}:{rpc_port}/user/resourcemanager"
    )
    names["host"] = host
    names["rpc_port"] = rpc_port
    return names


def slot_manager_logger(v: Ver) -> str:
    if v.ge(1, 18):
        return "org.apache.flink.runtime.resourcemanager.slotmanager.FineGrainedSlotManager"
    if v.ge(1, 12):
        return "org.apache.flink.runtime.resourcemanager.slotmanager.DeclarativeSlotManager"
    return "org.apache.flink.runtime.resourcemanager.slotmanager.SlotManagerImpl"


def jm_job_start(
    jm: Log,
    clk: Clock,
    rng: random.Random,
    *,
    names: dict,
    dispatcher: str,
    rm_logger: str,
    job: str,
    jname: str,
    restart: str,
    egid: str,
    backend_lines: list[tuple[str, str]],
    execs: list[Exec],
    n_slots: int,
    submitted: bool = True,
    extra_before_sched=None,
) -> str:
    """Dispatcher/JobMaster lines from submission to all executions SCHEDULED. Returns the JobMaster address."""
    v = jm.v
    q = (lambda s: f"'{s}'") if v.ge(1, 14) else (lambda s: s)
    if submitted:
        if v.ge(1, 14):
            jm.info(clk.step(0), dispatcher, f"Received job submission '{jname}' ({job})." if v.ge(2, 0)
                    else f"Received JobGraph submission '{jname}' ({job}).")
            jm.info(clk.step(1, 4), dispatcher, f"Submitting job '{jname}' ({job}).")
        else:
            jm.info(clk.step(0), dispatcher, f"Received JobGraph submission {job} ({jname}).")
            jm.info(clk.step(1, 4), dispatcher, f"Submitting job {job} ({jname}).")
    jmname = f"jobmanager_{names['next_jm']}"
    names["next_jm"] += 1
    jm_addr = f"{v.scheme}://flink@{names['host']}:{names['rpc_port']}{v.rpc_path(jmname)}"
    rpc_endpoint(jm, clk.step(30, 80), "org.apache.flink.runtime.jobmaster.JobMaster", v.rpc_path(jmname))
    if v.ge(1, 14):
        jm.info(clk.step(8, 20), JMASTER, f"Initializing job {q(jname)} ({job}).")
    else:
        jm.info(clk.step(8, 20), JMASTER, f"Initializing job {jname} ({job}).")
    if not v.ge(1, 11):
        jm.info(
            clk.step(2, 10),
            "org.apache.flink.runtime.jobmaster.JobManagerRunnerImpl",
            f"JobManager runner for job {jname} ({job}) was granted leadership with session id "
            f"00000000-0000-0000-0000-000000000000 at {jm_addr}.",
        )
    jm.info(clk.step(10, 40), JMASTER, f"Using restart back off time strategy {restart} for {jname} ({job}).")
    if v.ge(1, 16):
        jm.info(clk.step(20, 60), JMASTER, f"Created execution graph {egid} for job {job}.")
    jm.info(clk.step(20, 60), JMASTER, f"Running initialization on master for job {jname} ({job}).")
    jm.info(clk.step(0, 2), JMASTER, "Successfully ran initialization on master in 0 ms.")
    if v.ge(1, 15):
        jm.info(
            clk.step(10, 40),
            "org.apache.flink.runtime.scheduler.adapter.DefaultExecutionTopology",
            "Built 1 new pipelined regions in 1 ms, total 1 pipelined regions currently.",
        )
    elif v.ge(1, 12):
        jm.info(
            clk.step(10, 40),
            "org.apache.flink.runtime.scheduler.adapter.DefaultExecutionTopology",
            "Built 1 pipelined regions in 1 ms",
        )
    for lg, msg in backend_lines:
        jm.info(clk.step(2, 30), lg, msg)
    jm.info(clk.step(5, 20), CC, "No checkpoint found during restore.")
    fo = f"{v.failover_pkg()}.RestartPipelinedRegionFailoverStrategy@{hexid(rng, 7).lstrip('0')}"
    jm.info(clk.step(5, 30), JMASTER, f"Using failover strategy {fo} for {jname} ({job}).")
    if not v.ge(1, 11):
        jm.info(
            clk.step(1, 5),
            JMASTER,
            f"Starting execution of job {jname} ({job}) under job master id 00000000000000000000000000000000.",
        )
    elif v.ge(1, 14):
        jm.info(
            clk.step(1, 5),
            JMASTER,
            f"Starting execution of job {q(jname)} ({job}) under job master id 00000000000000000000000000000000.",
        )
    else:
        jm.info(
            clk.step(1, 5),
            JMASTER,
            f"Starting execution of job {jname} ({job}) under job master id 00000000000000000000000000000000.",
        )
    if extra_before_sched:
        extra_before_sched(clk)
    jm.info(
        clk.step(1, 4),
        JMASTER,
        "Starting scheduling with scheduling strategy "
        + ("[org.apache.flink.runtime.scheduler.strategy.PipelinedRegionSchedulingStrategy]" if v.ge(1, 12)
           else "[org.apache.flink.runtime.scheduler.strategy.EagerSchedulingStrategy]"),
    )
    job_switch(jm, clk.step(0, 2), jname, job, "CREATED", "RUNNING")
    for e in execs:
        jm_switch(jm, clk.step(0, 2), e, "CREATED", "SCHEDULED")
    rm_star = names["rm_addr"]
    if v.ge(1, 11):
        jm.info(clk.step(5, 30), JMASTER, f"Connecting to ResourceManager {rm_star}(00000000000000000000000000000000)")
    else:
        jm.info(clk.step(5, 30), JMASTER, f"Connecting to ResourceManager {rm_star}(00000000000000000000000000000000)")
    jm.info(clk.step(5, 30), JMASTER, "Resolved ResourceManager address, beginning registration")
    if not v.ge(1, 11):
        jm.info(clk.step(1, 4), JMASTER, "Registration at ResourceManager attempt 1 (timeout=100ms)")
    jm.info(
        clk.step(2, 6), rm_logger, f"Registering job manager 00000000000000000000000000000000@{jm_addr} for job {job}."
    )
    jm.info(
        clk.step(4, 10), rm_logger, f"Registered job manager 00000000000000000000000000000000@{jm_addr} for job {job}."
    )
    jm.info(
        clk.step(2, 5),
        JMASTER,
        "JobManager successfully registered at ResourceManager, leader id: 00000000000000000000000000000000.",
    )
    if v.ge(1, 12):
        jm.info(
            clk.step(1, 4),
            slot_manager_logger(v),
            f"Received resource requirements from job {job}: "
            f"[ResourceRequirement{{resourceProfile=ResourceProfile{{UNKNOWN}}, numberOfRequiredSlots={n_slots}}}]",
        )
    return jm_addr


def jm_register_tm(
    jm: Log, t: dt.datetime, rm_logger: str, tm: TmInfo, active: bool = False, spec: str | None = None,
    pending: int = 0,
) -> None:
    v = jm.v
    jm.info(t, rm_logger, f"Registering TaskManager with ResourceID {tm.rid} ({tm.rpc_addr(v)}) at ResourceManager")
    if active and v.ge(1, 12):
        jm.info(t + ms(20), rm_logger, f"Worker {tm.rid} is registered.")
        if spec:
            jm.info(
                t + ms(21),
                rm_logger,
                f"Worker {tm.rid} with resource spec {spec} was requested in current attempt. "
                f"Current pending count after registering: {pending}.",
            )


def kafka_consumer_start(
    tml: Log,
    t: dt.datetime,
    rng: random.Random,
    client_id: str,
    group: str,
    bootstrap: str,
    version: str,
    commit: str,
    partitions: list[str],
    reset: str = "latest",
    cluster_id: str = "",
    offsets: dict | None = None,
) -> dt.datetime:
    tml.info(
        t,
        "org.apache.kafka.clients.consumer.ConsumerConfig",
        "ConsumerConfig values: \n"
        + kafka_block(KAFKA_CONSUMER_CONFIG, reset=reset, bootstrap=bootstrap, client_id=client_id, group=group)
        + "\n",
    )
    t = t + ms(rng.uniform(20, 60))
    tml.info(t, "org.apache.kafka.common.utils.AppInfoParser", f"Kafka version: {version}")
    tml.info(t, "org.apache.kafka.common.utils.AppInfoParser", f"Kafka commitId: {commit}")
    tml.info(t, "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(t, tml.tz)}")
    t = t + ms(rng.uniform(2, 10))
    pre = f"[Consumer clientId={client_id}, groupId={group}] "
    tml.info(
        t,
        "org.apache.kafka.clients.consumer.KafkaConsumer",
        pre + "Subscribed to partition(s): " + ", ".join(partitions),
    )
    t = t + ms(rng.uniform(5, 40))
    for p in partitions:
        if offsets:
            tml.info(
                t,
                "org.apache.kafka.clients.consumer.KafkaConsumer",
                pre + f"Seeking to offset {offsets[p]} for partition {p}",
            )
        t = t + ms(rng.uniform(0, 2))
    t = t + ms(rng.uniform(80, 300))
    tml.info(t, "org.apache.kafka.clients.Metadata", pre + f"Cluster ID: {cluster_id}")
    return t


def kafka_consumer_close(tml: Log, t: dt.datetime, client_id: str, kind: str = "consumer") -> dt.datetime:
    tml.info(t, "org.apache.kafka.common.metrics.Metrics", "Metrics scheduler closed")
    tml.info(
        t + ms(1),
        "org.apache.kafka.common.metrics.Metrics",
        "Closing reporter org.apache.kafka.common.metrics.JmxReporter",
    )
    tml.info(t + ms(1), "org.apache.kafka.common.metrics.Metrics", "Metrics reporters closed")
    tml.info(
        t + ms(2), "org.apache.kafka.common.utils.AppInfoParser", f"App info kafka.{kind} for {client_id} unregistered"
    )
    return t + ms(3)


# ---------------------------------------------------------------------------------------------------------------------
# shared pieces for standalone TaskManagers
# ---------------------------------------------------------------------------------------------------------------------


def find_time(log: Log, needle: str) -> dt.datetime:
    for t, _, ls in log.entries:
        if needle in ls[0]:
            return t
    raise KeyError(needle)


def connection_probe(
    tml: Log, clk: Clock, rng: random.Random, jm_host: str, jm_ip: str, tm_host: str, tm_ip: str, jm_up: dt.datetime
) -> None:
    """LeaderRetrievalUtils / ConnectionUtils probing while the JobManager is not up yet."""
    v = tml.v
    LR = "org.apache.flink.runtime.util.LeaderRetrievalUtils"
    CU = "org.apache.flink.runtime.net.ConnectionUtils"
    tml.info(
        clk.step(300, 500),
        LR,
        "Trying to select the network interface and address to use by connecting to the leading JobManager.",
    )
    tml.info(
        clk.step(1, 3),
        LR,
        "TaskManager will try to connect for PT10S before falling back to heuristics"
        if v.ge(1, 12)
        else "TaskManager will try to connect for 10000 milliseconds before falling back to heuristics",
    )
    r = 0
    while clk.t + ms(480) < jm_up:
        tml.info(clk.step(200 if r else 400, 470), CU, f"Trying to connect to address {jm_host}/{jm_ip}:6123")
        r += 1
        if v.ge(1, 12):
            tml.info(
                clk.step(0, 2),
                CU,
                f"Failed to connect to [{jm_host}/{jm_ip}:6123] from local address "
                f"[{tm_host}/{tm_ip}] with timeout [200] due to: Connection refused",
            )
            tml.info(
                clk.step(0, 2),
                CU,
                f"Failed to connect to [{jm_host}/{jm_ip}:6123] from local address "
                f"[/{tm_ip}] with timeout [50] due to: Connection refused",
            )
            tml.info(
                clk.step(0, 2),
                CU,
                f"Failed to connect to [{jm_host}/{jm_ip}:6123] from local address "
                "[/0:0:0:0:0:0:0:1%lo] with timeout [50] due to: Network is unreachable",
            )
            tml.info(
                clk.step(0, 2),
                CU,
                f"Failed to connect to [{jm_host}/{jm_ip}:6123] from local address "
                "[/127.0.0.1] with timeout [50] due to: Invalid argument",
            )
        else:
            tml.info(
                clk.step(0, 2),
                CU,
                f"Failed to connect from address '{tm_host}/{tm_ip}': Connection refused (Connection refused)",
            )
            tml.info(
                clk.step(0, 2),
                CU,
                f"Failed to connect from address '/{tm_ip}': Connection refused (Connection refused)",
            )
            tml.info(
                clk.step(0, 2), CU, "Failed to connect from address '/127.0.0.1': Invalid argument (connect failed)"
            )
    clk.at(max(clk.t + ms(rng.uniform(200, 470)), jm_up + ms(rng.uniform(10, 60))))
    tml.info(clk.t, CU, f"Trying to connect to address {jm_host}/{jm_ip}:6123")
    if not v.ge(1, 15):
        tml.info(clk.step(2, 8), TMR, f"TaskManager will use hostname/address '{tm_host}' ({tm_ip}) for communication.")


def security_no_hadoop(log: Log, clk: Clock, rng: random.Random) -> None:
    log.info(
        clk.step(10, 40),
        "org.apache.flink.runtime.security.modules.HadoopModuleFactory",
        "Cannot create Hadoop Security Module because Hadoop cannot be found in the Classpath.",
    )
    log.info(
        clk.step(5, 30),
        "org.apache.flink.runtime.security.modules.JaasModule",
        f"Jaas file will be created as /tmp/jaas-{rng.randint(10**18, 10**19 - 1)}.conf.",
    )
    log.info(
        clk.step(5, 15),
        "org.apache.flink.runtime.security.contexts.HadoopSecurityContextFactory",
        "Cannot install HadoopSecurityContext because Hadoop cannot be found in the Classpath.",
    )


def s3_metrics_init(log: Log, t: dt.datetime) -> None:
    log.warn(
        t,
        "org.apache.hadoop.metrics2.impl.MetricsConfig",
        "Cannot locate configuration: tried hadoop-metrics2-s3a-file-system.properties,hadoop-metrics2.properties",
    )
    log.info(
        t + ms(12),
        "org.apache.hadoop.metrics2.impl.MetricsSystemImpl",
        "Scheduled Metric snapshot period at 10 second(s).",
    )
    log.info(t + ms(13), "org.apache.hadoop.metrics2.impl.MetricsSystemImpl", "s3a-file-system metrics system started")


def flink_lib_classpath(v: Ver, extra: list[str] = ()) -> str:
    ver = v.v
    if v.ge(1, 15):
        jars = [
            f"flink-cep-{ver}.jar",
            f"flink-connector-files-{ver}.jar",
            f"flink-csv-{ver}.jar",
            f"flink-json-{ver}.jar",
            f"flink-scala_2.12-{ver}.jar",
            "flink-shaded-zookeeper-3.5.9.jar",
            f"flink-table-api-java-uber-{ver}.jar",
            f"flink-table-planner-loader-{ver}.jar",
            f"flink-table-runtime-{ver}.jar",
        ]
        l4j = "2.17.1" if not v.ge(1, 17) else ("2.20.0" if not v.ge(2, 0) else "2.24.1")
    else:
        s = v.scala or "2.11"
        jars = [
            f"flink-csv-{ver}.jar",
            f"flink-json-{ver}.jar",
            "flink-shaded-zookeeper-3.4.14.jar",
            f"flink-table-blink_{s}-{ver}.jar",
            f"flink-table_{s}-{ver}.jar",
        ]
        l4j = "2.12.1"
    jars += list(extra)
    if v.ge(1, 11):
        jars += [
            f"log4j-1.2-api-{l4j}.jar",
            f"log4j-api-{l4j}.jar",
            f"log4j-core-{l4j}.jar",
            f"log4j-slf4j-impl-{l4j}.jar",
        ]
    else:
        jars += ["log4j-1.2.17.jar", "slf4j-log4j12-1.7.15.jar"]
    return ":".join("/opt/flink/lib/" + j for j in jars) + f":/opt/flink/lib/{v.dist}:::"


def jm_preconf(v: Ver, conf: list[tuple[str, str]], heap: int = 1 << 30) -> list[str]:
    mem = [
        "Final Master Memory configuration:",
        f"  Total Process Memory: {human(heap + (128 << 20) + (256 << 20) + (192 << 20))}",
        f"    Total Flink Memory: {human(heap + (128 << 20))}",
        f"      JVM Heap:         {human(heap)}",
        f"      Off-heap:         {human(128 << 20)}",
        f"    JVM Metaspace:      {human(256 << 20)}",
        f"    JVM Overhead:       {human(192 << 20)}",
    ]
    return preconf_block(
        v,
        mem,
        conf,
        f"-Xmx{heap} -Xms{heap} -XX:MaxMetaspaceSize=268435456",
        f"-D jobmanager.memory.off-heap.size=134217728b -D jobmanager.memory.jvm-overhead.min=201326592b "
        f"-D jobmanager.memory.jvm-metaspace.size=268435456b -D jobmanager.memory.heap.size={heap}b "
        f"-D jobmanager.memory.jvm-overhead.max=201326592b",
    )


def jm_args(heap: int = 1 << 30) -> list[str]:
    out = ["--configDir", "/opt/flink/conf", "--executionMode", "cluster"]
    for kv in (
        "jobmanager.memory.off-heap.size=134217728b",
        "jobmanager.memory.jvm-overhead.min=201326592b",
        "jobmanager.memory.jvm-metaspace.size=268435456b",
        f"jobmanager.memory.heap.size={heap}b",
        "jobmanager.memory.jvm-overhead.max=201326592b",
    ):
        out += ["-D", kv]
    return out


def tm_args(mem: TmMemory) -> list[str]:
    out = ["--configDir", "/opt/flink/conf"]
    for k, val in mem.dynamic():
        out += ["-D", f"{k}={val}"]
    return out


def tm_preconf(v: Ver, mem: TmMemory, conf) -> list[str]:
    return preconf_block(
        v, mem.table(), conf, " ".join(mem.jvm_params()), " ".join(f"-D {k}={val}" for k, val in mem.dynamic())
    )


def kafka_fetch_disconnect(
    tml: Log, t: dt.datetime, rng: random.Random, client_id: str, group: str, broker: int
) -> None:
    tml.info(
        t,
        "org.apache.kafka.clients.FetchSessionHandler",
        f"[Consumer clientId={client_id}, groupId={group}] Error sending fetch request (sessionId="
        f"{rng.randint(10**8, 2**31 - 1)}, epoch={rng.randint(200, 9000)}) to node {broker}: "
        "org.apache.kafka.common.errors.DisconnectException.",
    )


# =====================================================================================================================
# Incident 1: long G1 Full GCs on a standalone 1.15 TaskManager -> heartbeat timeout (JVM zone +01:00)
# =====================================================================================================================


def incident_gc_heartbeat(root: str) -> dict:
    rng = random.Random(20230314)
    v = Ver("1.15.4", "2.12", "3ff4cc5", "2023-03-10T11:23:26+01:00", "flink-dist-1.15.4.jar", "akka", "11", rng)
    TZ = 1
    tr = Trace(v, user_jar="orders-sessionization-3.4.0.jar", kafka_jar="kafka-clients-2.8.1.jar")
    jm = Log(v)
    jm.tz = TZ
    JM_HOST, JM_IP = "flink-jm-01", "10.0.3.10"
    SDR = "org.apache.flink.runtime.dispatcher.StandaloneDispatcher"
    SRM = "org.apache.flink.runtime.resourcemanager.StandaloneResourceManager"
    job = hexid(rng)
    jname = "orders-sessionization"
    ckdir = "s3://acme-flink-prod/checkpoints/orders-sessionization"
    group = "orders-sessionization"
    bootstrap = "kafka-1.prod.internal:9092, kafka-2.prod.internal:9092, kafka-3.prod.internal:9092"
    jm_rid = hexid(rng)
    rm_rid = hexid(rng)

    def mk_tm(ip: str, port: int, suffix: str, data_port: int, mport: int) -> TmInfo:
        rid = f"{ip}:{port}-{suffix}"
        return TmInfo(
            rid=rid,
            loc_id=rid,
            host=f"ip-{ip.replace('.', '-')}.eu-west-3.compute.internal",
            ip=ip,
            rpc_port=port,
            metrics_port=mport,
            data_port=data_port,
            slots=2,
            mem=TmMemory(0, heap_mb=1920, managed_mb=0, slots=2, cpu=2.0),
            workdir=f"/data/flink/tmp/tm_{rid}",
            tmp="/data/flink/tmp",
            disk_total=492,
            disk_usable=451,
            short=f"ip-{ip.replace('.', '-')}",
        )

    t17 = mk_tm("10.0.3.17", 35211, "8c1f0e", 41234, 36871)
    t18 = mk_tm("10.0.3.18", 40877, "1d2b9a", 38119, 44503)
    l17, l18 = Log(v), Log(v)
    l17.tz = l18.tz = TZ
    tmlogs = {t17.key: l17, t18.key: l18}

    conf = [
        ("jobmanager.rpc.address", JM_HOST),
        ("jobmanager.rpc.port", "6123"),
        ("jobmanager.bind-host", "0.0.0.0"),
        ("jobmanager.memory.process.size", "1600m"),
        ("taskmanager.bind-host", "0.0.0.0"),
        ("taskmanager.memory.task.heap.size", "1920m"),
        ("taskmanager.memory.managed.size", "0m"),
        ("taskmanager.numberOfTaskSlots", "2"),
        ("parallelism.default", "4"),
        ("jobmanager.execution.failover-strategy", "region"),
        ("cluster.evenly-spread-out-slots", "true"),
        ("state.backend", "hashmap"),
        ("state.checkpoints.dir", ckdir),
        ("state.savepoints.dir", "s3://acme-flink-prod/savepoints"),
        ("execution.checkpointing.interval", "2min"),
        ("execution.checkpointing.timeout", "10min"),
        ("restart-strategy", "fixed-delay"),
        ("restart-strategy.fixed-delay.attempts", "2147483647"),
        ("restart-strategy.fixed-delay.delay", "10 s"),
        ("rest.address", JM_HOST),
        ("rest.port", "8081"),
        ("io.tmp.dirs", "/data/flink/tmp"),
        ("s3.endpoint", "s3.eu-west-3.amazonaws.com"),
        ("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"),
        ("metrics.reporter.prom.port", "9249"),
        (
            "env.java.opts.taskmanager",
            "-XX:+UseG1GC -Xlog:gc*:file=/opt/flink/log/taskmanager.gc.log:time,uptime,"
            "level,tags:filecount=10,filesize=50M",
        ),
    ]

    # ------------------------------------------------------------------ JobManager process
    day = dt.datetime(2023, 3, 14)
    jclk = Clock(rng, day.replace(hour=9, minute=51, second=3, microsecond=118000))
    jproc = Proc(
        runner="org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
        component="StandaloneSessionClusterEntrypoint",
        jvm="OpenJDK 64-Bit Server VM - Eclipse Adoptium - 11/11.0.18+10",
        heap_mib=1024,
        java_home="/usr/lib/jvm/temurin-11-jdk-amd64",
        jvm_opts=[
            "-Xmx1073741824",
            "-Xms1073741824",
            "-XX:MaxMetaspaceSize=268435456",
            "-XX:+UseG1GC",
            f"-Dlog.file=/opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}.log",
            "-Dlog4j.configuration=file:/opt/flink/conf/log4j.properties",
            "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j.properties",
            "-Dlogback.configurationFile=file:/opt/flink/conf/logback.xml",
        ],
        args=jm_args(),
        classpath=flink_lib_classpath(v),
        preconf=jm_preconf(v, conf),
    )
    banner(jm, jclk, jproc)
    R = jproc.runner
    jm.info(jclk.step(1, 3), R, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    load_config(jm, jclk, conf)
    jm.info(
        jclk.step(20, 60),
        "org.apache.flink.core.fs.FileSystem",
        "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.",
    )
    jm.info(
        jclk.step(10, 30),
        "org.apache.flink.core.plugin.DefaultPluginManager",
        "Plugin loader with ID not found, creating it: metrics-prometheus",
    )
    jm.info(
        jclk.step(1, 5),
        "org.apache.flink.core.plugin.DefaultPluginManager",
        "Plugin loader with ID not found, creating it: s3-fs-hadoop",
    )
    jm.info(
        jclk.step(5, 20),
        "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
        "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.",
    )
    names = jm_boot(
        jm,
        jclk,
        rng,
        entry=R,
        host=JM_HOST,
        rpc_port=6123,
        rest_host=JM_HOST,
        rest_port=8081,
        log_dir=f"/opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}",
        workdir=f"/data/flink/tmp/jm_{hexid(rng)}",
        rest_logger="org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint",
        dispatcher_cls=SDR,
        rm_cls=SRM,
        rm_logger=SRM,
        flavour="standalone",
        blob_dir=f"/data/flink/tmp/jm_{hexid(rng)}/blobStorage",
        leader_process="SessionDispatcherLeaderProcess",
    )
    jm.info(jclk.step(1, 5), slot_manager_logger(v), "Starting the slot manager.")
    jm_ready = jclk.t
    rm_addr = names["rm_addr"]

    # ------------------------------------------------------------------ TaskManager processes
    jm_up = find_time(jm, f"Actor system started at akka.tcp://flink@{JM_HOST}:6123")

    def boot_tm(tml: Log, tm: TmInfo, start: dt.datetime) -> dt.datetime:
        clk = Clock(rng, start)
        p = Proc(
            jvm=jproc.jvm,
            heap_mib=tm.mem.heap >> 20,
            java_home=jproc.java_home,
            jvm_opts=tm.mem.jvm_params()
            + [
                "-XX:+UseG1GC",
                "-Xlog:gc*:file=/opt/flink/log/taskmanager.gc.log:time,uptime,level,tags:filecount=10,filesize=50M",
                f"-Dlog.file=/opt/flink/log/flink-flink-taskexecutor-0-{tm.short}.log",
                "-Dlog4j.configuration=file:/opt/flink/conf/log4j.properties",
                "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j.properties",
                "-Dlogback.configurationFile=file:/opt/flink/conf/logback.xml",
            ],
            args=tm_args(tm.mem),
            classpath=flink_lib_classpath(v),
            preconf=tm_preconf(v, tm.mem, conf),
        )
        banner(tml, clk, p)
        tml.info(clk.step(1, 4), TMR, "Registered UNIX signal handlers for [TERM, HUP, INT]")
        tml.info(clk.step(10, 30), TMR, "Maximum number of open file descriptors is 1048576.")
        load_config(tml, clk, conf, tm.mem.dynamic())
        tml.info(
            clk.step(40, 90),
            "org.apache.flink.core.fs.FileSystem",
            "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.",
        )
        tml.info(
            clk.step(10, 30),
            "org.apache.flink.core.plugin.DefaultPluginManager",
            "Plugin loader with ID not found, creating it: metrics-prometheus",
        )
        tml.info(
            clk.step(1, 5),
            "org.apache.flink.core.plugin.DefaultPluginManager",
            "Plugin loader with ID not found, creating it: s3-fs-hadoop",
        )
        tml.info(
            clk.step(10, 40),
            "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
            "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.",
        )
        security_no_hadoop(tml, clk, rng)
        connection_probe(tml, clk, rng, JM_HOST, JM_IP, tm.short, tm.ip, jm_up)
        tm_services(tml, clk, tm, rng, metrics_reporter="org.apache.flink.metrics.prometheus.PrometheusReporter")
        tml.info(
            clk.step(1, 3),
            "org.apache.flink.metrics.prometheus.PrometheusReporter",
            "Started PrometheusReporter HTTP server on port 9249.",
        )
        clk.at(max(clk.t, jm_ready + ms(rng.uniform(50, 300))))
        tm_register_rm(tml, clk, tm, rng, rm_addr, hexid(rng))
        jm_register_tm(jm, clk.t - ms(rng.uniform(20, 60)), SRM, tm)
        return clk.t

    tm17_start = day.replace(hour=9, minute=51, second=0, microsecond=846000)
    tm18_start = day.replace(hour=9, minute=51, second=1, microsecond=312000)
    boot_tm(l17, t17, tm17_start)
    boot_tm(l18, t18, tm18_start)

    # ------------------------------------------------------------------ job topology
    src = Vertex("Source: orders-kafka -> Filter -> Map", "cbc357ccb763df2852fee8c4fc7d55f2", 4)
    win = Vertex(
        "Window(EventTimeSessionWindows(1800000), EventTimeTrigger, SessionizeWindowFunction) -> "
        "Sink: sessions-archive",
        hexid(rng),
        4,
    )
    win_short = "Window(EventTimeSessionWindows(1800000), EventTimeTrigger, SessionizeWindowFunction)"
    tms = [t17, t17, t18, t18]
    allocs = [hexid(rng) for _ in range(4)]
    partitions = {i: [f"orders-{p}" for p in range(12) if p % 4 == i] for i in range(4)}
    kafka_commit = "839b886f9b732b15"
    cluster_id = "Xg8y4hRDTqWxbUZpDt0l9A"

    def make_execs(attempt: int) -> list[Exec]:
        return [Exec(v, rng, vx, st, attempt, tms[st], allocs[st]) for vx in (src, win) for st in range(4)]

    offsets_base = {f"orders-{p}": rng.randint(180_000_000, 260_000_000) for p in range(12)}
    first_s3 = set()

    def init_cb(tml: Log, t: dt.datetime, e: Exec, phase: str) -> None:
        if phase == "deploy":
            tml.info(
                t,
                "org.apache.flink.runtime.state.StateBackendLoader",
                "State backend loader loads the state backend as HashMapStateBackend",
            )
            tml.info(
                t + ms(1),
                "org.apache.flink.streaming.runtime.tasks.StreamTask",
                f"State backend is set to heap memory org.apache.flink.runtime.state.hashmap.HashMapStateBackend@{hexid(rng, 8)}",
            )
            tml.info(
                t + ms(2),
                "org.apache.flink.streaming.runtime.tasks.StreamTask",
                f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")",
            )
        elif e.vertex is win:
            tml.warn(
                t,
                "org.apache.flink.metrics.MetricGroup",
                f"The operator name {win_short} exceeded the 80 characters length limit and was truncated.",
            )
            if e.tm.key not in first_s3:
                first_s3.add(e.tm.key)
                s3_metrics_init(tml, t + ms(40))
            tml.info(
                t + ms(rng.uniform(60, 120)),
                "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
                f"Subtask {e.st} initializing its state (max part counter={0 if e.attempt == 0 else 40 + e.st}).",
            )

    def source_readers(tml: Log, t: dt.datetime, e: Exec, restored: bool) -> dt.datetime:
        parts = partitions[e.st]
        if restored:
            offs = {p: offsets_base[p] + rng.randint(8_000_000, 9_000_000) for p in parts}
            splits = ", ".join(
                f"[Partition: {p}, StartingOffset: {offs[p]}, StoppingOffset: -9223372036854775808]" for p in parts
            )
        else:
            offs = None
            splits = ", ".join(
                f"[Partition: {p}, StartingOffset: -3, StoppingOffset: -9223372036854775808]" for p in parts
            )
        tml.info(
            t,
            "org.apache.flink.connector.base.source.reader.SourceReaderBase",
            f"Adding split(s) to reader: [{splits}]",
        )
        cid = f"{group}-{e.st}"
        t2 = kafka_consumer_start(
            tml,
            t + ms(rng.uniform(3, 9)),
            rng,
            cid,
            group,
            bootstrap,
            "2.8.1",
            kafka_commit,
            parts,
            "latest",
            cluster_id,
            offs,
        )
        tml.info(
            t2 - ms(rng.uniform(40, 70)),
            "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher",
            "Starting split fetcher 0",
        )
        return t2

    def enumerator_start(t: dt.datetime, restored: bool) -> dt.datetime:
        SC = "org.apache.flink.runtime.source.coordinator.SourceCoordinator"
        if restored:
            jm.info(t, SC, "Restoring SplitEnumerator of source Source: orders-kafka from checkpoint.")
            t += ms(rng.uniform(1, 4))
        jm.info(t, SC, "Starting split enumerator for source Source: orders-kafka.")
        admin = (
            "AdminClientConfig values: \n\tbootstrap.servers = ["
            + bootstrap
            + "]\n\tclient.dns.lookup = use_all_dns_ips\n"
            f"\tclient.id = {group}-enumerator-admin-client\n\tconnections.max.idle.ms = 300000\n"
            "\tdefault.api.timeout.ms = 60000\n\tmetadata.max.age.ms = 300000\n\tmetric.reporters = []\n"
            "\tmetrics.num.samples = 2\n\tmetrics.recording.level = INFO\n\tmetrics.sample.window.ms = 30000\n"
            "\treceive.buffer.bytes = 65536\n\treconnect.backoff.max.ms = 1000\n\treconnect.backoff.ms = 50\n"
            "\trequest.timeout.ms = 30000\n\tretries = 2147483647\n\tretry.backoff.ms = 100\n"
            "\tsasl.jaas.config = null\n\tsasl.mechanism = GSSAPI\n\tsecurity.protocol = PLAINTEXT\n"
            "\tsecurity.providers = null\n\tsend.buffer.bytes = 131072\n\tsocket.connection.setup.timeout.max.ms = 30000\n"
            "\tsocket.connection.setup.timeout.ms = 10000\n\tssl.endpoint.identification.algorithm = https\n"
            "\tssl.protocol = TLSv1.3\n"
        )
        t += ms(rng.uniform(5, 20))
        jm.info(t, "org.apache.kafka.clients.admin.AdminClientConfig", admin)
        for k in (
            "key.deserializer",
            "value.deserializer",
            "client.id.prefix",
            "group.id",
            "partition.discovery.interval.ms",
            "auto.offset.reset",
            "enable.auto.commit",
        ):
            t += ms(rng.uniform(0, 1))
            jm.warn(
                t,
                "org.apache.kafka.clients.admin.AdminClientConfig",
                f"The configuration '{k}' was supplied but isn't a known config.",
            )
        t += ms(rng.uniform(1, 4))
        jm.info(t, "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 2.8.1")
        jm.info(t, "org.apache.kafka.common.utils.AppInfoParser", f"Kafka commitId: {kafka_commit}")
        jm.info(t, "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(t, TZ)}")
        t += ms(rng.uniform(1, 5))
        jm.info(
            t,
            "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
            f"Starting the KafkaSourceEnumerator for consumer group {group} with partition discovery interval of 300000 ms.",
        )
        t += ms(rng.uniform(150, 400))
        jm.info(
            t,
            "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
            "Discovered new partitions: [" + ", ".join(f"orders-{p}" for p in range(12)) + "]",
        )
        return t

    def assign_splits(t: dt.datetime, e: Exec, restored: bool) -> None:
        SC = "org.apache.flink.runtime.source.coordinator.SourceCoordinator"
        jm.info(
            t,
            SC,
            f"Source Source: orders-kafka registering reader for parallel task {e.st} (#{e.attempt}) @ {e.tm.host}",
        )
        if not restored:
            splits = ", ".join(
                f"[Partition: {p}, StartingOffset: -3, StoppingOffset: -9223372036854775808]" for p in partitions[e.st]
            )
            jm.info(
                t + ms(2),
                "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                f"Assigning splits to readers {{{e.st}=[{splits}]}}",
            )

    # ------------------------------------------------------------------ job submission
    jclk.at(day.replace(hour=9, minute=53, second=12, microsecond=406000))
    execs0 = make_execs(0)
    backend = [
        (
            "org.apache.flink.runtime.state.StateBackendLoader",
            "State backend loader loads the state backend as HashMapStateBackend",
        ),
        (
            JMASTER,
            f"State backend is set to heap memory org.apache.flink.runtime.state.hashmap.HashMapStateBackend@{hexid(rng, 8)}",
        ),
        (JMASTER, f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")"),
    ]
    jm_addr = jm_job_start(
        jm,
        jclk,
        rng,
        names=names,
        dispatcher=SDR,
        rm_logger=SRM,
        job=job,
        jname=jname,
        restart="FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2147483647, backoffTimeMS=10000)",
        egid="",
        backend_lines=backend,
        execs=execs0,
        n_slots=4,
        extra_before_sched=lambda c: c.at(enumerator_start(c.step(1, 5), False)),
    )
    s3_metrics_init(jm, jclk.t - ms(rng.uniform(300, 500)))
    # slots
    for tm, tml in ((t17, l17), (t18, l18)):
        c = Clock(rng, jclk.t + ms(rng.uniform(8, 20)))
        tm_slot_offer(tml, c, tm, job, [a for a, x in zip(allocs, tms) if x is tm], jm_addr, True)
    dep_t = jclk.t + ms(rng.uniform(180, 260))
    run_t = run_deploy(jm, tmlogs, execs0, dep_t, rng, init_cb)
    reader_done = {}
    for e in execs0[:4]:
        ta = e.t_running + ms(rng.uniform(20, 200))
        assign_splits(ta, e, False)
        reader_done[e.st] = source_readers(tmlogs[e.tm.key], ta + ms(rng.uniform(3, 10)), e, False)

    # ------------------------------------------------------------------ GC log of the stalled TaskManager
    jvm17 = tm17_start - ms(412)
    gc = UnifiedG1(jvm17, "+0100", rng, 2048)
    gc.startup()
    gc.meta, gc.meta_cap = 38912, 40960
    storm = day.replace(hour=10, minute=43, second=4, microsecond=903000)
    job_start = run_t
    t = jvm17 + sec(4.2)
    # a couple of start-up collections
    gc.eden_target = 24
    t = gc.young(t, eden=24, promote=3, surv_after=3, dur=6.2) + sec(rng.uniform(2, 3))
    gc.meta, gc.meta_cap = 52480, 53760
    t = max(t, job_start + sec(20))
    gc.eden_target = 306
    gc.meta, gc.meta_cap = 98817, 100352
    in_mixed = 0
    last_cycle = job_start
    garbage = 0.0

    def live_at(x: dt.datetime) -> float:
        m = (x - job_start).total_seconds() / 60
        return 60 + 0.752 * m * m

    while True:
        free = 2048 - gc.old - gc.hum - gc.surv - 120
        eden = int(max(min(96, 2048 - gc.old - gc.hum - gc.surv), min(306, free)))
        gap = eden / rng.uniform(2.3, 3.1)
        t = t + sec(gap)
        if t >= storm - sec(2):
            break
        live = live_at(t)
        press = gc.old / 2048
        garbage += rng.uniform(6, 16)
        target = int(min(2048 - 110, live + garbage))
        promote = max(2, target - gc.old)
        if in_mixed:
            garbage *= rng.uniform(0.55, 0.75) if live < 1750 else rng.uniform(0.9, 0.97)
            target = int(min(2048 - 110, live + garbage))
            kind = "Mixed" if in_mixed > 1 else "Prepare Mixed"
            t = gc.young(
                t,
                kind=kind,
                eden=eden,
                promote=target - gc.old,
                surv_after=rng.randint(6, 13),
                dur=rng.uniform(45, 110) * (1 + 2 * press),
            )
            in_mixed -= 1
        elif gc.old > 0.45 * 2048 and (t - last_cycle).total_seconds() > (420 if live < 1750 else 150):
            end = gc.young(
                t,
                kind="Concurrent Start",
                eden=eden,
                promote=promote,
                surv_after=rng.randint(6, 13),
                dur=rng.uniform(30, 80) * (1 + 2 * press),
            )
            t = gc.concurrent_cycle(end, rng.uniform(900, 2600) * (1 + 2 * press), cleanup_free=rng.randint(0, 6))
            last_cycle = t
            in_mixed = rng.randint(4, 6)
        else:
            t = gc.young(
                t,
                eden=eden,
                promote=promote,
                surv_after=rng.randint(6, 13),
                dur=rng.uniform(18, 55) * (1 + 3 * press * press),
            )
    # the storm: to-space exhausted, then back-to-back full collections
    gc.eden_target = 12
    e1 = gc.young(storm, eden=2048 - gc.used - 2, promote=0, surv_after=0, dur=861.4, to_space=True)
    gc.old = 2046 - gc.hum
    f1 = gc.full(e1, 18431.27, 2022, eden_before=0)
    e2 = gc.young(f1 + ms(351), eden=12, promote=0, surv_after=0, dur=540.8, to_space=True)
    gc.old = 2047 - gc.hum
    f2 = gc.full(e2, 31245.61, 2030)
    f3 = gc.full(f2 + ms(283), 22611.09, 2033, eden_before=14)
    wake = f3
    # after the wake-up: old tasks die, state is restored into the new attempts
    gc.eden_target = 14
    y = gc.young(
        wake + ms(1650),
        kind="Concurrent Start",
        cause="G1 Evacuation Pause",
        eden=14,
        promote=2,
        surv_after=2,
        dur=212.7,
    )
    live_after = 1986
    c_end = gc.concurrent_cycle(y, 3184.2, remark_free=live_after - 388, cleanup_free=3)
    gc.eden_target = 306
    t = c_end + sec(4)
    restore_growth = 0
    end_time = day.replace(hour=10, minute=53, second=18, microsecond=0)
    while t < end_time:
        promote = rng.randint(60, 110) if restore_growth < 560 else rng.randint(14, 30)
        restore_growth += promote
        eden = int(max(60, min(306, 2048 - gc.old - 205)))
        t = gc.young(t, eden=eden, promote=promote, surv_after=rng.randint(8, 13), dur=rng.uniform(25, 70))
        t = t + sec(eden / rng.uniform(3.4, 4.8))

    # ------------------------------------------------------------------ checkpoints and steady state noise
    pend_t = storm - ms(rng.uniform(8800, 9600))
    ck_start = pend_t
    while ck_start - sec(120) > run_t + sec(60):
        ck_start -= sec(120)
    ckpt = 1
    t = ck_start
    completed = {}
    sizes = {}
    last_ok = None
    while t < pend_t - sec(60):
        minutes = (t - job_start).total_seconds() / 60
        dur = int(1400 + minutes * 420 + rng.uniform(-300, 600))
        size = int((110 + minutes * 21.5) * 1024 * 1024 * rng.uniform(0.97, 1.03))
        ts = ckpt_trigger(jm, t, ckpt, job, TZ, rng)
        # barriers reach the window subtasks; the archive sink logs per checkpoint
        for st in range(4):
            tml = tmlogs[tms[st].key]
            tml.info(
                t + ms(rng.uniform(200, 900) + dur * 0.35),
                "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
                f"Subtask {st} checkpointing for checkpoint with id={ckpt} (max part counter={ckpt + 2 + st * 3}).",
            )
        fin = rng.randint(12, 60)
        tc = ckpt_complete(jm, t, ckpt, job, size, dur, fin)
        jm.info(
            tc + ms(rng.uniform(0, 3)),
            "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
            f"Marking checkpoint {ckpt} as completed for source Source: orders-kafka.",
        )
        for st in range(4):
            tmlogs[tms[st].key].info(
                tc + ms(rng.uniform(4, 30)),
                "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
                f"Subtask {st} received completion notification for checkpoint with id={ckpt}.",
            )
        completed[ckpt] = (t, ts)
        sizes[ckpt] = size
        last_ok = ckpt
        ckpt += 1
        t = t + sec(120)
    # checkpoint that is still pending when the TaskManager stalls
    pend = ckpt
    ts_pend = ckpt_trigger(jm, t, pend, job, TZ, rng)
    for st in (2, 3):
        tmlogs[tms[st].key].info(
            t + ms(rng.uniform(300, 900)),
            "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
            f"Subtask {st} checkpointing for checkpoint with id={pend} (max part counter={pend + 2 + st * 3}).",
        )
    l17.info(
        storm - ms(rng.uniform(500, 900)),
        "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
        f"Subtask 1 checkpointing for checkpoint with id={pend} (max part counter={pend + 5}).",
    )

    # Kafka / misc noise on both TaskManagers during normal operation
    for tm, tml in ((t17, l17), (t18, l18)):
        for st in [s for s in range(4) if tms[s] is tm]:
            cid = f"{group}-{st}"
            x = reader_done[st] + sec(rng.uniform(540, 560))
            tml.info(
                x,
                "org.apache.kafka.clients.NetworkClient",
                f"[Consumer clientId={cid}, groupId={group}] Node -1 disconnected.",
            )
            x = job_start + sec(rng.uniform(200, 700))
            while x < storm - sec(30):
                kafka_fetch_disconnect(tml, x, rng, cid, group, rng.randint(1, 3))
                x += sec(rng.uniform(420, 1100))
    # one benign offset-commit failure
    bad = 9
    tcb = completed[bad][0] + sec(14)
    l18.warn(
        tcb,
        "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader",
        f"Failed to commit consumer offsets for checkpoint {bad}",
        tr.render(
            [
                "org.apache.kafka.clients.consumer.RetriableCommitFailedException: Offset commit failed with a "
                "retriable exception. You should retry committing the latest consumed offsets.",
                "Caused by: org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available.",
            ]
        ),
    )
    # ------------------------------------------------------------------ the incident on the JobManager
    hb_jm = storm + sec(44.8)  # JobMaster: 50 s after the last heartbeat answer
    hb_rm = storm + sec(47.2)  # ResourceManager: its own heartbeat
    jm.info(hb_jm, JMASTER, f"Heartbeat of TaskManager with id {t17.rid} timed out.")
    first = execs0[0]  # Source (1/4) on 10.0.3.17
    hb_exc = [
        f"java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id {t17.rid} timed out.",
        "at org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout(JobMaster.java:1371)|D",
        "at org.apache.flink.runtime.heartbeat.HeartbeatMonitorImpl.run(HeartbeatMonitorImpl.java:155)|D",
        "at java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:515)|J",
        "at java.util.concurrent.FutureTask.run(FutureTask.java:264)|J",
    ] + rpc_actor_frames(v)
    t = hb_jm + ms(3)
    jm_failed(jm, t, first, tr, hb_exc)
    jm.info(
        t + ms(1),
        "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
        "Removing registered reader after failure for subtask 0 (#0) of source Source: orders-kafka.",
    )
    jm_region_restart(jm, t + ms(2), first, 8)
    job_switch(jm, t + ms(4), jname, job, "RUNNING", "RESTARTING")
    susp = [
        "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.",
        "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator.stopCheckpointScheduler(CheckpointCoordinator.java:1926)|D",
        "at org.apache.flink.runtime.checkpoint.CheckpointCoordinatorDeActivator.jobStatusChanges(CheckpointCoordinatorDeActivator.java:46)|D",
        "at org.apache.flink.runtime.executiongraph.DefaultExecutionGraph.notifyJobStatusChange(DefaultExecutionGraph.java:1566)|D",
        "at org.apache.flink.runtime.executiongraph.DefaultExecutionGraph.transitionState(DefaultExecutionGraph.java:1161)|D",
        "at org.apache.flink.runtime.executiongraph.DefaultExecutionGraph.transitionState(DefaultExecutionGraph.java:1133)|D",
        "at org.apache.flink.runtime.scheduler.SchedulerBase.transitionExecutionGraphState(SchedulerBase.java:600)|D",
        "at org.apache.flink.runtime.scheduler.DefaultScheduler.addVerticesToRestartPending(DefaultScheduler.java:339)|D",
        "at org.apache.flink.runtime.scheduler.DefaultScheduler.restartTasksWithDelay(DefaultScheduler.java:314)|D",
        "at org.apache.flink.runtime.scheduler.DefaultScheduler.maybeRestartTasks(DefaultScheduler.java:291)|D",
        "at org.apache.flink.runtime.scheduler.DefaultScheduler.handleTaskFailure(DefaultScheduler.java:282)|D",
        "at org.apache.flink.runtime.scheduler.DefaultScheduler.maybeHandleTaskFailure(DefaultScheduler.java:267)|D",
        "at org.apache.flink.runtime.scheduler.DefaultScheduler.updateTaskExecutionStateInternal(DefaultScheduler.java:258)|D",
        "at org.apache.flink.runtime.scheduler.SchedulerBase.updateTaskExecutionState(SchedulerBase.java:779)|D",
        "at org.apache.flink.runtime.scheduler.UpdateSchedulerNgOnInternalFailuresListener.notifyTaskFailure(UpdateSchedulerNgOnInternalFailuresListener.java:51)|D",
        "at org.apache.flink.runtime.executiongraph.DefaultExecutionGraph.notifySchedulerNgAboutInternalTaskFailure(DefaultExecutionGraph.java:1631)|D",
        "at org.apache.flink.runtime.executiongraph.Execution.processFail(Execution.java:1139)|D",
        "at org.apache.flink.runtime.executiongraph.Execution.processFail(Execution.java:1079)|D",
        "at org.apache.flink.runtime.executiongraph.Execution.fail(Execution.java:783)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.SingleLogicalSlot.signalPayloadRelease(SingleLogicalSlot.java:195)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.SingleLogicalSlot.release(SingleLogicalSlot.java:182)|D",
        "at org.apache.flink.runtime.scheduler.SharedSlot.lambda$release$4(SharedSlot.java:271)|D",
        "at java.util.concurrent.CompletableFuture.uniAcceptNow(CompletableFuture.java:753)|J",
        "at java.util.concurrent.CompletableFuture.uniAcceptStage(CompletableFuture.java:731)|J",
        "at java.util.concurrent.CompletableFuture.thenAccept(CompletableFuture.java:2108)|J",
        "at org.apache.flink.runtime.scheduler.SharedSlot.release(SharedSlot.java:271)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.AllocatedSlot.releasePayload(AllocatedSlot.java:152)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.DefaultDeclarativeSlotPool.releasePayload(DefaultDeclarativeSlotPool.java:482)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.DefaultDeclarativeSlotPool.freeAndReleaseSlots(DefaultDeclarativeSlotPool.java:474)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.DefaultDeclarativeSlotPool.releaseSlots(DefaultDeclarativeSlotPool.java:445)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.DeclarativeSlotPoolService.internalReleaseTaskManager(DeclarativeSlotPoolService.java:275)|D",
        "at org.apache.flink.runtime.jobmaster.slotpool.DeclarativeSlotPoolService.releaseTaskManager(DeclarativeSlotPoolService.java:231)|D",
        "at org.apache.flink.runtime.jobmaster.JobMaster.disconnectTaskManager(JobMaster.java:513)|D",
        "at org.apache.flink.runtime.jobmaster.JobMaster.handleTaskManagerConnectionLoss(JobMaster.java:1391)|D",
        "at org.apache.flink.runtime.jobmaster.JobMaster.access$2700(JobMaster.java:143)|D",
        "at org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout(JobMaster.java:1371)|D",
        "at org.apache.flink.runtime.heartbeat.HeartbeatMonitorImpl.run(HeartbeatMonitorImpl.java:155)|D",
        "at java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:515)|J",
        "at java.util.concurrent.FutureTask.run(FutureTask.java:264)|J",
    ] + rpc_actor_frames(v)
    jm.warn(
        t + ms(5),
        CFM,
        f"Failed to trigger or complete checkpoint {pend} for job {job}. (0 consecutive failed attempts so far)",
        tr.render(susp),
    )
    others17 = [e for e in execs0 if e.tm is t17 and e is not first]
    on18 = [e for e in execs0 if e.tm is t18]
    tt = t + ms(7)
    for e in execs0[1:]:
        tt += ms(rng.uniform(0.3, 1.5))
        jm_switch(jm, tt, e, "RUNNING", "CANCELING")
    tt += ms(1)
    for e in others17:
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "CANCELING", "CANCELED")
        if e.vertex is src:
            jm.info(
                tt + ms(0.5),
                "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                f"Removing registered reader after failure for subtask {e.st} (#0) of source Source: orders-kafka.",
            )
    # TaskManager 10.0.3.18 cancels its tasks
    c18 = hb_jm + ms(rng.uniform(20, 40))
    last_c = c18
    for e in on18:

        def extra(x, e=e):
            if e.vertex is src:
                kafka_consumer_close(l18, x + ms(rng.uniform(5, 15)), f"{group}-{e.st}")

        done = tm_cancel(l18, c18 + ms(rng.uniform(0, 8)), e, rng, dur=rng.uniform(30, 90), extra=extra)
        jm_switch(jm, done + ms(rng.uniform(2, 6)), e, "CANCELING", "CANCELED")
        if e.vertex is src:
            jm.info(
                done + ms(7),
                "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                f"Removing registered reader after failure for subtask {e.st} (#0) of source Source: orders-kafka.",
            )
        last_c = max(last_c, done)
    # ResourceManager side
    jm.info(hb_rm, SRM, f"The heartbeat of TaskManager with id {t17.rid} timed out.")
    jm.info(
        hb_rm + ms(1),
        SRM,
        f"Closing TaskExecutor connection {t17.rid} because: The heartbeat of TaskManager with id {t17.rid} timed out.",
    )
    # restart after the fixed delay, state restored from the last completed checkpoint
    rs = last_c + sec(10) + ms(rng.uniform(2, 8))
    job_switch(jm, rs, jname, job, "RESTARTING", "RUNNING")
    ck_t, ck_ts = completed[last_ok]
    jm.info(
        rs + ms(3),
        CC,
        f"Restoring job {job} from Checkpoint {last_ok} @ {ck_ts} for {job} located at {ckdir}/{job}/chk-{last_ok}.",
    )
    jm.info(rs + ms(4), CC, "No master state to restore")
    enumerator_start(rs + ms(5), True)
    execs1 = make_execs(1)
    tt = rs + ms(420)
    for e in execs1:
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "CREATED", "SCHEDULED")

    # ------------------------------------------------------------------ the stalled TaskManager wakes up
    w = wake + ms(rng.uniform(30, 80))
    l17.info(w, TE, f"The heartbeat of JobManager with id {jm_rid} timed out.")
    l17.info(w + ms(1), TE, f"Close JobManager connection for job {job}.")
    disc = [
        f"org.apache.flink.util.FlinkException: Disconnect from JobManager responsible for {job}.",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor.disconnectJobManagerConnection(TaskExecutor.java:1683)",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor.disconnectAndTryReconnectToJobManager(TaskExecutor.java:1238)",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor.access$3300(TaskExecutor.java:182)",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor$JobManagerHeartbeatListener.lambda$handleJobManagerConnectionLoss$0(TaskExecutor.java:2433)",
        "at java.base/java.util.Optional.ifPresent(Optional.java:183)",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor$JobManagerHeartbeatListener.handleJobManagerConnectionLoss(TaskExecutor.java:2431)",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor$JobManagerHeartbeatListener.notifyHeartbeatTimeout(TaskExecutor.java:2414)",
        "at org.apache.flink.runtime.heartbeat.HeartbeatMonitorImpl.run(HeartbeatMonitorImpl.java:155)",
        "at java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:515)",
        "at java.base/java.util.concurrent.FutureTask.run(FutureTask.java:264)",
        "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.lambda$handleRunAsync$4(AkkaRpcActor.java:453)",
        "at org.apache.flink.runtime.concurrent.akka.ClassLoadingUtils.runWithContextClassLoader(ClassLoadingUtils.java:68)",
        "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleRunAsync(AkkaRpcActor.java:453)",
        "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleRpcMessage(AkkaRpcActor.java:218)",
        "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleMessage(AkkaRpcActor.java:168)",
        "at akka.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:24)",
        "at akka.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:20)",
        "at scala.PartialFunction.applyOrElse(PartialFunction.scala:123)",
        "at scala.PartialFunction.applyOrElse$(PartialFunction.scala:122)",
        "at akka.japi.pf.UnitCaseStatement.applyOrElse(CaseStatements.scala:20)",
        "at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:171)",
        "at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:172)",
        "at akka.actor.Actor.aroundReceive(Actor.scala:537)",
        "at akka.actor.Actor.aroundReceive$(Actor.scala:535)",
        "at akka.actor.AbstractActor.aroundReceive(AbstractActor.scala:220)",
        "at akka.actor.ActorCell.receiveMessage(ActorCell.scala:580)",
        "at akka.actor.ActorCell.invoke(ActorCell.scala:548)",
        "at akka.dispatch.Mailbox.processMailbox(Mailbox.scala:270)",
        "at akka.dispatch.Mailbox.run(Mailbox.scala:231)",
        "at akka.dispatch.Mailbox.exec(Mailbox.scala:243)",
        "at java.base/java.util.concurrent.ForkJoinTask.doExec(ForkJoinTask.java:290)",
        "at java.base/java.util.concurrent.ForkJoinPool$WorkQueue.topLevelExec(ForkJoinPool.java:1020)",
        "at java.base/java.util.concurrent.ForkJoinPool.scan(ForkJoinPool.java:1656)",
        "at java.base/java.util.concurrent.ForkJoinPool.runWorker(ForkJoinPool.java:1594)",
        "at java.base/java.util.concurrent.ForkJoinWorkerThread.run(ForkJoinWorkerThread.java:183)",
        f"Caused by: java.util.concurrent.TimeoutException: The heartbeat of JobManager with id {jm_rid} timed out.",
        "at org.apache.flink.runtime.taskexecutor.TaskExecutor$JobManagerHeartbeatListener.notifyHeartbeatTimeout(TaskExecutor.java:2415)",
        "... 30 more",
    ]
    tw = w + ms(3)
    for e in [x for x in execs0 if x.tm is t17]:
        tw += ms(rng.uniform(1, 4))
        end = tm_fail(l17, tw, e, tr, disc, rng, external=True)
        if e.vertex is src:
            kafka_consumer_close(l17, end + ms(rng.uniform(8, 25)), f"{group}-{e.st}")
        tw = end
    l17.info(tw + ms(4), TE, f"The heartbeat of ResourceManager with id {rm_rid} timed out.")
    l17.info(tw + ms(5), TE, f"Close ResourceManager connection {rm_rid}.")
    c = Clock(rng, tw + ms(6))
    l17.info(c.step(0, 2), TE, f"Connecting to ResourceManager {rm_addr}(00000000000000000000000000000000).")
    jls = "org.apache.flink.runtime.taskexecutor.DefaultJobLeaderService"
    l17.info(
        c.step(2, 6),
        jls,
        f"Try to register at job manager {jm_addr} with leader id 00000000-0000-0000-0000-000000000000.",
    )
    l17.info(c.step(20, 60), TE, "Resolved ResourceManager address, beginning registration")
    l17.info(c.step(1, 10), jls, "Resolved JobManager address, beginning registration")
    l17.info(c.step(20, 50), jls, f"Successful registration at job manager {jm_addr} for job {job}.")
    l17.info(c.step(0, 2), TE, f"Establish JobManager connection for job {job}.")
    l17.info(c.step(1, 4), TE, f"Offer reserved slots to the leader of job {job}.")
    l17.info(
        c.step(10, 40), TE, f"Successful registration at resource manager {rm_addr} under registration id {hexid(rng)}."
    )
    jm_register_tm(jm, c.t - ms(rng.uniform(5, 15)), SRM, t17)
    for a in allocs[:2]:
        l17.info(c.step(5, 30), SLOTTABLE, f"Activate slot {a}.")
    dep2 = c.t + ms(rng.uniform(20, 60))
    jm.info(
        dep2 - ms(8),
        slot_manager_logger(v),
        f"Received resource requirements from job {job}: "
        "[ResourceRequirement{resourceProfile=ResourceProfile{UNKNOWN}, numberOfRequiredSlots=4}]",
    )
    run2 = run_deploy(
        jm,
        tmlogs,
        execs1,
        dep2,
        rng,
        init_cb,
        init_ms=lambda e: (
            (rng.uniform(11000, 16000) if e.tm is t17 else rng.uniform(4000, 6500))
            if e.vertex is win
            else rng.uniform(200, 600)
        ),
    )
    for e in execs1[:4]:
        ta = e.t_running + ms(rng.uniform(20, 200))
        assign_splits(ta, e, True)
        reader_done[e.st] = source_readers(tmlogs[e.tm.key], ta + ms(rng.uniform(3, 10)), e, True)

    # ------------------------------------------------------------------ after recovery: checkpoints complete again
    t = run2 + sec(rng.uniform(100, 130))
    ckpt = pend + 1
    while t < end_time - sec(30):
        dur = int(rng.uniform(17000, 26000))
        size = int(sizes[last_ok] * rng.uniform(1.0, 1.06))
        ts = ckpt_trigger(jm, t, ckpt, job, TZ, rng)
        for st in range(4):
            tmlogs[tms[st].key].info(
                t + ms(rng.uniform(300, 900) + dur * 0.35),
                "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
                f"Subtask {st} checkpointing for checkpoint with id={ckpt} (max part counter={ckpt + 44 + st * 3}).",
            )
        tc = ckpt_complete(jm, t, ckpt, job, size, dur, rng.randint(20, 70))
        jm.info(
            tc + ms(rng.uniform(0, 3)),
            "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
            f"Marking checkpoint {ckpt} as completed for source Source: orders-kafka.",
        )
        for st in range(4):
            tmlogs[tms[st].key].info(
                tc + ms(rng.uniform(4, 30)),
                "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets",
                f"Subtask {st} received completion notification for checkpoint with id={ckpt}.",
            )
        ckpt += 1
        t += sec(120)

    # ------------------------------------------------------------------ write
    d = os.path.join(root, "gc-heartbeat-timeout-1.15")
    write(d, "jobmanager.log", jm.render())
    write(os.path.join(d, "tm-10.0.3.17"), "taskmanager.log", l17.render())
    write(os.path.join(d, "tm-10.0.3.17"), "taskmanager.gc.log", gc.text())
    write(os.path.join(d, "tm-10.0.3.18"), "taskmanager.log", l18.render())
    write(
        d,
        "README.md",
        "# gc-heartbeat-timeout-1.15\n\n"
        "Flink 1.15.4 standalone session cluster (JDK 11, HashMap state backend, JVM time zone +01:00). The TaskManager "
        "`10.0.3.17:35211-8c1f0e` runs out of heap (skewed session-window state) and stalls in back-to-back G1 Full GCs "
        "for ~74 s; the JobMaster declares it dead (heartbeat timeout), the job fails over, the TaskManager wakes up, "
        "re-registers and the job recovers from checkpoint.\n\n"
        "G1 first reports `To-space exhausted` (no free region left to copy live objects into), so the most specific cause is the evacuation failure; it supersedes the generic long-GC-pause rule (`gc_pause_heartbeat_timeout`), which the report shows beneath it.\n\n"
        "Expected root cause: `gc_to_space_exhausted`\n",
    )
    return {
        "job": job,
        "tm17": t17.rid,
        "tm18": t18.rid,
        "jm_rid": jm_rid,
        "rm_rid": rm_rid,
        "storm": storm,
        "wake": wake,
        "hb": hb_jm,
    }


def write(d: str, name: str, text: str) -> None:
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# =====================================================================================================================
# Incident 2: YARN kills a TaskManager container for exceeding its physical memory (Flink 1.12.2, RocksDB)
# =====================================================================================================================

YARN_RM = "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager"
YARN_DRV = "org.apache.flink.yarn.YarnResourceManagerDriver"


def incident_yarn_pmem(root: str) -> dict:
    rng = random.Random(20220415)
    v = Ver("1.12.2", "2.11", "4dedee0", "2021-02-26T17:49:39+01:00", "flink-dist_2.11-1.12.2.jar", "akka", "8", rng)
    tr = Trace(v, user_jar="orders-dedup-1.8.2.jar", kafka_jar="kafka-clients-2.4.1.jar")
    app = "application_1650000000000_0042"

    def cid(n: int) -> str:
        return f"container_e12_1650000000000_0042_01_{n:06d}"

    day = dt.datetime(2022, 4, 15)
    JM_HOST = "worker-02.example.com"
    jm = Log(v)
    job = hexid(rng)
    jname = "orders-dedup"
    ckdir = "hdfs://nameservice1/flink/checkpoints"
    group = "orders-dedup"
    bootstrap = "kafka-01.example.com:9092, kafka-02.example.com:9092, kafka-03.example.com:9092"
    logdir = f"/hadoop/yarn/log/{app}"
    localdir = f"/hadoop/yarn/local/usercache/flink/appcache/{app}"
    mem = TmMemory(4096, slots=2, cpu=2.0)
    rm_rid = hexid(rng)

    def mk_tm(n: int, host: str, ip: str, rpc: int, data: int, mport: int) -> TmInfo:
        c = cid(n)
        return TmInfo(rid=f"{c}({host}:45454)", loc_id=c, host=host, ip=ip, rpc_port=rpc, metrics_port=mport,
                      data_port=data, slots=2, mem=mem, tmp=localdir, disk_total=1787, disk_usable=1203,
                      rpc_host=host, container=c, short=host.split(".")[0])

    t2 = mk_tm(2, "worker-07.example.com", "10.20.30.47", 38211, 41355, 35187)
    t3 = mk_tm(3, "worker-03.example.com", "10.20.30.43", 41089, 43927, 39011)
    t4 = mk_tm(4, "worker-11.example.com", "10.20.30.51", 36415, 39841, 42763)
    l2 = Log(v)
    tmlogs = {t2.key: l2}
    out2: list[tuple[dt.datetime, str]] = []

    conf = [("taskmanager.memory.process.size", "4096m"), ("jobmanager.memory.process.size", "1600m"),
            ("taskmanager.numberOfTaskSlots", "2"), ("parallelism.default", "4"),
            ("jobmanager.execution.failover-strategy", "region"), ("state.backend", "rocksdb"),
            ("state.backend.incremental", "true"), ("state.checkpoints.dir", ckdir),
            ("state.savepoints.dir", "hdfs://nameservice1/flink/savepoints"),
            ("execution.checkpointing.interval", "60s"), ("execution.checkpointing.min-pause", "10s"),
            ("env.java.opts.taskmanager", "-XX:+UseG1GC"), ("high-availability.cluster-id", app),
            ("jobmanager.rpc.address", "localhost"), ("jobmanager.rpc.port", "6123"),
            ("classloader.resolve-order", "parent-first"), ("internal.cluster.execution-mode", "NORMAL"),
            ("$internal.deployment.config-dir", "/opt/flink-1.12.2/conf"),
            ("$internal.yarn.log-config-file", "/opt/flink-1.12.2/conf/log4j.properties"),
            ("execution.target", "yarn-per-job"), ("yarn.application.name", jname)]

    # ------------------------------------------------------------------ JobManager (YARN application master)
    jclk = Clock(rng, day.replace(hour=9, minute=58, second=21, microsecond=307000))
    am = cid(1)
    jproc = Proc(runner="org.apache.flink.yarn.entrypoint.YarnJobClusterEntrypoint", component="YarnJobClusterEntrypoint",
                 hadoop_user="flink", jvm="OpenJDK 64-Bit Server VM - Oracle Corporation - 1.8/25.322-b06",
                 heap_mib=981, java_home="/usr/lib/jvm/java-1.8.0-openjdk-1.8.0.322.b06-1.el7_9.x86_64/jre",
                 hadoop_version="3.1.1",
                 jvm_opts=["-Xmx1073741824", "-Xms1073741824", "-XX:MaxMetaspaceSize=268435456",
                           f"-Dlog.file={logdir}/{am}/jobmanager.log", "-Dlog4j.configuration=file:log4j.properties",
                           "-Dlog4j.configurationFile=file:log4j.properties"],
                 args=["-D", "jobmanager.memory.off-heap.size=134217728b", "-D",
                       "jobmanager.memory.jvm-overhead.min=201326592b", "-D", "jobmanager.memory.jvm-metaspace.size=268435456b",
                       "-D", "jobmanager.memory.heap.size=1073741824b", "-D", "jobmanager.memory.jvm-overhead.max=201326592b"],
                 classpath=":orders-dedup-1.8.2.jar:lib/flink-csv-1.12.2.jar:lib/flink-json-1.12.2.jar:"
                           "lib/flink-shaded-zookeeper-3.4.14.jar:lib/flink-table-blink_2.11-1.12.2.jar:"
                           "lib/flink-table_2.11-1.12.2.jar:lib/log4j-1.2-api-2.12.1.jar:lib/log4j-api-2.12.1.jar:"
                           "lib/log4j-core-2.12.1.jar:lib/log4j-slf4j-impl-2.12.1.jar:flink-dist_2.11-1.12.2.jar:"
                           "job.graph:flink-conf.yaml::/etc/hadoop/conf:/usr/hdp/3.1.4.0-315/hadoop/lib/*:"
                           "/usr/hdp/3.1.4.0-315/hadoop/.//*:/usr/hdp/3.1.4.0-315/hadoop-hdfs/./:"
                           "/usr/hdp/3.1.4.0-315/hadoop-hdfs/lib/*:/usr/hdp/3.1.4.0-315/hadoop-hdfs/.//*:"
                           "/usr/hdp/3.1.4.0-315/hadoop-yarn/lib/*:/usr/hdp/3.1.4.0-315/hadoop-yarn/.//*")
    R = jproc.runner
    banner(jm, jclk, jproc)
    jm.info(jclk.step(1, 3), R, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    jm.info(jclk.step(2, 8), R, "YARN daemon is running as: flink Yarn client user obtainer: flink")
    load_config(jm, jclk, conf)
    jm.warn(jclk.step(5, 20), "org.apache.flink.configuration.Configuration",
            "Config uses deprecated configuration key 'web.port' instead of proper key 'rest.bind-port'")
    names = jm_boot(jm, jclk, rng, entry=R, host=JM_HOST, rpc_port=39125, rest_host=JM_HOST, rest_port=41653,
                    log_dir=f"{logdir}/{am}/jobmanager", workdir=None,
                    rest_logger="org.apache.flink.runtime.jobmaster.MiniDispatcherRestEndpoint",
                    dispatcher_cls="org.apache.flink.runtime.dispatcher.MiniDispatcher",
                    rm_cls="org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager",
                    rm_logger=YARN_RM, flavour="yarn", blob_dir=f"{localdir}/blobStore-{uuid4(rng)}",
                    leader_process="JobDispatcherLeaderProcess", rm_first=True, blob_port=40711)
    jm.info(jclk.step(20, 60), "org.apache.hadoop.yarn.client.RMProxy",
            "Connecting to ResourceManager at rm-01.example.com/10.20.30.10:8030")
    jm.info(jclk.step(40, 90), YARN_DRV, "Recovered 0 containers from previous attempts ([]).")
    jm.info(jclk.step(1, 3), YARN_RM, "Recovered 0 workers from previous attempt.")
    jm.info(jclk.step(5, 20), "org.apache.hadoop.conf.Configuration", "resource-types.xml not found")
    jm.info(jclk.step(0, 2), "org.apache.hadoop.yarn.util.resource.ResourceUtils", "Unable to find 'resource-types.xml'.")
    jm.info(jclk.step(5, 20), "org.apache.flink.runtime.externalresource.ExternalResourceUtils", "Enabled external resources: []")
    jm.info(jclk.step(2, 8), "org.apache.hadoop.yarn.client.api.async.impl.NMClientAsyncImpl", "Upper bound of the thread pool size is 500")
    jm.info(jclk.step(2, 8), slot_manager_logger(v), "Starting the slot manager.")

    # ------------------------------------------------------------------ job
    src = Vertex("Source: orders-raw -> Map", hexid(rng), 4)
    ded = Vertex("dedup -> Sink: orders-clean", hexid(rng), 4)
    tms = [t2, t2, t3, t3]
    allocs = [hexid(rng) for _ in range(4)]

    def make_execs(attempt: int, tmlist) -> list[Exec]:
        return [Exec(v, rng, vx, st, attempt, tmlist[st], allocs_for[st]) for vx in (src, ded) for st in range(4)]

    allocs_for = allocs
    execs0 = make_execs(0, tms)
    backend = [(JMASTER, "Using application-defined state backend: RocksDBStateBackend{checkpointStreamBackend=File State "
                         f"Backend (checkpoints: '{ckdir}', savepoints: 'hdfs://nameservice1/flink/savepoints', "
                         "asynchronous: TRUE, fileStateThreshold: 20480), localRocksDbDirectories=null, "
                         "enableIncrementalCheckpointing=TRUE, numberOfTransferThreads=1, writeBatchSize=2097152}"),
               (JMASTER, "Configuring application-defined state backend with job/cluster config")]
    jclk.step(200, 400)
    jm_addr = jm_job_start(jm, jclk, rng, names=names, dispatcher="org.apache.flink.runtime.dispatcher.MiniDispatcher",
                           rm_logger=YARN_RM, job=job, jname=jname,
                           restart="FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2147483647, backoffTimeMS=1000)",
                           egid="", backend_lines=backend, execs=execs0, n_slots=4, submitted=False)
    # containers
    spec_w = mem.worker_spec(False)
    spec_p = mem.process_spec(False)
    for i in (1, 2):
        jm.info(jclk.step(3, 10), YARN_RM, f"Requesting new worker with resource spec {spec_w}, current pending count: {i}.")
        jm.info(jclk.step(5, 20), YARN_DRV, f"Requesting new TaskExecutor container with resource {spec_p}, priority 1.")
    jclk.step(2800, 3600)
    jm.info(jclk.step(0), YARN_DRV, "Received 2 containers.")
    jm.info(jclk.step(1, 3), YARN_DRV, "Received 2 containers with priority 1, 2 pending container requests.")
    for tm in (t2, t3):
        jm.info(jclk.step(1, 4), YARN_DRV, "Removing container request Capability[<memory:4096, vCores:2>]Priority[1].")
    for tm in (t2, t3):
        jm.info(jclk.step(1, 4), YARN_DRV, f"TaskExecutor {tm.rid} will be started on {tm.host} with {spec_p}.")
    jm.info(jclk.step(1, 3), YARN_DRV, "Accepted 2 requested containers, returned 0 excess containers, 0 pending container "
                                       "requests of resource <memory:4096, vCores:2>.")
    for tm in (t2, t3):
        jm.info(jclk.step(10, 30), YARN_DRV, "Creating container launch context for TaskManagers")
        jm.info(jclk.step(1, 4), YARN_DRV, "Starting TaskManagers")
        jm.info(jclk.step(5, 25), YARN_RM, f"Requested worker {tm.rid} with resource spec {spec_w}.")
        jm.info(jclk.step(1, 5), "org.apache.hadoop.yarn.client.api.async.impl.NMClientAsyncImpl",
                f"Processing Event EventType: START_CONTAINER for Container {tm.container}")
    cont_t = jclk.t

    # ------------------------------------------------------------------ TaskManager process start (YARN)
    def tm_argv(tm: TmInfo) -> list[str]:
        out = []
        for k, val in mem.dynamic():
            out += ["-D", f"{k}={val}"]
        out += ["--configDir", ".", f"-Djobmanager.rpc.address={JM_HOST}",
                "-Djobmanager.memory.jvm-overhead.min=201326592b", f"-Dtaskmanager.resource-id={tm.container}",
                "-Dweb.port=0", "-Djobmanager.memory.off-heap.size=134217728b",
                f"-Dweb.tmpdir=/tmp/flink-web-{uuid4(rng)}", f"-Dinternal.taskmanager.resource-id.metadata={tm.host}:45454",
                "-Djobmanager.rpc.port=39125", f"-Drest.address={JM_HOST}",
                "-Djobmanager.memory.jvm-metaspace.size=268435456b", "-Djobmanager.memory.heap.size=1073741824b",
                "-Djobmanager.memory.jvm-overhead.max=201326592b"]
        return out

    def java_cmd(tm: TmInfo) -> str:
        return ("/usr/lib/jvm/java-1.8.0-openjdk-1.8.0.322.b06-1.el7_9.x86_64/jre/bin/java " + " ".join(mem.jvm_params())
                + f" -XX:+UseG1GC -Dlog.file={logdir}/{tm.container}/taskmanager.log -Dlog4j.configuration=file:./log4j.properties"
                " -Dlog4j.configurationFile=file:./log4j.properties org.apache.flink.yarn.YarnTaskExecutorRunner "
                + " ".join(f"-D {k}={val}" for k, val in mem.dynamic())
                + f" --configDir . -Djobmanager.rpc.address='{JM_HOST}' -Dtaskmanager.resource-id='{tm.container}'"
                f" -Dinternal.taskmanager.resource-id.metadata='{tm.host}:45454' -Djobmanager.rpc.port='39125'")

    def boot_yarn_tm(tml: Log, tm: TmInfo, start: dt.datetime) -> dt.datetime:
        clk = Clock(rng, start)
        RR = "org.apache.flink.yarn.YarnTaskExecutorRunner"
        p = Proc(runner=RR, component="YARN TaskExecutor runner", hadoop_user="flink", jvm=jproc.jvm,
                 heap_mib=mem.heap >> 20, java_home=jproc.java_home, hadoop_version="3.1.1",
                 jvm_opts=mem.jvm_params() + ["-XX:+UseG1GC", f"-Dlog.file={logdir}/{tm.container}/taskmanager.log",
                                              "-Dlog4j.configuration=file:./log4j.properties",
                                              "-Dlog4j.configurationFile=file:./log4j.properties"],
                 args=tm_argv(tm), classpath=jproc.classpath)
        tml.info(clk.step(0), RR, DASHES)
        tml.info(clk.step(3, 8), RR, f" Starting YARN TaskExecutor runner ({v.banner_version()})")
        tml.info(clk.step(0, 2), RR, " OS current user: flink")
        tml.warn(clk.step(120, 180), "org.apache.hadoop.util.NativeCodeLoader",
                 "Unable to load native-hadoop library for your platform... using builtin-java classes where applicable")
        p2 = p
        # the rest of the banner (the two first lines are already written)
        tml.info(clk.step(20, 40), RR, " Current Hadoop/Kerberos user: flink")
        tml.info(clk.step(0, 1), RR, f" JVM: {p2.jvm}")
        tml.info(clk.step(0, 1), RR, f" Maximum heap size: {p2.heap_mib} MiBytes")
        tml.info(clk.step(0, 1), RR, f" JAVA_HOME: {p2.java_home}")
        tml.info(clk.step(1, 3), RR, " Hadoop version: 3.1.1")
        tml.info(clk.step(0, 1), RR, " JVM Options:")
        for o in p2.jvm_opts:
            tml.info(clk.step(0, 0.4), RR, "    " + o)
        tml.info(clk.step(0, 1), RR, " Program Arguments:")
        for a in p2.args:
            tml.info(clk.step(0, 0.3), RR, "    " + a)
        tml.info(clk.step(0, 2), RR, " Classpath: " + p2.classpath)
        tml.info(clk.step(0, 2), RR, DASHES)
        tml.info(clk.step(1, 3), RR, "Registered UNIX signal handlers for [TERM, HUP, INT]")
        tml.info(clk.step(1, 4), RR, f"Current working Directory: {localdir}/{tm.container}")
        load_config(tml, clk, conf)
        tml.info(clk.step(0, 2), RR, f"Current working/local Directory: {localdir}")
        tml.info(clk.step(5, 15), "org.apache.flink.runtime.clusterframework.BootstrapTools",
                 f"Setting directories for temporary files to: {localdir}")
        tml.info(clk.step(0, 1), RR, "TM: local keytab path obtained null")
        tml.info(clk.step(0, 1), RR, "TM: keytab principal obtained null")
        tml.info(clk.step(8, 20), RR, "YARN daemon is running as: flink Yarn client user obtainer: flink")
        tml.info(clk.step(40, 90), "org.apache.flink.runtime.security.modules.HadoopModule", "Hadoop user set to flink (auth:SIMPLE)")
        tml.info(clk.step(10, 20), "org.apache.flink.runtime.security.modules.JaasModule",
                 f"Jaas file will be created as {localdir}/jaas-{rng.randint(10 ** 18, 10 ** 19 - 1)}.conf.")
        tml.warn(clk.step(250, 400), "org.apache.flink.configuration.Configuration",
                 "Config uses deprecated configuration key 'web.port' instead of proper key 'rest.port'")
        tml.info(clk.step(1, 4), TMR, f"Using configured hostname/address for TaskManager: {tm.host}.")
        tm_services(tml, clk, tm, rng, yarn_local=localdir)
        clk.step(2, 10)
        tm_register_rm(tml, clk, tm, rng, names["rm_addr"], hexid(rng))
        return clk.t

    tm2_start = cont_t + sec(rng.uniform(2.1, 2.6))
    reg2 = boot_yarn_tm(l2, t2, tm2_start)
    reg3 = tm2_start + sec(rng.uniform(0.3, 0.9)) + (reg2 - tm2_start)
    for i, (tm, rt) in enumerate(((t2, reg2), (t3, reg3))):
        jm_register_tm(jm, rt - ms(rng.uniform(15, 40)), YARN_RM, tm, active=True, spec=spec_w, pending=1 - i)
    # pending count after registering: first 1 then 0 (fix the text of the first registration)
    dep_t = max(reg2, reg3) + ms(rng.uniform(40, 90))
    c = Clock(rng, reg2 + ms(rng.uniform(15, 30)))
    tm_slot_offer(l2, c, t2, job, allocs[:2], jm_addr, True)
    rocks_loaded = set()

    def init_cb(tml: Log, t: dt.datetime, e: Exec, phase: str) -> None:
        RB = "org.apache.flink.contrib.streaming.state.RocksDBStateBackend"
        if phase == "deploy":
            tml.info(t, "org.apache.flink.streaming.runtime.tasks.StreamTask",
                     "Using application-defined state backend: RocksDBStateBackend{checkpointStreamBackend=File State "
                     f"Backend (checkpoints: '{ckdir}', savepoints: 'hdfs://nameservice1/flink/savepoints', asynchronous: "
                     "TRUE, fileStateThreshold: 20480), localRocksDbDirectories=null, enableIncrementalCheckpointing=TRUE, "
                     "numberOfTransferThreads=1, writeBatchSize=2097152}")
            tml.info(t + ms(1), "org.apache.flink.streaming.runtime.tasks.StreamTask",
                     "Configuring application-defined state backend with job/cluster config")
            tml.info(t + ms(2), RB, "Using predefined options: DEFAULT.")
            tml.info(t + ms(2), RB, "Using default options factory: DefaultConfigurableOptionsFactory{configuredOptions={}}.")
            return
        if e.vertex is ded:
            if e.tm.key not in rocks_loaded:
                rocks_loaded.add(e.tm.key)
                tml.info(t, RB, f"Attempting to load RocksDB native library and store it under '{localdir}'")
                tml.info(t + ms(rng.uniform(180, 320)), RB, "Successfully loaded RocksDB native library")
            t2_ = t + ms(rng.uniform(330, 420))
            tml.info(t2_, "org.apache.flink.contrib.streaming.state.RocksDBOperationUtils",
                     "Getting managed memory shared cache for RocksDB.")
            tml.info(t2_ + ms(1), "org.apache.flink.contrib.streaming.state.RocksDBOperationUtils",
                     f"Obtained shared RocksDB cache of size {mem.managed // 2} bytes")
            tml.info(t2_ + ms(rng.uniform(40, 90)), "org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackendBuilder",
                     f"Finished building RocksDB keyed state-backend at {localdir}/flink-io-{uuid4(rng)}/job_{job}_op_"
                     f"KeyedProcessOperator_{ded.jvid}__{e.st + 1}_4__uuid_{uuid4(rng)}.")
        else:
            tml.info(t, "org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumerBase",
                     f"Consumer subtask {e.st} has no restore state.")

    run_t = run_deploy(jm, tmlogs, execs0, dep_t, rng, init_cb, init_ms=lambda e: rng.uniform(400, 900))
    parts = {i: [f"orders-raw-{p}" for p in range(8) if p % 4 == i] for i in range(4)}
    cluster_id = "qK3FGRiQS1ecrb2Q3C0Vbg"
    for e in execs0:
        if e.tm is not t2:
            continue
        t = e.t_running + ms(rng.uniform(10, 40))
        if e.vertex is src:
            cid_ = f"consumer-{group}-{e.st + 1}"
            l2.info(t, "org.apache.kafka.clients.consumer.ConsumerConfig", "ConsumerConfig values: \n" + kafka_block(
                KAFKA_CONSUMER_CONFIG, reset="latest", bootstrap=bootstrap, client_id=cid_, group=group) + "\n")
            t += ms(rng.uniform(30, 70))
            l2.info(t, "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 2.4.1")
            l2.info(t, "org.apache.kafka.common.utils.AppInfoParser", "Kafka commitId: c57222ae8cd7866b")
            l2.info(t, "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(t)}")
            t += ms(rng.uniform(150, 400))
            kp = ", ".join(f"KafkaTopicPartition{{topic='orders-raw', partition={p.rsplit('-', 1)[1]}}}" for p in parts[e.st])
            l2.info(t, "org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumerBase",
                    f"Consumer subtask {e.st} will start reading the following {len(parts[e.st])} partitions from the "
                    f"committed group offsets in Kafka: [{kp}]")
            t += ms(rng.uniform(20, 60))
            l2.info(t, "org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumerBase",
                    f"Consumer subtask {e.st} creating fetcher with offsets {{{', '.join(k + '=-915623761773' for k in kp.split(', '))}}}.")
            t += ms(rng.uniform(30, 90))
            l2.info(t, "org.apache.kafka.clients.consumer.KafkaConsumer",
                    f"[Consumer clientId={cid_}, groupId={group}] Subscribed to partition(s): " + ", ".join(parts[e.st]))
            t += ms(rng.uniform(100, 300))
            l2.info(t, "org.apache.kafka.clients.Metadata", f"[Consumer clientId={cid_}, groupId={group}] Cluster ID: {cluster_id}")
            t += ms(rng.uniform(20, 90))
            l2.info(t, "org.apache.kafka.clients.consumer.internals.AbstractCoordinator",
                    f"[Consumer clientId={cid_}, groupId={group}] Discovered group coordinator kafka-02.example.com:9092 "
                    "(id: 2147483645 rack: null)")
        else:
            pid = f"producer-{e.st + 1}"
            l2.info(t, "org.apache.kafka.clients.producer.ProducerConfig", "ProducerConfig values: \n" + kafka_block(
                KAFKA_PRODUCER_CONFIG, acks="1", bootstrap=bootstrap, client_id=pid, txn_timeout="3600000",
                txn_id="null") + "\n")
            t += ms(rng.uniform(10, 30))
            l2.warn(t, "org.apache.kafka.clients.producer.ProducerConfig",
                    "The configuration 'key.deserializer' was supplied but isn't a known config.")
            l2.warn(t, "org.apache.kafka.clients.producer.ProducerConfig",
                    "The configuration 'value.deserializer' was supplied but isn't a known config.")
            l2.info(t + ms(1), "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 2.4.1")
            l2.info(t + ms(1), "org.apache.kafka.common.utils.AppInfoParser", "Kafka commitId: c57222ae8cd7866b")
            l2.info(t + ms(1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(t)}")
            l2.info(t + ms(3), "org.apache.flink.streaming.connectors.kafka.FlinkKafkaProducer",
                    f"Starting FlinkKafkaInternalProducer ({e.st + 1}/4) to produce into default topic orders-clean")
            l2.info(t + ms(rng.uniform(120, 300)), "org.apache.kafka.clients.Metadata",
                    f"[Producer clientId={pid}] Cluster ID: {cluster_id}")
            out2.append((t + ms(rng.uniform(300, 900)), f"[dedup-{e.st + 1}] {(t).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z "
                                                          "started, ttl=7d, key=[orderId, lineNo], backend=rocksdb"))

    # ------------------------------------------------------------------ steady state: checkpoints, producer commits
    kill = day.replace(hour=10, minute=37, second=12, microsecond=341000)
    t = run_t + sec(rng.uniform(58, 62))
    ckpt = 1
    completed = {}
    prev_commit = {st: epoch_ms(run_t) for st in range(4)}
    while t < kill - sec(5):
        m = (t - run_t).total_seconds() / 60
        dur = int(rng.uniform(900, 2400) + m * 35)
        size = int((210 + m * 31) * 1024 * 1024 * rng.uniform(0.96, 1.04))
        ts = ckpt_trigger(jm, t, ckpt, job, 0, rng)
        tc = ckpt_complete(jm, t, ckpt, job, size, dur, 0)
        for st in (0, 1):
            l2.info(t + ms(rng.uniform(300, 900)), "com.acme.orders.dedup.DedupFunction",
                    f"dedup-{st + 1} snapshotState checkpointId={ckpt}, entries~{int(3_000_000 + m * (205_000 + 9_000 * st)):,}")
            x = tc + ms(rng.uniform(3, 40))
            l2.info(x, "org.apache.flink.streaming.api.functions.sink.TwoPhaseCommitSinkFunction",
                    f"FlinkKafkaProducer {st + 1}/4 - checkpoint {ckpt} complete, committing transaction "
                    f"TransactionHolder{{handle=KafkaTransactionState [transactionalId=null, producerId=-1, epoch=-1], "
                    f"transactionStartTime={prev_commit[st]}}} from checkpoint {ckpt}")
            prev_commit[st] = ts + rng.randint(150, 900)
        completed[ckpt] = (t, ts)
        ckpt += 1
        t = t + sec(60) + ms(rng.uniform(0, 30))
    last_ok = ckpt - 1
    # user-code statistics every 30 s (part of the normal noise of this job)
    x = run_t + sec(rng.uniform(25, 35))
    while x < kill:
        m = (x - run_t).total_seconds() / 60
        for st in (0, 1):
            l2.info(x + ms(rng.uniform(0, 400)), "com.acme.orders.dedup.DedupFunction",
                    f"dedup-{st + 1} stats: in={rng.randint(3800, 5200)}/s, duplicates={rng.uniform(0.2, 0.6):.2f}%, "
                    f"late={rng.randint(0, 9)}, state entries~{int(3_000_000 + m * (205_000 + 9_000 * st)):,}")
        if rng.random() < 0.15:
            l2.warn(x + ms(rng.uniform(400, 900)), "com.acme.orders.dedup.DedupFunction",
                    f"dedup-{rng.randint(1, 2)}: dropping late event orderId={rng.randint(10 ** 9, 10 ** 10)} (event time "
                    f"{(x - sec(rng.uniform(3700, 5400))).strftime('%Y-%m-%dT%H:%M:%SZ')}, watermark "
                    f"{(x - sec(rng.uniform(2, 8))).strftime('%Y-%m-%dT%H:%M:%SZ')})")
        x += sec(30) + ms(rng.uniform(-50, 50))
    # noise
    x = run_t + sec(rng.uniform(300, 500))
    while x < kill - sec(30):
        cid_ = f"consumer-{group}-{rng.choice([1, 2])}"
        kafka_fetch_disconnect(l2, x, rng, cid_, group, rng.randint(1, 3))
        x += sec(rng.uniform(500, 1300))
    for st in (0, 1):
        l2.info(run_t + sec(rng.uniform(545, 560)), "org.apache.kafka.clients.NetworkClient",
                f"[Producer clientId=producer-{st + 1}] Node -1 disconnected.")
    bad = 17
    l2.warn(completed[bad][0] + sec(rng.uniform(2, 5)), "org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumerBase",
            "Async Kafka commit failed.",
            tr.render(["org.apache.kafka.clients.consumer.RetriableCommitFailedException: Offset commit failed with a "
                       "retriable exception. You should retry committing the latest consumed offsets.",
                       "Caused by: org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available."]))
    keys = {1: 3_100_000, 2: 2_950_000}
    x = run_t + sec(600)
    while x < kill:
        for st in (1, 2):
            keys[st] += rng.randint(1_900_000, 2_300_000)
            xo = x + ms(rng.uniform(0, 900))
            out2.append((xo,
                         f"[dedup-{st}] {xo.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z tracked keys ~ {keys[st]:,}, "
                         f"duplicates dropped: {rng.randint(4000, 16000):,}"))
        x += sec(600)

    # ------------------------------------------------------------------ the kill
    l2.info(kill + ms(4), "org.apache.flink.yarn.YarnTaskExecutorRunner", "RECEIVED SIGNAL 15: SIGTERM. Shutting down as requested.")
    l2.info(kill + ms(9), "org.apache.flink.runtime.state.TaskExecutorLocalStateStoresManager",
            "Shutting down TaskExecutorLocalStateStoresManager.")
    l2.info(kill + ms(11), TE, f"Stopping TaskExecutor {t2.rpc_addr(v)}.")
    l2.info(kill + ms(12), TE, f"Close ResourceManager connection {rm_rid}.")
    l2.info(kill + ms(15), TASK, f"Attempting to fail task externally {execs0[0].tm_name} ({execs0[0].aid}).")
    # JobManager side
    dead = kill + ms(rng.uniform(240, 260))
    first = execs0[6]  # dedup (3/4) on container 3
    rte = [f"org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Connection unexpectedly closed "
           f"by remote task manager '{t2.host}/{t2.ip}:{t2.data_port}'. This might indicate that the remote task manager was lost."] \
        + netty_inactive_frames(v)
    jm.warn(dead + ms(31), "akka.remote.ReliableDeliverySupervisor",
            f"Association with remote system [akka.tcp://flink@{t2.host}:{t2.rpc_port}] has failed, address is now gated "
            "for [50] ms. Reason: [Disassociated] ")
    tf = dead + ms(rng.uniform(12, 25))
    jm_failed(jm, tf, first, tr, rte)
    jm_region_restart(jm, tf + ms(2), first, 8)
    job_switch(jm, tf + ms(4), jname, job, "RUNNING", "RESTARTING")
    tt = tf + ms(5)
    for e in execs0:
        if e is first:
            continue
        tt += ms(rng.uniform(0.2, 1.2))
        jm_switch(jm, tt, e, "RUNNING", "CANCELING")
    for e in execs0:
        if e.tm is t3 and e is not first:
            jm_switch(jm, tt + ms(rng.uniform(20, 120)), e, "CANCELING", "CANCELED")
    jm.warn(dead + ms(rng.uniform(60, 90)), "akka.remote.ReliableDeliverySupervisor",
            f"Association with remote system [akka.tcp://flink-metrics@{t2.host}:{t2.metrics_port}] has failed, address is "
            "now gated for [50] ms. Reason: [Disassociated] ")
    # the NodeManager's report reaches the ResourceManager
    pid = 28814
    java_pid = 28826
    diag_t = kill
    ts_fmt = lambda x: x.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (x.microsecond // 1000)
    diag = (f"[{ts_fmt(diag_t)}]Container [pid={pid},containerID={t2.container}] is running beyond physical memory limits. "
            "Current usage: 4.0 GB of 4 GB physical memory used; 6.3 GB of 8.4 GB virtual memory used. Killing container.\n"
            f"Dump of the process-tree for {t2.container} :\n"
            "\t|- PID PPID PGRPID SESSID CMD_NAME USER_MODE_TIME(MILLIS) SYSTEM_TIME(MILLIS) VMEM_USAGE(BYTES) "
            "RSSMEM_USAGE(PAGES) FULL_CMD_LINE\n"
            f"\t|- {java_pid} {pid} {pid} {pid} (java) 2381712 162871 6751342592 1048554 {java_cmd(t2)} \n"
            f"\t|- {pid} {pid - 2} {pid} {pid} (bash) 0 1 115896320 358 /bin/bash -c {java_cmd(t2)} 1> "
            f"{logdir}/{t2.container}/taskmanager.out 2> {logdir}/{t2.container}/taskmanager.err \n"
            "\n"
            f"[{ts_fmt(diag_t + ms(33))}]Container killed on request. Exit code is 143\n"
            f"[{ts_fmt(diag_t + ms(41))}]Container exited with a non-zero exit code 143. \n")
    wt = kill + ms(rng.uniform(2500, 2900))
    jm.info(wt, YARN_RM, f"Worker {t2.rid} is terminated. Diagnostics: {diag}")
    jm.info(wt + ms(1), YARN_RM, f"Closing TaskExecutor connection {t2.rid} because: {diag}")
    jm.info(wt + ms(4), YARN_RM, f"Requesting new worker with resource spec {spec_w}, current pending count: 1.")
    jm.info(wt + ms(9), YARN_DRV, f"Requesting new TaskExecutor container with resource {spec_p}, priority 1.")
    ca = wt + ms(rng.uniform(3000, 3600))
    jm.info(ca, YARN_DRV, "Received 1 containers.")
    jm.info(ca + ms(1), YARN_DRV, "Received 1 containers with priority 1, 1 pending container requests.")
    jm.info(ca + ms(3), YARN_DRV, "Removing container request Capability[<memory:4096, vCores:2>]Priority[1].")
    jm.info(ca + ms(4), YARN_DRV, f"TaskExecutor {t4.rid} will be started on {t4.host} with {spec_p}.")
    jm.info(ca + ms(5), YARN_DRV, "Accepted 1 requested containers, returned 0 excess containers, 0 pending container "
                                  "requests of resource <memory:4096, vCores:2>.")
    jm.info(ca + ms(21), YARN_DRV, "Creating container launch context for TaskManagers")
    jm.info(ca + ms(23), YARN_DRV, "Starting TaskManagers")
    jm.info(ca + ms(41), YARN_RM, f"Requested worker {t4.rid} with resource spec {spec_w}.")
    jm.info(ca + ms(44), "org.apache.hadoop.yarn.client.api.async.impl.NMClientAsyncImpl",
            f"Processing Event EventType: START_CONTAINER for Container {t4.container}")
    reg4 = ca + sec(rng.uniform(9.5, 11))
    jm_register_tm(jm, reg4, YARN_RM, t4, active=True, spec=spec_w)
    # cancellation of the tasks on the dead container only completes when the cancel calls time out
    cx = tf + sec(30) + ms(rng.uniform(40, 90))
    for e in execs0:
        if e.tm is t2:
            cx += ms(rng.uniform(0.3, 2))
            jm_switch(jm, cx, e, "CANCELING", "CANCELED")
    rs = cx + sec(1) + ms(rng.uniform(2, 6))
    job_switch(jm, rs, jname, job, "RESTARTING", "RUNNING")
    ck_t, ck_ts = completed[last_ok]
    jm.info(rs + ms(2), CC, f"Restoring job {job} from Checkpoint {last_ok} @ {ck_ts} for {job} located at "
                            f"{ckdir}/{job}/chk-{last_ok}.")
    jm.info(rs + ms(3), CC, "No master state to restore")
    tms1 = [t4, t4, t3, t3]
    allocs_for = [hexid(rng), hexid(rng), allocs[2], allocs[3]]
    execs1 = make_execs(1, tms1)
    tt = rs + ms(5)
    for e in execs1:
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "CREATED", "SCHEDULED")
    jm.info(tt + ms(4), slot_manager_logger(v), f"Received resource requirements from job {job}: "
            "[ResourceRequirement{resourceProfile=ResourceProfile{UNKNOWN}, numberOfRequiredSlots=4}]")
    run2 = run_deploy(jm, {}, execs1, tt + ms(rng.uniform(60, 120)), rng,
                      init_ms=lambda e: rng.uniform(14000, 26000) if e.vertex is ded else rng.uniform(300, 900))
    t = run2 + sec(rng.uniform(50, 60))
    ckpt += 1
    end = run2 + sec(330)
    while t < end:
        dur = int(rng.uniform(3800, 6500))
        ckpt_trigger(jm, t, ckpt, job, 0, rng)
        ckpt_complete(jm, t, ckpt, job, int((210 + 38 * 31) * 1024 * 1024 * rng.uniform(0.97, 1.03)), dur, 0)
        ckpt += 1
        t += sec(60) + ms(rng.uniform(0, 30))

    # ------------------------------------------------------------------ write (rotated TaskManager log)
    d = os.path.join(root, "yarn-pmem-kill-1.12")
    rot = day.replace(hour=10, minute=0, second=31)
    lines_old = l2.lines(end=rot)
    lines_new = l2.lines(start=rot)
    write(d, "jobmanager.log", jm.render())
    write(d, "taskmanager.log.1", "\n".join(lines_old) + "\n")
    write(d, "taskmanager.log", "\n".join(lines_new) + "\n")
    write(d, "taskmanager.out", "\n".join(s for _, s in sorted(out2)) + "\n")
    write(d, "README.md",
          "# yarn-pmem-kill-1.12\n\n"
          f"Flink 1.12.2 per-job cluster on YARN (Hadoop 3.1, JDK 8, RocksDB state backend, incremental checkpoints). The "
          f"TaskManager in `{t2.container}` grows its native (RocksDB) memory until the NodeManager kills the container for "
          "exceeding its 4 GB physical memory limit (exit code 143). The JobManager requests a new container and restores "
          "the job from the last checkpoint. `taskmanager.log.1` is the older, rotated part of the TaskManager log.\n\n"
          "Expected root cause: `yarn_container_pmem_killed`\n")
    return {"job": job, "tm2": t2.rid, "tm3": t3.rid, "tm4": t4.rid, "kill": kill}


# =====================================================================================================================
# Incident 3: Kubernetes OOM-kills a TaskManager pod (Flink 1.18.1 native Kubernetes, application mode, Pekko)
# =====================================================================================================================

K8S_DRV = "org.apache.flink.kubernetes.KubernetesResourceManagerDriver"
ACT_RM = "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager"

JDK17_OPENS = ["-XX:+IgnoreUnrecognizedVMOptions", "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
               "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
               "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
               "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
               "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
               "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
               "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
               "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
               "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
               "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
               "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
               "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
               "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
               "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
               "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"]


def incident_k8s_oomkilled(root: str) -> dict:
    rng = random.Random(20240220)
    v = Ver("1.18.1", "2.12", "a8c8b1c", "2023-12-19T22:22:44+01:00", "flink-dist-1.18.1.jar", "pekko", "11", rng)
    tr = Trace(v, user_jar="orders-enrich-2.1.0.jar", kafka_jar="kafka-clients-3.2.3.jar", jre=True)
    day = dt.datetime(2024, 2, 20)
    cluster = "orders-enrich"
    ns = "streaming"
    svc = f"{cluster}.{ns}"
    jm_pod, jm_ip = "orders-enrich-6f9c8d7b5-x2kqp", "10.42.0.31"
    job = "00000000000000000000000000000000"
    jname = "orders-enrich"
    ckdir = "s3://acme-streaming/flink/orders-enrich/checkpoints"
    group = "orders-enrich"
    bootstrap = "kafka-0.kafka-headless.data:9092, kafka-1.kafka-headless.data:9092, kafka-2.kafka-headless.data:9092"
    mem = TmMemory(4096, slots=2, cpu=1.0)
    jm = Log(v)
    rm_rid = hexid(rng)

    def mk_tm(n: int, ip: str, data: int) -> TmInfo:
        pod = f"{cluster}-taskmanager-1-{n}"
        return TmInfo(rid=pod, loc_id=pod, host=ip, ip=ip, rpc_port=6122, metrics_port=6170, data_port=data, slots=2,
                      mem=mem, tmp="/tmp", disk_total=96, disk_usable=71, rpc_port_dynamic=False,
                      workdir=f"/tmp/tm_{pod}", short=pod)

    t1, t2, t3 = mk_tm(1, "10.42.2.17", 37811), mk_tm(2, "10.42.1.23", 41655), mk_tm(3, "10.42.3.9", 44017)
    l1, l2 = Log(v), Log(v)
    tmlogs = {t1.key: l1, t2.key: l2}
    conf = [("blob.server.port", "6124"), ("kubernetes.jobmanager.annotations", "prometheus.io/scrape:true,prometheus.io/port:9249"),
            ("kubernetes.taskmanager.annotations", "prometheus.io/scrape:true,prometheus.io/port:9249"),
            ("taskmanager.memory.process.size", "4096m"), ("kubernetes.internal.jobmanager.entrypoint.class",
                                                           "org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint"),
            ("kubernetes.service-account", "flink"), ("kubernetes.cluster-id", cluster), ("kubernetes.namespace", ns),
            ("kubernetes.container.image.ref", "registry.acme.io/streaming/orders-enrich:2.1.0"),
            ("parallelism.default", "4"), ("taskmanager.numberOfTaskSlots", "2"), ("kubernetes.rest-service.exposed.type", "ClusterIP"),
            ("jobmanager.memory.process.size", "1600m"), ("taskmanager.rpc.port", "6122"), ("internal.cluster.execution-mode", "NORMAL"),
            ("execution.target", "kubernetes-application"), ("pipeline.jars", "local:///opt/flink/usrlib/orders-enrich-2.1.0.jar"),
            ("state.backend.type", "rocksdb"), ("state.backend.incremental", "true"),
            ("state.backend.rocksdb.memory.managed", "false"), ("state.backend.rocksdb.block.cache-size", "256mb"),
            ("state.backend.rocksdb.writebuffer.size", "128mb"), ("state.backend.rocksdb.writebuffer.count", "4"),
            ("state.checkpoints.dir", ckdir), ("execution.checkpointing.interval", "60s"),
            ("jobmanager.execution.failover-strategy", "region"), ("jobmanager.rpc.address", svc), ("jobmanager.rpc.port", "6123"),
            ("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"),
            ("metrics.reporter.prom.port", "9249"), ("env.java.opts.all", " ".join(JDK17_OPENS[1:])),
            ("$internal.application.main", "com.acme.orders.enrich.OrdersEnrichJob")]

    # ------------------------------------------------------------------ JobManager pod
    jclk = Clock(rng, day.replace(hour=13, minute=2, second=47, microsecond=631000))
    R = "org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint"
    jproc = Proc(runner=R, component="KubernetesApplicationClusterEntrypoint",
                 jvm="OpenJDK 64-Bit Server VM - Eclipse Adoptium - 11/11.0.21+9", heap_mib=1024,
                 java_home="/opt/java/openjdk",
                 jvm_opts=["-Xmx1073741824", "-Xms1073741824", "-XX:MaxMetaspaceSize=268435456"] + JDK17_OPENS
                 + [f"-Dlog.file=/opt/flink/log/flink--kubernetes-application-0-{jm_pod}.log",
                    "-Dlog4j.configuration=file:/opt/flink/conf/log4j-console.properties",
                    "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j-console.properties",
                    "-Dlogback.configurationFile=file:/opt/flink/conf/logback-console.xml"],
                 args=["-D", "jobmanager.memory.off-heap.size=134217728b", "-D", "jobmanager.memory.jvm-overhead.min=201326592b",
                       "-D", "jobmanager.memory.jvm-metaspace.size=268435456b", "-D", "jobmanager.memory.heap.size=1073741824b",
                       "-D", "jobmanager.memory.jvm-overhead.max=201326592b"],
                 classpath=flink_lib_classpath(v))
    banner(jm, jclk, jproc)
    jm.info(jclk.step(1, 3), R, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    load_config(jm, jclk, conf)
    jm.info(jclk.step(20, 50), "org.apache.flink.core.fs.FileSystem",
            "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
    jm.info(jclk.step(10, 30), "org.apache.flink.core.plugin.DefaultPluginManager", "Plugin loader with ID not found, creating it: metrics-prometheus")
    jm.info(jclk.step(1, 4), "org.apache.flink.core.plugin.DefaultPluginManager", "Plugin loader with ID not found, creating it: s3-fs-hadoop")
    jm.info(jclk.step(5, 20), "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
            "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.")
    names = jm_boot(jm, jclk, rng, entry=R, host=svc, rpc_port=6123, rest_host=jm_ip, rest_port=8081,
                    log_dir=f"/opt/flink/log/flink--kubernetes-application-0-{jm_pod}", workdir=f"/tmp/jm_{hexid(rng)}",
                    rest_logger="org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint",
                    dispatcher_cls="org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
                    rm_cls="org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager", rm_logger=ACT_RM,
                    flavour="k8s", blob_dir=f"/tmp/jm_{hexid(rng)}/blobStorage", leader_process="SessionDispatcherLeaderProcess")
    jm.info(jclk.step(200, 400), K8S_DRV, "Recovered 0 pods from previous attempts, current attempt id is 1.")
    jm.info(jclk.step(0, 2), ACT_RM, "Recovered 0 workers from previous attempt.")
    jm.info(jclk.step(1, 5), slot_manager_logger(v), "Starting the slot manager.")
    jm.info(jclk.step(60, 200), "org.apache.flink.client.ClientUtils", "Starting program (detached: false)")
    jm.info(jclk.step(900, 1400), "org.apache.flink.client.deployment.application.executors.EmbeddedExecutor",
            f"Job {job} is submitted.")
    jm.info(jclk.step(0, 2), "org.apache.flink.client.deployment.application.executors.EmbeddedExecutor",
            f"Submitting Job with JobId={job}.")
    jm.info(jclk.step(10, 30), "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            f"Received JobGraph submission '{jname}' ({job}).")
    jm.info(jclk.step(1, 3), "org.apache.flink.runtime.dispatcher.StandaloneDispatcher", f"Submitting job '{jname}' ({job}).")
    jm.info(jclk.step(20, 40), "org.apache.flink.runtime.jobmaster.JobMasterServiceLeadershipRunner",
            f"JobMasterServiceLeadershipRunner for job {job} was granted leadership with leader id "
            "00000000-0000-0000-0000-000000000000. Creating new JobMasterServiceProcess.")

    src = Vertex("Source: orders-kafka -> Map", "cbc357ccb763df2852fee8c4fc7d55f2", 4)
    enr = Vertex("enrich -> enriched-orders: Writer -> enriched-orders: Committer", hexid(rng), 4)
    tms = [t1, t1, t2, t2]
    allocs = [hexid(rng) for _ in range(4)]
    egid = hexid(rng)

    def make_execs(attempt: int, tmlist, alist) -> list[Exec]:
        return [Exec(v, rng, vx, st, attempt, tmlist[st], alist[st], egid) for vx in (src, enr) for st in range(4)]

    execs0 = make_execs(0, tms, allocs)
    backend = [("org.apache.flink.runtime.state.StateBackendLoader",
                "State backend loader loads the state backend as EmbeddedRocksDBStateBackend"),
               ("org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend", "Using predefined options: DEFAULT."),
               ("org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend",
                "Using default options factory: DefaultConfigurableOptionsFactory{configuredOptions={state.backend.rocksdb."
                "block.cache-size=268435456, state.backend.rocksdb.writebuffer.size=134217728, "
                "state.backend.rocksdb.writebuffer.count=4}}."),
               (JMASTER, f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")")]
    kafka_commit = "50029d3ed8ba576f"

    def enumerator(c: Clock, restored: bool = False) -> None:
        SC = "org.apache.flink.runtime.source.coordinator.SourceCoordinator"
        if restored:
            jm.info(c.step(1, 3), SC, "Restoring SplitEnumerator of source Source: orders-kafka from checkpoint.")
        jm.info(c.step(1, 5), SC, "Starting split enumerator for source Source: orders-kafka.")
        jm.info(c.step(5, 20), "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 3.2.3")
        jm.info(c.step(0, 1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka commitId: {kafka_commit}")
        jm.info(c.step(0, 1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(c.t)}")
        jm.info(c.step(1, 5), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                f"Starting the KafkaSourceEnumerator for consumer group {group} with partition discovery interval of 300000 ms.")
        jm.info(c.step(150, 400), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                "Discovered new partitions: [" + ", ".join(f"orders-{p}" for p in range(8)) + "]")

    jm_addr = jm_job_start(jm, jclk, rng, names=names, dispatcher="org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
                           rm_logger=ACT_RM, job=job, jname=jname,
                           restart="FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2147483647, backoffTimeMS=1000)",
                           egid=egid, backend_lines=backend, execs=execs0, n_slots=4, submitted=False,
                           extra_before_sched=enumerator)
    spec_w = mem.worker_spec(True)
    jm.info(jclk.step(3, 8), ACT_RM, "need request 2 new workers, current worker number 0, declared worker number 2")
    for i, tm in enumerate((t1, t2)):
        jm.info(jclk.step(1, 5), ACT_RM, f"Requesting new worker with resource spec {spec_w}, current pending count: {i + 1}.")
        jm.info(jclk.step(20, 60), K8S_DRV, f"Creating new TaskManager pod with name {tm.rid} and resource <4096,1.0>.")
    for tm in (t1, t2):
        jm.info(jclk.step(40, 120), K8S_DRV, f"Pod {tm.rid} is created.")
        jm.info(jclk.step(0, 3), ACT_RM, f"Requested worker {tm.rid} with resource spec {spec_w}.")
    for tm in (t1, t2):
        jm.info(jclk.step(300, 900), K8S_DRV, f"Received new TaskManager pod: {tm.rid}")
    pods_up = jclk.t

    # ------------------------------------------------------------------ TaskManager pods
    KR = "org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner"
    jm_up = find_time(jm, f"Actor system started at pekko.tcp://flink@{svc}:6123")

    def tm_argv(tm: TmInfo) -> list[str]:
        out = ["--configDir", "/opt/flink/conf", f"-Dtaskmanager.resource-id={tm.rid}",
               "-Djobmanager.memory.jvm-overhead.min=201326592b", "-Djobmanager.memory.off-heap.size=134217728b",
               "-Dinternal.taskmanager.resource-id.metadata=", f"-Djobmanager.rpc.address={svc}",
               "-Djobmanager.memory.jvm-metaspace.size=268435456b", "-Djobmanager.memory.heap.size=1073741824b",
               "-Djobmanager.memory.jvm-overhead.max=201326592b"]
        for k, val in mem.dynamic():
            out += ["-D", f"{k}={val}"]
        return out

    def boot_k8s_tm(tml: Log, tm: TmInfo, start: dt.datetime) -> dt.datetime:
        clk = Clock(rng, start)
        p = Proc(runner=KR, component="Kubernetes TaskExecutor runner", jvm=jproc.jvm, heap_mib=mem.heap >> 20,
                 java_home="/opt/java/openjdk",
                 jvm_opts=mem.jvm_params() + JDK17_OPENS + [
                     f"-Dlog.file=/opt/flink/log/flink--kubernetes-taskmanager-0-{tm.rid}.log",
                     "-Dlog4j.configuration=file:/opt/flink/conf/log4j-console.properties",
                     "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j-console.properties",
                     "-Dlogback.configurationFile=file:/opt/flink/conf/logback-console.xml"],
                 args=tm_argv(tm), classpath=flink_lib_classpath(v))
        banner(tml, clk, p)
        tml.info(clk.step(1, 4), KR, "Registered UNIX signal handlers for [TERM, HUP, INT]")
        tml.info(clk.step(5, 20), TMR, "Maximum number of open file descriptors is 1048576.")
        load_config(tml, clk, conf, [("taskmanager.resource-id", tm.rid), ("jobmanager.rpc.address", svc)] + mem.dynamic())
        tml.info(clk.step(40, 90), "org.apache.flink.core.fs.FileSystem",
                 "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
        tml.info(clk.step(10, 30), "org.apache.flink.core.plugin.DefaultPluginManager", "Plugin loader with ID not found, creating it: metrics-prometheus")
        tml.info(clk.step(1, 5), "org.apache.flink.core.plugin.DefaultPluginManager", "Plugin loader with ID not found, creating it: s3-fs-hadoop")
        tml.info(clk.step(10, 40), "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
                 "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.")
        security_no_hadoop(tml, clk, rng)
        tml.info(clk.step(300, 500), TMR, f"Using configured hostname/address for TaskManager: {tm.ip}.")
        tm_services(tml, clk, tm, rng, metrics_reporter="org.apache.flink.metrics.prometheus.PrometheusReporter")
        tml.info(clk.step(1, 3), "org.apache.flink.metrics.prometheus.PrometheusReporter", "Started PrometheusReporter HTTP server on port 9249.")
        tm_register_rm(tml, clk, tm, rng, names["rm_addr"], hexid(rng))
        return clk.t

    s1 = pods_up + sec(rng.uniform(3.5, 4.5))
    s2 = s1 + ms(rng.uniform(300, 900))
    r1 = boot_k8s_tm(l1, t1, s1)
    r2 = boot_k8s_tm(l2, t2, s2)
    for i, (tm, rt) in enumerate(sorted(((t1, r1), (t2, r2)), key=lambda x: x[1])):
        jm_register_tm(jm, rt - ms(rng.uniform(15, 40)), ACT_RM, tm, active=True, spec=spec_w, pending=1 - i)
    profile = mem.slot_profile()
    for tm, tml, rt in ((t1, l1, r1), (t2, l2, r2)):
        c = Clock(rng, max(r1, r2) + ms(rng.uniform(15, 40)))
        tm_slot_offer(tml, c, tm, job, [a for a, x in zip(allocs, tms) if x is tm], jm_addr, True, profile)
    dep_t = max(r1, r2) + ms(rng.uniform(250, 400))
    rocks = set()

    def init_cb(tml: Log, t: dt.datetime, e: Exec, phase: str) -> None:
        EB = "org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend"
        if phase == "deploy":
            tml.info(t, "org.apache.flink.runtime.state.StateBackendLoader",
                     "State backend loader loads the state backend as EmbeddedRocksDBStateBackend")
            tml.info(t + ms(1), EB, "Using predefined options: DEFAULT.")
            tml.info(t + ms(1), EB, "Using default options factory: DefaultConfigurableOptionsFactory{configuredOptions="
                                    "{state.backend.rocksdb.block.cache-size=268435456, state.backend.rocksdb.writebuffer.size="
                                    "134217728, state.backend.rocksdb.writebuffer.count=4}}.")
            tml.info(t + ms(2), "org.apache.flink.streaming.runtime.tasks.StreamTask",
                     f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")")
            return
        if e.vertex is enr:
            if e.tm.key not in rocks:
                rocks.add(e.tm.key)
                tml.info(t, EB, "Attempting to load RocksDB native library and store it under '/tmp'")
                tml.info(t + ms(rng.uniform(150, 260)), EB, "Successfully loaded RocksDB native library")
            tml.info(t + ms(rng.uniform(300, 380)), "org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackendBuilder",
                     f"Finished building RocksDB keyed state-backend at /tmp/flink-io-{uuid4(rng)}/job_{job}_op_"
                     f"KeyedProcessOperator_{enr.jvid}__{e.st + 1}_4__uuid_{uuid4(rng)}.")

    parts = {i: [f"orders-{p}" for p in range(8) if p % 4 == i] for i in range(4)}
    cluster_id = "Vd0xTq1uQ5m2bCwX9p8r4A"

    def readers(execs: list[Exec], restored: bool) -> None:
        for e in execs[:4]:
            ta = e.t_running + ms(rng.uniform(30, 200))
            jm.info(ta, "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                    f"Source Source: orders-kafka registering reader for parallel task {e.st} (#{e.attempt}) @ {e.tm.ip}")
            off = (lambda p: rng.randint(60_000_000, 90_000_000)) if restored else (lambda p: -3)
            splits = ", ".join(f"[Partition: {p}, StartingOffset: {off(p)}, StoppingOffset: -9223372036854775808]" for p in parts[e.st])
            if not restored:
                jm.info(ta + ms(2), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                        f"Assigning splits to readers {{{e.st}=[{splits}]}}")
            tml = tmlogs.get(e.tm.key)
            if tml is None:
                continue
            tb = ta + ms(rng.uniform(3, 10))
            tml.info(tb, "org.apache.flink.connector.base.source.reader.SourceReaderBase", f"Adding split(s) to reader: [{splits}]")
            cid_ = f"{group}-{e.st}"
            t2_ = kafka_consumer_start(tml, tb + ms(rng.uniform(3, 9)), rng, cid_, group, bootstrap, "3.2.3", kafka_commit,
                                       parts[e.st], "latest", cluster_id)
            tml.info(t2_ - ms(rng.uniform(40, 70)), "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher",
                     "Starting split fetcher 0")

    run_t = run_deploy(jm, tmlogs, execs0, dep_t, rng, init_cb, init_ms=lambda e: rng.uniform(300, 900))
    readers(execs0, False)
    # Kafka sink writers (at-least-once) create producers when the sink starts
    for e in execs0[4:]:
        tml = tmlogs[e.tm.key]
        t = e.t_running + ms(rng.uniform(5, 30))
        pid = f"producer-{rng.randint(1, 9)}"
        tml.info(t, "org.apache.kafka.clients.producer.ProducerConfig", "ProducerConfig values: \n" + kafka_block(
            KAFKA_PRODUCER_CONFIG, acks="-1", bootstrap=bootstrap, client_id=f"enriched-orders-{e.st}", txn_timeout="60000",
            txn_id="null") + "\n")
        tml.info(t + ms(8), "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 3.2.3")
        tml.info(t + ms(8), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka commitId: {kafka_commit}")
        tml.info(t + ms(8), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(t)}")
        tml.info(t + ms(rng.uniform(120, 300)), "org.apache.kafka.clients.Metadata",
                 f"[Producer clientId=enriched-orders-{e.st}] Cluster ID: {cluster_id}")

    # ------------------------------------------------------------------ steady state
    kill = day.replace(hour=14, minute=27, second=41, microsecond=508000)
    t = run_t + sec(rng.uniform(55, 62))
    ckpt = 1
    completed = {}
    while t < kill - sec(4):
        m = (t - run_t).total_seconds() / 60
        dur = int(rng.uniform(1100, 2600) + m * 12)
        size = int((90 + m * 9.5) * 1024 * 1024 * rng.uniform(0.95, 1.05))
        ts = ckpt_trigger(jm, t, ckpt, job, 0, rng)
        ckpt_complete(jm, t, ckpt, job, size, dur, rng.randint(3, 30))
        completed[ckpt] = (t, ts)
        ckpt += 1
        t += sec(60) + ms(rng.uniform(0, 20))
    last_ok = ckpt - 1
    for tm, tml, sts in ((t1, l1, (0, 1)), (t2, l2, (2, 3))):
        x = run_t + sec(rng.uniform(40, 70))
        cache = {st: 40_000 for st in sts}
        while x < (kill if tm is t2 else kill + sec(1200)):
            for st in sts:
                if tm is t2 and x > kill:
                    continue
                cache[st] = min(2_000_000, cache[st] + rng.randint(22_000, 31_000))
                tml.info(x + ms(rng.uniform(0, 300)), "com.acme.orders.enrich.CustomerEnricher",
                         f"enrich-{st}: lookups={rng.randint(1900, 2600)}/s, cacheHitRate={rng.uniform(0.86, 0.97):.2f}, "
                         f"cachedCustomers={cache[st]:,}")
            x += sec(60) + ms(rng.uniform(-100, 100))
        for st in sts:
            cid_ = f"{group}-{st}"
            y = run_t + sec(rng.uniform(300, 900))
            while y < kill - sec(20):
                kafka_fetch_disconnect(tml, y, rng, cid_, group, rng.randint(0, 2))
                y += sec(rng.uniform(600, 1400))
            tml.info(run_t + sec(rng.uniform(545, 560)), "org.apache.kafka.clients.NetworkClient",
                     f"[Producer clientId=enriched-orders-{st + 4}] Node -1 disconnected.")
    # the last line the killed TaskManager manages to write
    l2.info(kill - ms(rng.uniform(2200, 2600)), "org.apache.kafka.clients.NetworkClient",
            f"[Consumer clientId={group}-3, groupId={group}] Node 1 disconnected.")

    # ------------------------------------------------------------------ the OOM kill (no line in the killed pod's log)
    rte = [f"org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Connection unexpectedly closed by "
           f"remote task manager '{t2.ip}/{t2.ip}:{t2.data_port} [ {t2.rid} ] '. This might indicate that the remote task "
           "manager was lost."] + netty_inactive_frames(v)
    on1 = [e for e in execs0 if e.tm is t1]
    f1 = [e for e in on1 if e.vertex is enr]  # consumers of the lost TaskManager
    tf = kill + ms(rng.uniform(30, 60))
    tu_first = tm_fail(l1, tf, f1[0], tr, rte, rng)
    tm_fail(l1, tf + ms(rng.uniform(1, 3)), f1[1], tr, rte, rng)
    jf = tu_first + ms(rng.uniform(3, 8))
    jm_failed(jm, jf, f1[0], tr, rte)
    jm_region_restart(jm, jf + ms(1), f1[0], 8)
    job_switch(jm, jf + ms(2), jname, job, "RUNNING", "RESTARTING")
    tt = jf + ms(3)
    for e in execs0:
        if e is f1[0]:
            continue
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "RUNNING", "CANCELING")
        if e.vertex is src:
            pass
    # printed by another thread a millisecond "earlier" than the line before it (log4j async ordering)
    jm_switch(jm, tt + ms(rng.uniform(2, 6)), f1[1], "CANCELING", "CANCELED", shown=tt - ms(1))
    jm.warn(kill + ms(rng.uniform(60, 110)), "org.apache.pekko.remote.ReliableDeliverySupervisor",
            f"Association with remote system [pekko.tcp://flink@{t2.ip}:6122] has failed, address is now gated for [50] ms. "
            "Reason: [Disassociated] ")
    done = tt
    for e in on1:
        if e.vertex is src:
            def extra(x, e=e):
                kafka_consumer_close(l1, x + ms(rng.uniform(5, 15)), f"{group}-{e.st}")
            d_ = tm_cancel(l1, tt + ms(rng.uniform(8, 20)), e, rng, dur=rng.uniform(30, 80), extra=extra)
            jm_switch(jm, d_ + ms(rng.uniform(2, 5)), e, "CANCELING", "CANCELED")
            done = max(done, d_)
    for e in execs0:
        if e.tm is t2:
            jm_switch(jm, tt + ms(rng.uniform(20, 60)), e, "CANCELING", "CANCELED")
    for e in on1:
        if e.vertex is src:
            jm.info(done + ms(rng.uniform(5, 12)), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                    f"Removing registered reader after failure for subtask {e.st} (#0) of source Source: orders-kafka.")
    for e in execs0:
        if e.tm is t2 and e.vertex is src:
            jm.info(tt + ms(rng.uniform(60, 90)), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                    f"Removing registered reader after failure for subtask {e.st} (#0) of source Source: orders-kafka.")
    diag = ("Pod terminated, container termination statuses: [flink-main-container(exitCode=137, reason=OOMKilled, "
            "message=null)], pod status: Failed(reason=null, message=null)")
    wt = kill + ms(rng.uniform(700, 1100))
    jm.info(wt, ACT_RM, f"Worker {t2.rid} is terminated. Diagnostics: {diag}")
    jm.info(wt + ms(1), ACT_RM, f"Closing TaskExecutor connection {t2.rid} because: {diag}")
    jm.info(wt + ms(4), ACT_RM, "need request 1 new workers, current worker number 1, declared worker number 2")
    jm.info(wt + ms(5), ACT_RM, f"Requesting new worker with resource spec {spec_w}, current pending count: 1.")
    jm.info(wt + ms(31), K8S_DRV, f"Creating new TaskManager pod with name {t3.rid} and resource <4096,1.0>.")
    jm.info(wt + ms(96), K8S_DRV, f"Pod {t3.rid} is created.")
    jm.info(wt + ms(97), ACT_RM, f"Requested worker {t3.rid} with resource spec {spec_w}.")
    jm.info(wt + ms(rng.uniform(900, 1400)), K8S_DRV, f"Received new TaskManager pod: {t3.rid}")
    rs = max(done, tt + ms(60)) + sec(1) + ms(rng.uniform(2, 6))
    job_switch(jm, rs, jname, job, "RESTARTING", "RUNNING")
    ck_t, ck_ts = completed[last_ok]
    jm.info(rs + ms(2), CC, f"Restoring job {job} from Checkpoint {last_ok} @ {ck_ts} for {job} located at "
                            f"{ckdir}/{job}/chk-{last_ok}.")
    jm.info(rs + ms(3), CC, "No master state to restore")
    c = Clock(rng, rs + ms(3))
    enumerator(c, True)
    allocs1 = [allocs[0], allocs[1], hexid(rng), hexid(rng)]
    tms1 = [t1, t1, t3, t3]
    execs1 = make_execs(1, tms1, allocs1)
    tt = c.t
    for e in execs1:
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "CREATED", "SCHEDULED")
    for k in (1.6, 11.6):
        jm.warn(kill + sec(k) + ms(rng.uniform(0, 200)), "org.apache.pekko.remote.ReliableDeliverySupervisor",
                f"Association with remote system [pekko.tcp://flink@{t2.ip}:6122] has failed, address is now gated for [50] ms. "
                f"Reason: [Association failed with [pekko.tcp://flink@{t2.ip}:6122]] Caused by: [java.net.ConnectException: "
                f"Connection refused: /{t2.ip}:6122]")
    nr = kill + sec(rng.uniform(12.5, 13.5))
    jm.info(nr, JMASTER, f"TaskManager with id {t2.rid} is no longer reachable.")
    jm.info(nr + ms(1), JMASTER, f"Disconnect TaskExecutor {t2.rid} because: TaskManager with id {t2.rid} is no longer reachable.")
    reg3 = kill + sec(rng.uniform(17.5, 19))
    jm_register_tm(jm, reg3, ACT_RM, t3, active=True, spec=spec_w, pending=0)
    jm.info(reg3 + ms(40), slot_manager_logger(v), f"Received resource requirements from job {job}: "
            "[ResourceRequirement{resourceProfile=ResourceProfile{UNKNOWN}, numberOfRequiredSlots=4}]")
    # the surviving TaskManager gets its slots back and new tasks
    dep2 = reg3 + ms(rng.uniform(250, 400))
    for a in allocs[:2]:
        l1.info(dep2 - ms(rng.uniform(60, 120)), SLOTTABLE, f"Activate slot {a}.")
    run2 = run_deploy(jm, tmlogs, execs1, dep2, rng, init_cb,
                      init_ms=lambda e: rng.uniform(5000, 9000) if e.vertex is enr else rng.uniform(300, 800))
    readers(execs1, True)
    t = run2 + sec(rng.uniform(40, 60))
    ckpt += 1
    end = run2 + sec(420)
    while t < end:
        dur = int(rng.uniform(2500, 4200))
        ckpt_trigger(jm, t, ckpt, job, 0, rng)
        ckpt_complete(jm, t, ckpt, job, int((90 + 85 * 9.5) * 1024 * 1024 * rng.uniform(0.96, 1.03)), dur, rng.randint(3, 30))
        ckpt += 1
        t += sec(60) + ms(rng.uniform(0, 20))

    d = os.path.join(root, "k8s-oomkilled-1.18")
    write(d, "jobmanager.log", jm.render())
    write(os.path.join(d, f"tm-{t1.rid}"), "taskmanager.log", l1.render(end=end))
    write(os.path.join(d, f"tm-{t2.rid}"), "taskmanager.log", l2.render())
    write(d, "README.md",
          "# k8s-oomkilled-1.18\n\n"
          "Flink 1.18.1 native Kubernetes, application mode (Pekko RPC, JDK 11, RocksDB with managed memory disabled and "
          f"large per-column-family caches). The pod `{t2.rid}` exceeds its 4 GiB memory limit and is OOM-killed "
          "(exit code 137); its log just stops. The other TaskManager loses its network connection to it, the job "
          f"restarts and the ResourceManager creates `{t3.rid}`.\n\n"
          "Expected root cause: `k8s_pod_oomkilled`\n")
    return {"job": job, "tm1": t1.rid, "tm2": t2.rid, "tm3": t3.rid, "kill": kill}


# =====================================================================================================================
# Incident 4: a slow JDBC sink back-pressures the job until checkpoints expire (Flink 2.0.0 standalone, Docker)
# =====================================================================================================================


def incident_checkpoint_expiry(root: str) -> dict:
    rng = random.Random(20250506)
    v = Ver("2.0.0", "2.12", "cc017da", "2025-03-10T07:29:37+01:00", "flink-dist-2.0.0.jar", "pekko", "17", rng)
    tr = Trace(v, user_jar="payments-to-warehouse-1.3.0.jar", kafka_jar="kafka-clients-3.9.0.jar", jre=True)
    day = dt.datetime(2025, 5, 6)
    jm = Log(v)
    tml = Log(v)
    JM_HOST, JM_IP = "jobmanager", "172.20.0.2"
    SDR = "org.apache.flink.runtime.dispatcher.StandaloneDispatcher"
    SRM = "org.apache.flink.runtime.resourcemanager.StandaloneResourceManager"
    job = hexid(rng)
    jname = "payments-to-warehouse"
    ckdir = "s3://payments-flink/checkpoints"
    group = "payments-to-warehouse"
    bootstrap = "kafka:9092"
    mem = TmMemory(4096, slots=4, cpu=4.0)
    tm = TmInfo(rid="172.20.0.3:36541-5f2a8e", loc_id="172.20.0.3:36541-5f2a8e", host="172.20.0.3", ip="172.20.0.3",
                rpc_port=36541, metrics_port=40117, data_port=38803, slots=4, mem=mem, tmp="/tmp", disk_total=1006,
                disk_usable=903, workdir="/tmp/tm_172.20.0.3:36541-5f2a8e", short="taskmanager")
    tmlogs = {tm.key: tml}
    conf = [("jobmanager.rpc.address", JM_HOST), ("jobmanager.rpc.port", "6123"), ("jobmanager.bind-host", "0.0.0.0"),
            ("jobmanager.memory.process.size", "1600m"), ("taskmanager.bind-host", "0.0.0.0"),
            ("taskmanager.memory.process.size", "4096m"), ("taskmanager.numberOfTaskSlots", "4"),
            ("parallelism.default", "4"), ("jobmanager.execution.failover-strategy", "region"), ("rest.address", "0.0.0.0"),
            ("blob.server.port", "6124"), ("query.server.port", "6125"), ("state.backend.type", "hashmap"),
            ("execution.checkpointing.dir", ckdir), ("execution.checkpointing.interval", "1 min"),
            ("execution.checkpointing.timeout", "10 min"), ("execution.checkpointing.min-pause", "30 s"),
            ("execution.checkpointing.tolerable-failed-checkpoints", "2"),
            ("execution.checkpointing.unaligned.enabled", "false"), ("s3.endpoint", "http://minio:9000"),
            ("s3.path.style.access", "true"), ("s3.access-key", "flink"), ("s3.secret-key", "******")]

    # ------------------------------------------------------------------ JobManager
    jclk = Clock(rng, day.replace(hour=8, minute=55, second=12, microsecond=402000))
    R = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
    jvm = "OpenJDK 64-Bit Server VM - Eclipse Adoptium - 17/17.0.14+7"
    jproc = Proc(runner=R, component="StandaloneSessionClusterEntrypoint", jvm=jvm, heap_mib=1024,
                 jvm_opts=["-Xmx1073741824", "-Xms1073741824", "-XX:MaxMetaspaceSize=268435456"] + JDK17_OPENS[:3]
                 + ["--add-opens=java.base/java.util=ALL-UNNAMED",
                    "-Dlog.file=/opt/flink/log/flink--standalonesession-0-jobmanager.log",
                    "-Dlog4j.configuration=file:/opt/flink/conf/log4j-console.properties",
                    "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j-console.properties",
                    "-Dlogback.configurationFile=file:/opt/flink/conf/logback-console.xml"],
                 args=jm_args(), classpath=flink_lib_classpath(v), preconf=jm_preconf(v, conf))
    banner(jm, jclk, jproc)
    jm.info(jclk.step(1, 3), R, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    load_config(jm, jclk, conf)
    jm.info(jclk.step(20, 50), "org.apache.flink.core.fs.FileSystem",
            "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
    jm.info(jclk.step(10, 30), "org.apache.flink.core.plugin.DefaultPluginManager", "Plugin loader with ID not found, creating it: s3-fs-hadoop")
    jm.info(jclk.step(5, 20), "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
            "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.")
    names = jm_boot(jm, jclk, rng, entry=R, host=JM_HOST, rpc_port=6123, rest_host="0.0.0.0", rest_port=8081,
                    log_dir="/opt/flink/log/flink--standalonesession-0-jobmanager", workdir=f"/tmp/jm_{hexid(rng)}",
                    rest_logger="org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint", dispatcher_cls=SDR,
                    rm_cls=SRM, rm_logger=SRM, flavour="standalone", blob_dir=f"/tmp/jm_{hexid(rng)}/blobStorage",
                    leader_process="SessionDispatcherLeaderProcess")
    jm.info(jclk.step(1, 5), slot_manager_logger(v), "Starting the slot manager.")
    jm_up = find_time(jm, f"Actor system started at pekko.tcp://flink@{JM_HOST}:6123")

    # ------------------------------------------------------------------ TaskManager
    c = Clock(rng, day.replace(hour=8, minute=55, second=11, microsecond=894000))
    TJ = ["-Xmx" + str(mem.heap), "-Xms" + str(mem.heap), f"-XX:MaxDirectMemorySize={mem.direct}",
          f"-XX:MaxMetaspaceSize={mem.metaspace}"] + JDK17_OPENS[:3] + [
        "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dlog.file=/opt/flink/log/flink--taskexecutor-0-taskmanager.log",
        "-Dlog4j.configuration=file:/opt/flink/conf/log4j-console.properties",
        "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j-console.properties",
        "-Dlogback.configurationFile=file:/opt/flink/conf/logback-console.xml"]
    p = Proc(jvm=jvm, heap_mib=mem.heap >> 20, jvm_opts=TJ, args=tm_args(mem), classpath=flink_lib_classpath(v),
             preconf=tm_preconf(v, mem, conf))
    banner(tml, c, p)
    tml.info(c.step(1, 4), TMR, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    tml.info(c.step(10, 30), TMR, "Maximum number of open file descriptors is 1048576.")
    load_config(tml, c, conf, mem.dynamic())
    tml.info(c.step(40, 90), "org.apache.flink.core.fs.FileSystem",
             "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
    tml.info(c.step(10, 30), "org.apache.flink.core.plugin.DefaultPluginManager", "Plugin loader with ID not found, creating it: s3-fs-hadoop")
    tml.info(c.step(10, 40), "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
             "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.")
    security_no_hadoop(tml, c, rng)
    connection_probe(tml, c, rng, JM_HOST, JM_IP, "taskmanager", tm.ip, jm_up)
    tm_services(tml, c, tm, rng)
    c.at(max(c.t, jclk.t + ms(rng.uniform(50, 200))))
    tm_register_rm(tml, c, tm, rng, names["rm_addr"], hexid(rng))
    jm_register_tm(jm, c.t - ms(rng.uniform(20, 50)), SRM, tm)

    # ------------------------------------------------------------------ job
    src = Vertex("Source: payments-kafka -> Map", "cbc357ccb763df2852fee8c4fc7d55f2", 4)
    win = Vertex("Window(TumblingEventTimeWindows(60000), EventTimeTrigger, PaymentAggregator, PassThroughWindowFunction)"
                 " -> warehouse-jdbc: Writer", hexid(rng), 4)
    allocs = [hexid(rng) for _ in range(4)]
    egid = hexid(rng)

    def make_execs(attempt: int) -> list[Exec]:
        return [Exec(v, rng, vx, st, attempt, tm, allocs[st], egid) for vx in (src, win) for st in range(4)]

    execs0 = make_execs(0)
    kafka_commit = "84caaa6e9da06435"
    cluster_id = "MkU3OEVBNTcwNTJENDM2Qg"

    def enumerator(cl: Clock, restored: bool = False) -> None:
        SC = "org.apache.flink.runtime.source.coordinator.SourceCoordinator"
        if restored:
            jm.info(cl.step(1, 3), SC, "Restoring SplitEnumerator of source Source: payments-kafka from checkpoint.")
        jm.info(cl.step(1, 5), SC, "Starting split enumerator for source Source: payments-kafka.")
        jm.info(cl.step(5, 20), "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 3.9.0")
        jm.info(cl.step(0, 1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka commitId: {kafka_commit}")
        jm.info(cl.step(0, 1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(cl.t)}")
        jm.info(cl.step(1, 5), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                f"Starting the KafkaSourceEnumerator for consumer group {group} with partition discovery interval of 300000 ms.")
        jm.info(cl.step(150, 400), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                "Discovered new partitions: [" + ", ".join(f"payments-{p}" for p in range(8)) + "]")

    jclk.at(day.replace(hour=9, minute=12, second=31, microsecond=118000))
    backend = [("org.apache.flink.runtime.state.StateBackendLoader", "State backend loader loads the state backend as HashMapStateBackend"),
               (JMASTER, f"State backend is set to heap memory org.apache.flink.runtime.state.hashmap.HashMapStateBackend@{hexid(rng, 8)}"),
               (JMASTER, f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")")]
    restart = ("ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=1000, maxBackoffMS=60000, backoffMultiplier=1.5, "
               "resetBackoffThresholdMS=3600000, jitterFactor=0.1, currentBackoffMS=1000, attemptsBeforeResetBackoff="
               "2147483647, currentRestartAttempt=0, nextRestartTimestamp=-9223372036854775808)")
    jm_addr = jm_job_start(jm, jclk, rng, names=names, dispatcher=SDR, rm_logger=SRM, job=job, jname=jname, restart=restart,
                           egid=egid, backend_lines=backend, execs=execs0, n_slots=4, extra_before_sched=enumerator)
    c = Clock(rng, jclk.t + ms(rng.uniform(8, 20)))
    tm_slot_offer(tml, c, tm, job, allocs, jm_addr, True, mem.slot_profile())

    def init_cb(lg: Log, t: dt.datetime, e: Exec, phase: str) -> None:
        if phase == "deploy":
            lg.info(t, "org.apache.flink.runtime.state.StateBackendLoader", "State backend loader loads the state backend as HashMapStateBackend")
            lg.info(t + ms(1), "org.apache.flink.streaming.runtime.tasks.StreamTask",
                    f"State backend is set to heap memory org.apache.flink.runtime.state.hashmap.HashMapStateBackend@{hexid(rng, 8)}")
            lg.info(t + ms(2), "org.apache.flink.streaming.runtime.tasks.StreamTask",
                    f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")")
        elif e.vertex is win:
            lg.warn(t, "org.apache.flink.metrics.MetricGroup",
                    "The operator name Window(TumblingEventTimeWindows(60000), EventTimeTrigger, PaymentAggregator, "
                    "PassThroughWindowFunction) exceeded the 80 characters length limit and was truncated.")
            lg.info(t + ms(rng.uniform(20, 60)), "com.acme.payments.sink.WarehouseJdbcWriter",
                    f"Subtask {e.st}: connected to jdbc:mysql://warehouse-db:3306/dw (batchSize=2000, flushInterval=5000 ms, "
                    "maxRetries=5)")

    parts = {i: [f"payments-{p}" for p in range(8) if p % 4 == i] for i in range(4)}

    def readers(execs: list[Exec], restored: bool) -> None:
        for e in execs[:4]:
            ta = e.t_running + ms(rng.uniform(30, 200))
            jm.info(ta, "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                    f"Source Source: payments-kafka registering reader for parallel task {e.st} (#{e.attempt}) @ {tm.ip}")
            off = (lambda p: rng.randint(31_000_000, 36_000_000)) if restored else (lambda p: -3)
            splits = ", ".join(f"[Partition: {p}, StartingOffset: {off(p)}, StoppingOffset: -9223372036854775808]" for p in parts[e.st])
            if not restored:
                jm.info(ta + ms(2), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                        f"Assigning splits to readers {{{e.st}=[{splits}]}}")
            tb = ta + ms(rng.uniform(3, 10))
            tml.info(tb, "org.apache.flink.connector.base.source.reader.SourceReaderBase", f"Adding split(s) to reader: [{splits}]")
            t2_ = kafka_consumer_start(tml, tb + ms(rng.uniform(3, 9)), rng, f"{group}-{e.st}", group, bootstrap, "3.9.0",
                                       kafka_commit, parts[e.st], "latest", cluster_id)
            tml.info(t2_ - ms(rng.uniform(40, 70)), "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher",
                     "Starting split fetcher 0")

    run_t = run_deploy(jm, tmlogs, execs0, jclk.t + ms(rng.uniform(180, 260)), rng, init_cb,
                       init_ms=lambda e: rng.uniform(250, 700))
    readers(execs0, False)

    # ------------------------------------------------------------------ checkpoints slow down, then expire
    slow = run_t + sec(27 * 60 + rng.uniform(0, 30))

    def duration(t: dt.datetime) -> float:
        m = max(0.0, (t - slow).total_seconds() / 60)
        return rng.uniform(1.4, 2.6) + 4.0 * m + 0.066 * m * m + (rng.uniform(-8, 8) if m else 0)

    t = run_t + sec(rng.uniform(58, 62))
    ckpt = 1
    completed = {}
    failures = 0
    expired = []
    LATE = []
    gfail = None
    while True:
        d = duration(t)
        ts = ckpt_trigger(jm, t, ckpt, job, 0, rng)
        if d > 45:
            # source subtasks execute the RPC-triggered checkpoint late (their mailbox is blocked on output buffers)
            for st in rng.sample(range(4), rng.randint(1, 3)):
                delay = min(d * rng.uniform(0.25, 0.6), 590) * 1000
                if delay >= 30000:
                    tml.warn(t + ms(delay), "org.apache.flink.streaming.runtime.tasks.SubtaskCheckpointCoordinatorImpl",
                             f"Time from receiving all checkpoint barriers/RPC for checkpoint {ckpt} to executing it "
                             f"exceeded threshold: {int(delay)}ms")
        if d < 600:
            size = int((180 + (t - run_t).total_seconds() / 60 * 1.7) * 1024 * 1024 * rng.uniform(0.97, 1.03))
            tc = ckpt_complete(jm, t, ckpt, job, size, int(d * 1000), rng.randint(4, 40))
            completed[ckpt] = (t, ts, size)
            failures = 0
            t = max(t + sec(60), tc + sec(30)) + ms(rng.uniform(0, 15))
        else:
            te = t + sec(600) + ms(rng.uniform(0, 3))
            jm.info(te, CC, f"Checkpoint {ckpt} of job {job} expired before completing.")
            exp = ["org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.",
                   "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator$CheckpointCanceller.run(CheckpointCoordinator.java:2353)|D",
                   "at java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)|J",
                   "at java.util.concurrent.FutureTask.run(FutureTask.java:264)|J",
                   "at java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run(ScheduledThreadPoolExecutor.java:304)|J",
                   "at java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)|J",
                   "at java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)|J",
                   "at java.lang.Thread.run(Thread.java:840)|J"]
            jm.warn(te + ms(1), CFM, f"Failed to trigger or complete checkpoint {ckpt} for job {job}. "
                                     f"({failures} consecutive failed attempts so far)", tr.render(["!" + x if x.startswith("at ") else x for x in exp]))
            expired.append((ckpt, t, te))
            failures += 1
            # acknowledgements that arrive after the expiry
            for e in rng.sample(execs0[4:], rng.randint(1, 3)):
                LATE.append((te + sec(rng.uniform(8, 150)), ckpt, e))
            if failures > 2:
                gfail = te + ms(2)
                break
            t = te + ms(rng.uniform(2, 20))
        ckpt += 1
    for x, n, e in LATE:
        if x < gfail:
            jm.warn(x, CC, f"Received late message for now expired checkpoint attempt {n} from task {e.aid} of job {job} "
                           f"at {tm.location}.")
    last_ok = max(completed)

    # sink-side slowness on the TaskManager
    SW = "com.acme.payments.sink.WarehouseJdbcWriter"
    x = slow - sec(240)
    while x < gfail:
        m = max(0.0, (x - slow).total_seconds() / 60)
        st = rng.randint(0, 3)
        took = int(rng.uniform(5200, 9000) + m * rng.uniform(180, 420))
        if rng.random() < min(0.35, 0.1 + m / 200):
            tml.warn(x, SW, f"Subtask {st}: Lock wait timeout exceeded on dw.payment_totals, retrying batch of 2000 rows "
                            f"(attempt {rng.randint(2, 4)}/5) in 2000 ms: java.sql.SQLException: Lock wait timeout exceeded; "
                            "try restarting transaction")
        else:
            tml.warn(x, SW, f"Subtask {st}: slow batch: wrote 2000 rows to dw.payment_totals in {took} ms "
                            f"(slow-batch threshold 5000 ms, queued batches: {min(64, int(1 + m * 0.9))})")
        x += sec(max(12.0, 240 - m * 5.5) * rng.uniform(0.6, 1.3))
    # Kafka noise
    for st in range(4):
        y = run_t + sec(rng.uniform(300, 900))
        while y < gfail:
            kafka_fetch_disconnect(tml, y, rng, f"{group}-{st}", group, rng.randint(1, 1))
            y += sec(rng.uniform(900, 2200))

    # ------------------------------------------------------------------ global failover
    cfail = ["org.apache.flink.util.FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold. The latest "
             "checkpoint failed due to Checkpoint expired before completing., view the Checkpoint History tab or the Job "
             "Manager log to find out why continuous checkpoints failed.",
             "at org.apache.flink.runtime.checkpoint.CheckpointFailureManager.checkFailureAgainstCounter(CheckpointFailureManager.java:212)|D",
             "at org.apache.flink.runtime.checkpoint.CheckpointFailureManager.handleJobLevelCheckpointException(CheckpointFailureManager.java:169)|D",
             "at org.apache.flink.runtime.checkpoint.CheckpointFailureManager.handleCheckpointException(CheckpointFailureManager.java:122)|D",
             "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator.abortPendingCheckpoint(CheckpointCoordinator.java:2275)|D",
             "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator.abortPendingCheckpoint(CheckpointCoordinator.java:2254)|D",
             "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator.access$700(CheckpointCoordinator.java:103)|D",
             "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator$CheckpointCanceller.run(CheckpointCoordinator.java:2353)|D",
             "at java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)|J",
             "at java.util.concurrent.FutureTask.run(FutureTask.java:264)|J",
             "at java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run(ScheduledThreadPoolExecutor.java:304)|J",
             "at java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)|J",
             "at java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)|J",
             "at java.lang.Thread.run(Thread.java:840)|J"]
    jm.info(gfail, JMASTER, "Trying to recover from a global failure.", tr.render(cfail))
    jm_region_restart(jm, gfail + ms(3), None, 8, global_failure=True)
    job_switch(jm, gfail + ms(5), jname, job, "RUNNING", "RESTARTING")
    tt = gfail + ms(6)
    for e in execs0:
        tt += ms(rng.uniform(0.2, 1.2))
        jm_switch(jm, tt, e, "RUNNING", "CANCELING")
    done = tt
    stuck = execs0[6]
    for e in execs0:
        t0 = tt + ms(rng.uniform(8, 30))
        if e is stuck:
            dump = ("java.base@17.0.14/sun.nio.ch.Net.poll(Native Method)\n"
                    "java.base@17.0.14/sun.nio.ch.NioSocketImpl.park(Unknown Source)\n"
                    "java.base@17.0.14/sun.nio.ch.NioSocketImpl.timedRead(Unknown Source)\n"
                    "java.base@17.0.14/sun.nio.ch.NioSocketImpl.implRead(Unknown Source)\n"
                    "java.base@17.0.14/sun.nio.ch.NioSocketImpl.read(Unknown Source)\n"
                    "java.base@17.0.14/sun.nio.ch.NioSocketImpl$1.read(Unknown Source)\n"
                    "java.base@17.0.14/java.net.Socket$SocketInputStream.read(Unknown Source)\n"
                    "com.mysql.cj.protocol.ReadAheadInputStream.fill(ReadAheadInputStream.java:107)\n"
                    "com.mysql.cj.protocol.ReadAheadInputStream.readFromUnderlyingStreamIfNecessary(ReadAheadInputStream.java:150)\n"
                    "com.mysql.cj.protocol.ReadAheadInputStream.read(ReadAheadInputStream.java:180)\n"
                    "java.base@17.0.14/java.io.FilterInputStream.read(Unknown Source)\n"
                    "com.mysql.cj.protocol.FullReadInputStream.readFully(FullReadInputStream.java:64)\n"
                    "com.mysql.cj.protocol.a.SimplePacketReader.readHeaderLocal(SimplePacketReader.java:81)\n"
                    "com.mysql.cj.protocol.a.SimplePacketReader.readHeader(SimplePacketReader.java:63)\n"
                    "com.mysql.cj.protocol.a.SimplePacketReader.readHeader(SimplePacketReader.java:45)\n"
                    "com.mysql.cj.protocol.a.NativeProtocol.readMessage(NativeProtocol.java:552)\n"
                    "com.mysql.cj.protocol.a.NativeProtocol.checkErrorMessage(NativeProtocol.java:732)\n"
                    "com.mysql.cj.protocol.a.NativeProtocol.sendCommand(NativeProtocol.java:671)\n"
                    "com.mysql.cj.protocol.a.NativeProtocol.sendQueryPacket(NativeProtocol.java:979)\n"
                    "com.mysql.cj.NativeSession.execSQL(NativeSession.java:663)\n"
                    "com.mysql.cj.jdbc.ClientPreparedStatement.executeInternal(ClientPreparedStatement.java:913)\n"
                    "com.mysql.cj.jdbc.ClientPreparedStatement.executeUpdateInternal(ClientPreparedStatement.java:1151)\n"
                    "com.mysql.cj.jdbc.ClientPreparedStatement.executeBatchWithMultiValuesClause(ClientPreparedStatement.java:665)\n"
                    "com.mysql.cj.jdbc.ClientPreparedStatement.executeBatchInternal(ClientPreparedStatement.java:409)\n"
                    "com.mysql.cj.jdbc.StatementImpl.executeBatch(StatementImpl.java:795)\n"
                    "com.acme.payments.sink.WarehouseJdbcWriter.flush(WarehouseJdbcWriter.java:142)\n"
                    "com.acme.payments.sink.WarehouseJdbcWriter.write(WarehouseJdbcWriter.java:97)\n"
                    "app//org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperator.processElement(SinkWriterOperator.java:203)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.ChainingOutput.pushToOperator(ChainingOutput.java:109)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.ChainingOutput.collect(ChainingOutput.java:78)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.ChainingOutput.collect(ChainingOutput.java:40)\n"
                    "app//org.apache.flink.streaming.api.operators.TimestampedCollector.collect(TimestampedCollector.java:52)\n"
                    "app//org.apache.flink.streaming.runtime.operators.windowing.functions.InternalSingleValueWindowFunction.process(InternalSingleValueWindowFunction.java:46)\n"
                    "app//org.apache.flink.streaming.runtime.operators.windowing.WindowOperator.emitWindowContents(WindowOperator.java:580)\n"
                    "app//org.apache.flink.streaming.runtime.operators.windowing.WindowOperator.onEventTime(WindowOperator.java:478)\n"
                    "app//org.apache.flink.streaming.api.operators.InternalTimerServiceImpl.advanceWatermark(InternalTimerServiceImpl.java:311)\n"
                    "app//org.apache.flink.streaming.api.operators.InternalTimeServiceManagerImpl.advanceWatermark(InternalTimeServiceManagerImpl.java:201)\n"
                    "app//org.apache.flink.streaming.api.operators.AbstractStreamOperator.processWatermark(AbstractStreamOperator.java:611)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitWatermark(OneInputStreamTask.java:242)\n"
                    "app//org.apache.flink.streaming.runtime.watermarkstatus.StatusWatermarkValve.findAndOutputNewMinWatermarkAcrossAlignedChannels(StatusWatermarkValve.java:200)\n"
                    "app//org.apache.flink.streaming.runtime.watermarkstatus.StatusWatermarkValve.inputWatermark(StatusWatermarkValve.java:115)\n"
                    "app//org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.processElement(AbstractStreamTaskNetworkInput.java:227)\n"
                    "app//org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.emitNext(AbstractStreamTaskNetworkInput.java:163)\n"
                    "app//org.apache.flink.streaming.runtime.io.StreamOneInputProcessor.processInput(StreamOneInputProcessor.java:65)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:638)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.StreamTask$$Lambda/0x00007f5d0c4b7a38.runDefaultAction(Unknown Source)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor.runMailboxLoop(MailboxProcessor.java:231)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.StreamTask.runMailboxLoop(StreamTask.java:973)\n"
                    "app//org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:917)\n"
                    "app//org.apache.flink.runtime.taskmanager.Task$$Lambda/0x00007f5d0c4a6c28.run(Unknown Source)\n"
                    "app//org.apache.flink.runtime.taskmanager.Task.runWithSystemExitMonitoring(Task.java:963)\n"
                    "app//org.apache.flink.runtime.taskmanager.Task.restoreAndInvoke(Task.java:936)\n"
                    "app//org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:755)\n"
                    "app//org.apache.flink.runtime.taskmanager.Task.run(Task.java:566)\n"
                    "java.base@17.0.14/java.lang.Thread.run(Unknown Source)")

            def extra(x, e=e):
                tml.warn(x + sec(30), TASK, f"Task '{e.tm_name}' did not react to cancelling signal - interrupting; it is "
                                            f"stuck for 30 seconds in method:\n {dump}")
            d_ = tm_cancel(tml, t0, e, rng, dur=47000, dmin=41000, extra=extra)
            tml.warn(d_ - ms(rng.uniform(3, 8)), SW, f"Subtask {e.st}: batch of 2000 rows to dw.payment_totals aborted: "
                                                      "java.sql.SQLException: Lock wait timeout exceeded; try restarting transaction")
        elif e.vertex is src:
            def extra(x, e=e):
                kafka_consumer_close(tml, x + ms(rng.uniform(5, 15)), f"{group}-{e.st}")
            d_ = tm_cancel(tml, t0, e, rng, dur=rng.uniform(30, 90), extra=extra)
        else:
            d_ = tm_cancel(tml, t0, e, rng, dur=rng.uniform(120, 900))
        jm_switch(jm, d_ + ms(rng.uniform(2, 6)), e, "CANCELING", "CANCELED")
        if e.vertex is src:
            jm.info(d_ + ms(7), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                    f"Removing registered reader after failure for subtask {e.st} (#0) of source Source: payments-kafka.")
        done = max(done, d_)
    rs = done + ms(rng.uniform(1010, 1090))
    job_switch(jm, rs, jname, job, "RESTARTING", "RUNNING")
    ck_t, ck_ts, ck_size = completed[last_ok]
    jm.info(rs + ms(2), CC, f"Restoring job {job} from Checkpoint {last_ok} @ {ck_ts} for {job} located at "
                            f"{ckdir}/{job}/chk-{last_ok}.")
    jm.info(rs + ms(3), CC, "No master state to restore")
    cl = Clock(rng, rs + ms(3))
    enumerator(cl, True)
    execs1 = make_execs(1)
    tt = cl.t
    for e in execs1:
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "CREATED", "SCHEDULED")
    run2 = run_deploy(jm, tmlogs, execs1, tt + ms(rng.uniform(60, 120)), rng, init_cb,
                      init_ms=lambda e: rng.uniform(3000, 5000) if e.vertex is win else rng.uniform(250, 600))
    readers(execs1, True)
    # after the restart the sink is still slow: the first checkpoint takes minutes again
    ckpt += 1
    t = run2 + sec(rng.uniform(58, 63))
    ckpt_trigger(jm, t, ckpt, job, 0, rng)
    d = rng.uniform(380, 420)
    tml.warn(t + sec(d * 0.4), "org.apache.flink.streaming.runtime.tasks.SubtaskCheckpointCoordinatorImpl",
             f"Time from receiving all checkpoint barriers/RPC for checkpoint {ckpt} to executing it exceeded threshold: "
             f"{int(d * 400)}ms")
    tc = ckpt_complete(jm, t, ckpt, job, int(ck_size * 1.02), int(d * 1000), rng.randint(10, 40))
    x = run2 + sec(40)
    while x < tc:
        tml.warn(x, SW, f"Subtask {rng.randint(0, 3)}: slow batch: wrote 2000 rows to dw.payment_totals in "
                        f"{int(rng.uniform(14000, 26000))} ms (slow-batch threshold 5000 ms, queued batches: {rng.randint(8, 30)})")
        x += sec(rng.uniform(25, 60))
    t2_ = max(t + sec(60), tc + sec(30)) + ms(rng.uniform(0, 15))
    ckpt_trigger(jm, t2_, ckpt + 1, job, 0, rng)

    d = os.path.join(root, "checkpoint-expiry-2.0")
    end = t2_ + sec(5)
    write(d, "jobmanager.log", jm.render(end=end))
    write(d, "taskmanager.log", tml.render(end=end))
    write(d, "README.md",
          "# checkpoint-expiry-2.0\n\n"
          "Flink 2.0.0 standalone session cluster in Docker (JDK 17, HashMap state backend). A JDBC sink writing to a "
          "warehouse database slows down (lock waits); back-pressure makes checkpoint durations grow from ~2 s to ~9 min, "
          "then three checkpoints in a row expire after the 10 min timeout, the tolerable-failure threshold (2) is exceeded "
          "and the job fails over and restores from the last completed checkpoint. No TaskManager is lost.\n\n"
          "Expected root cause: `checkpoint_expiry_tolerable_threshold`\n")
    return {"job": job, "tm": tm.rid, "expired": [e[0] for e in expired], "last_ok": last_ok, "gfail": gfail}


# =====================================================================================================================
# Incident 5: a window function runs out of heap (Flink 1.10.3 standalone, log4j 1 layout, JDK 8)
# =====================================================================================================================


def incident_heap_oom(root: str) -> dict:
    rng = random.Random(20200601)
    v = Ver("1.10.3", None, "b4ad5b4", "16.01.2021 @ 19:30:02 CET", "flink-dist_2.11-1.10.3.jar", "akka", "8", rng)
    tr = Trace(v)
    day = dt.datetime(2020, 6, 1)
    jm = Log(v)
    tml = Log(v)
    JM_HOST, JM_IP = "flink-jm", "10.1.4.10"
    SDR = "org.apache.flink.runtime.dispatcher.StandaloneDispatcher"
    SRM = "org.apache.flink.runtime.resourcemanager.StandaloneResourceManager"
    job = hexid(rng)
    jname = "clickstream-sessions"
    ckdir = "file:/mnt/nfs/flink/checkpoints"
    group = "clickstream-sessions"
    bootstrap = "kafka1:9092, kafka2:9092, kafka3:9092"
    mem = TmMemory(3072, slots=2, cpu=2.0)
    heap_mb = (mem.heap + (1 << 20) - 1) >> 20  # G1 aligns the heap to its region size
    rid = hexid(rng)
    tm = TmInfo(rid=rid, loc_id=rid, host="flink-tm-1", ip="10.1.4.21", rpc_host="flink-tm-1", rpc_port=40357,
                metrics_port=37711, data_port=40263, slots=2, mem=mem, tmp="/tmp", disk_total=197, disk_usable=150,
                short="flink-tm-1")
    tmlogs = {tm.key: tml}
    conf = [("jobmanager.rpc.address", JM_HOST), ("jobmanager.rpc.port", "6123"), ("jobmanager.heap.size", "1024m"),
            ("taskmanager.memory.process.size", "3072m"), ("taskmanager.numberOfTaskSlots", "2"),
            ("parallelism.default", "2"), ("jobmanager.execution.failover-strategy", "region"),
            ("state.backend", "filesystem"), ("state.checkpoints.dir", ckdir),
            ("state.savepoints.dir", "file:/mnt/nfs/flink/savepoints"), ("restart-strategy", "fixed-delay"),
            ("restart-strategy.fixed-delay.attempts", "2"), ("restart-strategy.fixed-delay.delay", "30 s"),
            ("rest.port", "8081"),
            ("env.java.opts.taskmanager", "-XX:+UseG1GC -Xloggc:/opt/flink/log/taskmanager.gc.log -XX:+PrintGCDetails "
                                          "-XX:+PrintGCDateStamps -XX:+PrintGCCause")]

    def slot_profile_110() -> str:
        return (f"ResourceProfile{{cpuCores=1.0000000000000000, taskHeapMemory={human(mem.task_heap // 2)}, "
                f"taskOffHeapMemory=0 bytes, managedMemory={human(mem.managed // 2)}, networkMemory={human(mem.network // 2)}}}")

    # ------------------------------------------------------------------ JobManager
    jclk = Clock(rng, day.replace(hour=13, minute=20, second=5, microsecond=211000))
    R = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
    jvm = "OpenJDK 64-Bit Server VM - Private Build - 1.8/25.252-b09"
    jproc = Proc(runner=R, component="StandaloneSessionClusterEntrypoint", jvm=jvm, heap_mib=981,
                 java_home="/usr/lib/jvm/java-8-openjdk-amd64",
                 jvm_opts=["-Xms1024m", "-Xmx1024m", f"-Dlog.file=/opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}.log",
                           "-Dlog4j.configuration=file:/opt/flink/conf/log4j.properties",
                           "-Dlogback.configurationFile=file:/opt/flink/conf/logback.xml"],
                 args=["--configDir", "/opt/flink/conf", "--executionMode", "cluster"],
                 classpath=flink_lib_classpath(v, ["flink-connector-kafka_2.11-1.10.3.jar", "flink-connector-kafka-base_2.11-1.10.3.jar",
                                                   "kafka-clients-2.2.0.jar"]))
    banner(jm, jclk, jproc)
    jm.info(jclk.step(1, 3), R, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    load_config(jm, jclk, conf)
    jm.info(jclk.step(1, 4), R, "Starting StandaloneSessionClusterEntrypoint.")
    jm.info(jclk.step(5, 15), R, "Install default filesystem.")
    jm.info(jclk.step(20, 60), R, "Install security context.")
    jm.info(jclk.step(8, 30), "org.apache.flink.runtime.security.modules.HadoopModuleFactory",
            "Cannot create Hadoop Security Module because Hadoop cannot be found in the Classpath.")
    jm.info(jclk.step(4, 20), "org.apache.flink.runtime.security.modules.JaasModule",
            f"Jaas file will be created as /tmp/jaas-{rng.randint(10 ** 18, 10 ** 19 - 1)}.conf.")
    jm.info(jclk.step(1, 6), R, "Initializing cluster services.")
    actor_system(jm, jclk, f"{JM_HOST}:6123", "", JM_HOST, 6123)
    jm.info(jclk.step(10, 40), "org.apache.flink.runtime.blob.BlobServer",
            f"Created BLOB server storage directory /tmp/blobStore-{uuid4(rng)}")
    jm.info(jclk.step(1, 5), "org.apache.flink.runtime.blob.BlobServer",
            "Started BLOB server at 0.0.0.0:6124 - max concurrent requests: 50 - max backlog: 1000")
    jm.info(jclk.step(3, 12), SLF, "No metrics reporter configured, no metrics will be exposed/reported.")
    actor_system(jm, jclk, f"{JM_HOST}:0", "", JM_HOST, 36127, "flink-metrics", slow=False)
    rpc_endpoint(jm, jclk.step(8, 20), "org.apache.flink.runtime.metrics.dump.MetricQueryService", "/user/MetricQueryService",
                 "flink-metrics")
    jm.info(jclk.step(40, 90), "org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint",
            f"Upload directory /tmp/flink-web-{uuid4(rng)}/flink-web-upload does not exist, or has been deleted externally. "
            "Previously uploaded files are no longer available.")
    jm.info(jclk.step(0, 2), "org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint",
            f"Created directory /tmp/flink-web-{uuid4(rng)}/flink-web-upload for file uploads.")
    jm.info(jclk.step(5, 20), "org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint", "Starting rest endpoint.")
    jm.info(jclk.step(60, 200), "org.apache.flink.runtime.webmonitor.WebMonitorUtils",
            f"Determined location of main cluster component log file: /opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}.log")
    jm.info(jclk.step(0, 2), "org.apache.flink.runtime.webmonitor.WebMonitorUtils",
            f"Determined location of main cluster component stdout file: /opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}.out")
    jm.info(jclk.step(100, 250), "org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint", f"Rest endpoint listening at {JM_HOST}:8081")
    jm.info(jclk.step(0, 2), "org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint",
            f"http://{JM_HOST}:8081 was granted leadership with leaderSessionID=00000000-0000-0000-0000-000000000000")
    jm.info(jclk.step(0, 2), "org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint", f"Web frontend listening at http://{JM_HOST}:8081.")
    rpc_endpoint(jm, jclk.step(300, 600), SRM, "/user/resourcemanager")
    rpc_endpoint(jm, jclk.step(15, 45), SDR, "/user/dispatcher")
    jm.info(jclk.step(10, 30), SRM, f"ResourceManager akka.tcp://flink@{JM_HOST}:6123/user/resourcemanager was granted "
                                    "leadership with fencing token 00000000000000000000000000000000")
    jm.info(jclk.step(1, 5), "org.apache.flink.runtime.resourcemanager.slotmanager.SlotManagerImpl", "Starting the SlotManager.")
    jm.info(jclk.step(20, 60), SDR, f"Dispatcher akka.tcp://flink@{JM_HOST}:6123/user/dispatcher was granted leadership with "
                                    "fencing token 00000000-0000-0000-0000-000000000000")
    jm.info(jclk.step(1, 4), SDR, "Recovering all persisted jobs.")
    names = {"rm_addr": f"akka.tcp://flink@{JM_HOST}:6123/user/resourcemanager", "host": JM_HOST, "rpc_port": 6123, "next_jm": 1}
    jm_up = find_time(jm, f"Actor system started at akka.tcp://flink@{JM_HOST}:6123")

    # ------------------------------------------------------------------ TaskManager
    c = Clock(rng, day.replace(hour=13, minute=20, second=7, microsecond=52000))
    jvm_start = c.t - ms(460)
    p = Proc(jvm=jvm, heap_mib=heap_mb, java_home=jproc.java_home,
             jvm_opts=["-XX:+UseG1GC", "-Xloggc:/opt/flink/log/taskmanager.gc.log", "-XX:+PrintGCDetails",
                       "-XX:+PrintGCDateStamps", "-XX:+PrintGCCause"] + mem.jvm_params()
             + [f"-Dlog.file=/opt/flink/log/flink-flink-taskexecutor-0-{tm.host}.log",
                "-Dlog4j.configuration=file:/opt/flink/conf/log4j.properties",
                "-Dlogback.configurationFile=file:/opt/flink/conf/logback.xml"],
             args=tm_args(mem), classpath=jproc.classpath)
    banner(tml, c, p)
    tml.info(c.step(1, 4), TMR, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    tml.info(c.step(10, 30), TMR, "Maximum number of open file descriptors is 65536.")
    load_config(tml, c, conf)
    tml.info(c.step(40, 90), "org.apache.flink.core.fs.FileSystem",
             "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
    tml.info(c.step(10, 40), "org.apache.flink.runtime.security.modules.HadoopModuleFactory",
             "Cannot create Hadoop Security Module because Hadoop cannot be found in the Classpath.")
    tml.info(c.step(5, 30), "org.apache.flink.runtime.security.modules.JaasModule",
             f"Jaas file will be created as /tmp/jaas-{rng.randint(10 ** 18, 10 ** 19 - 1)}.conf.")
    connection_probe(tml, c, rng, JM_HOST, JM_IP, tm.host, tm.ip, jm_up)
    tm_services(tml, c, tm, rng)
    c.at(max(c.t, jclk.t + ms(rng.uniform(50, 200))))
    tm_register_rm(tml, c, tm, rng, names["rm_addr"], hexid(rng))
    jm_register_tm(jm, c.t - ms(rng.uniform(20, 50)), SRM, tm)

    # ------------------------------------------------------------------ job
    src = Vertex("Source: clicks-kafka -> Timestamps/Watermarks", hexid(rng), 2)
    win = Vertex("Window(TumblingEventTimeWindows(3600000), EventTimeTrigger, SessionReportFunction) -> Sink: session-reports",
                 hexid(rng), 2)
    allocs = [hexid(rng) for _ in range(2)]

    def make_execs(attempt: int) -> list[Exec]:
        return [Exec(v, rng, vx, st, attempt, tm, allocs[st]) for vx in (src, win) for st in range(2)]

    execs0 = make_execs(0)
    jclk.at(day.replace(hour=13, minute=22, second=40, microsecond=517000))
    backend = [("org.apache.flink.runtime.state.StateBackendLoader",
                f"State backend is set to heap memory (checkpoints to filesystem \"{ckdir}\")")]
    srids = [hexid(rng) for _ in range(2)]

    def before_sched(cl: Clock) -> None:
        pass

    jm_addr = jm_job_start(jm, jclk, rng, names=names, dispatcher=SDR, rm_logger=SRM, job=job, jname=jname,
                           restart="FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=30000)",
                           egid="", backend_lines=backend, execs=execs0, n_slots=2, extra_before_sched=before_sched)
    # 1.10 slot pool requests slots explicitly
    SP = "org.apache.flink.runtime.jobmaster.slotpool.SlotPoolImpl"
    for i in range(2):
        jm.info(jclk.step(1, 4), SP, f"Requesting new slot [SlotRequestId{{{srids[i]}}}] and profile ResourceProfile{{UNKNOWN}} "
                                     "from resource manager.")
        jm.info(jclk.step(1, 4), SRM, f"Request slot with profile ResourceProfile{{UNKNOWN}} for job {job} with allocation id "
                                      f"{allocs[i]}.")
    c = Clock(rng, jclk.t + ms(rng.uniform(5, 15)))
    jls = "org.apache.flink.runtime.taskexecutor.JobLeaderService"
    for i, a in enumerate(allocs):
        tml.info(c.step(1, 10), TE, f"Receive slot request {a} for job {job} from resource manager with leader id "
                                    "00000000000000000000000000000000.")
        tml.info(c.step(3, 20), TE, f"Allocated slot for {a}.")
        if i == 0:
            tml.info(c.step(1, 10), jls, f"Add job {job} for job leader monitoring.")
            tml.info(c.step(1, 6), jls, f"Try to register at job manager {jm_addr} with leader id 00000000-0000-0000-0000-000000000000.")
            tml.info(c.step(5, 30), jls, "Resolved JobManager address, beginning registration")
            tml.info(c.step(1, 3), jls, "Registration at JobManager attempt 1 (timeout=100ms)")
            tml.info(c.step(5, 30), jls, f"Successful registration at job manager {jm_addr} for job {job}.")
            tml.info(c.step(0, 3), TE, f"Establish JobManager connection for job {job}.")
            tml.info(c.step(1, 6), TE, f"Offer reserved slots to the leader of job {job}.")
    for a in allocs:
        tml.info(c.step(5, 30), "org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl", f"Activate slot {a}.")
    partitions = {0: ["clicks-0", "clicks-2", "clicks-4"], 1: ["clicks-1", "clicks-3", "clicks-5"]}

    def init_cb(lg: Log, t: dt.datetime, e: Exec, phase: str) -> None:
        if phase == "deploy":
            lg.info(t, "org.apache.flink.runtime.state.StateBackendLoader",
                    f"State backend is set to heap memory (checkpoints to filesystem \"{ckdir}\")")
            return

    consumer_no = [0]
    producer_no = [0]

    def task_start(execs: list[Exec], restored: int | None) -> None:
        for e in execs:
            t = e.t_running + ms(rng.uniform(5, 30))
            if e.vertex is src:
                FK = "org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumerBase"
                kp = ", ".join(f"KafkaTopicPartition{{topic='clicks', partition={p.split('-')[1]}}}" for p in partitions[e.st])
                if restored:
                    tml.info(t, FK, f"Consumer subtask {e.st} restored state: {{{', '.join(k + '=' + str(rng.randint(4 * 10 ** 8, 5 * 10 ** 8)) for k in kp.split(', '))}}}.")
                else:
                    tml.info(t, FK, f"Consumer subtask {e.st} has no restore state.")
                consumer_no[0] += 1
                cid = f"consumer-{consumer_no[0]}"
                t += ms(rng.uniform(3, 10))
                tml.info(t, "org.apache.kafka.clients.consumer.ConsumerConfig", "ConsumerConfig values: \n" + kafka_block(
                    KAFKA_CONSUMER_CONFIG, reset="latest", bootstrap=bootstrap, client_id=cid, group=group) + "\n")
                t += ms(rng.uniform(20, 50))
                tml.info(t, "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 2.2.0")
                tml.info(t, "org.apache.kafka.common.utils.AppInfoParser", "Kafka commitId: 05fcfde8f69b0349")
                t += ms(rng.uniform(100, 300))
                how = "from the specified startup offsets" if restored else "from the committed group offsets in Kafka"
                if restored:
                    tml.info(t, FK, f"Consumer subtask {e.st} will start reading {len(partitions[e.st])} partitions with offsets in "
                                    f"restored state: {{{kp}}}")
                else:
                    tml.info(t, FK, f"Consumer subtask {e.st} will start reading the following {len(partitions[e.st])} partitions "
                                    f"{how}: [{kp}]")
                t += ms(rng.uniform(20, 80))
                tml.info(t, "org.apache.kafka.clients.Metadata", f"Cluster ID: 7Gvq9vRBRnqOqg2Vk1zS8w")
                t += ms(rng.uniform(30, 120))
                tml.info(t, "org.apache.kafka.clients.consumer.internals.AbstractCoordinator",
                         f"[Consumer clientId={cid}, groupId={group}] Discovered group coordinator kafka2:9092 (id: 2147483645 rack: null)")
            else:
                producer_no[0] += 1
                pid = f"producer-{producer_no[0]}"
                tml.info(t, "org.apache.kafka.clients.producer.ProducerConfig", "ProducerConfig values: \n" + kafka_block(
                    KAFKA_PRODUCER_CONFIG, acks="1", bootstrap=bootstrap, client_id=pid, txn_timeout="3600000", txn_id="null") + "\n")
                tml.info(t + ms(9), "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 2.2.0")
                tml.info(t + ms(9), "org.apache.kafka.common.utils.AppInfoParser", "Kafka commitId: 05fcfde8f69b0349")
                tml.info(t + ms(12), "org.apache.flink.streaming.connectors.kafka.FlinkKafkaProducer",
                         f"Starting FlinkKafkaInternalProducer ({e.st + 1}/2) to produce into default topic session-reports")
                tml.info(t + ms(rng.uniform(150, 300)), "org.apache.kafka.clients.Metadata", "Cluster ID: 7Gvq9vRBRnqOqg2Vk1zS8w")

    run_t = run_deploy(jm, tmlogs, execs0, jclk.t + ms(rng.uniform(60, 120)), rng, init_cb)
    task_start(execs0, None)

    # ------------------------------------------------------------------ checkpoints (every 2 min) and producer commits
    oom1 = day.replace(hour=14, minute=3, second=11, microsecond=437000)
    t = run_t + sec(rng.uniform(118, 122))
    ckpt = 1
    completed = {}
    commit_start = {0: epoch_ms(run_t), 1: epoch_ms(run_t)}
    while t < oom1 - sec(20):
        m = (t - run_t).total_seconds() / 60
        dur = int(rng.uniform(400, 900) + m * 95)
        size = int((25 + m * 17.5) * 1024 * 1024 * rng.uniform(0.97, 1.03))
        ts = ckpt_trigger(jm, t, ckpt, job, 0, rng)
        tc = ckpt_complete(jm, t, ckpt, job, size, dur, 0)
        for st in (0, 1):
            tml.info(tc + ms(rng.uniform(2, 30)), "org.apache.flink.streaming.api.functions.sink.TwoPhaseCommitSinkFunction",
                     f"FlinkKafkaProducer {st + 1}/2 - checkpoint {ckpt} complete, committing transaction "
                     f"TransactionHolder{{handle=KafkaTransactionState [transactionalId=null, producerId=-1, epoch=-1], "
                     f"transactionStartTime={commit_start[st]}}} from checkpoint {ckpt}")
            commit_start[st] = ts + rng.randint(200, 600)
        completed[ckpt] = (t, ts, size)
        ckpt += 1
        t += sec(120)
    # a checkpoint that is still running when the window fires (if one was triggered)
    pend = ckpt if t < oom1 - sec(2) else None
    if pend:
        ckpt_trigger(jm, t, pend, job, 0, rng)
    last_ok = ckpt - 1

    # ------------------------------------------------------------------ GC log (JDK 8, G1, PrintGCDetails)
    gc = LegacyG1(jvm_start, "+0000", rng, heap_mb)
    gc.header("-XX:G1HeapRegionSize=1048576 -XX:InitialHeapSize=%d -XX:MaxDirectMemorySize=%d -XX:MaxHeapSize=%d "
              "-XX:MaxMetaspaceSize=%d -XX:+PrintGC -XX:+PrintGCCause -XX:+PrintGCDateStamps -XX:+PrintGCDetails "
              "-XX:+PrintGCTimeStamps -XX:+UseCompressedClassPointers -XX:+UseCompressedOops -XX:+UseG1GC"
              % (heap_mb << 20, mem.direct, heap_mb << 20, mem.metaspace),
              "OpenJDK 64-Bit Server VM (25.252-b09) for linux-amd64 JRE (1.8.0_252-8u252-b09-1~18.04-b09), built on Apr 22 "
              "2020 08:39:52 by \"buildd\" with gcc 7.5.0", 16393964)
    gc.eden, gc.eden_next = 56.0, 56.0
    gt = jvm_start + sec(3.1)
    gt = gc.young(gt, promote=2.1, surv_after=6.0, dur_ms=9.4, eden=56.0, eden_next=58.0)
    gt = run_t + sec(rng.uniform(30, 40))
    window_start = run_t

    def window_live(x: dt.datetime) -> float:
        return 40 + (x - window_start).total_seconds() / 60 * 17.2

    cycles = 0
    while gt < oom1 - sec(40):
        live = window_live(gt)
        eden = max(24.0, min(160.0, heap_mb - gc.old - gc.surv - 120))
        if gc.old > 0.45 * heap_mb and cycles * 12 < (gt - run_t).total_seconds() / 60:
            end = gc.young(gt, promote=max(1.0, live + 20 - gc.old), surv_after=rng.uniform(6, 10), dur_ms=rng.uniform(40, 90),
                           kind="initial-mark", eden=eden, eden_next=eden)
            gt = gc.concurrent(end + ms(1), rng.uniform(0.8, 2.4))
            cycles += 1
            # a few mixed collections reclaim the short-lived garbage
            for _ in range(2):
                gt += sec(rng.uniform(40, 70))
                gt = gc.young(gt, promote=max(-30.0, live - gc.old + rng.uniform(-4, 4)), surv_after=rng.uniform(6, 10),
                              dur_ms=rng.uniform(30, 80), kind="mixed", eden=eden, eden_next=eden)
        else:
            gt = gc.young(gt, promote=max(1.0, live + rng.uniform(10, 40) - gc.old), surv_after=rng.uniform(5, 10),
                          dur_ms=rng.uniform(15, 60) * (1 + gc.old / heap_mb), eden=eden, eden_next=eden)
        gt += sec(eden / rng.uniform(1.3, 1.8))

    def oom_storm(t0: dt.datetime, fulls: list[float]) -> dt.datetime:
        # the window fires and the function copies the whole window into a list: humongous array allocations fill the
        # old generation, a concurrent cycle cannot keep up, young GCs fail to evacuate, then back-to-back Full GCs
        e0 = min(40.0, heap_mb - gc.old - gc.surv - 5)
        x = gc.young(t0, promote=rng.uniform(2, 6), surv_after=rng.uniform(4, 8), dur_ms=rng.uniform(35, 70),
                     kind="initial-mark", cause="G1 Humongous Allocation", eden=e0, eden_next=24.0)
        gc.raw(x + ms(1), "[GC concurrent-root-region-scan-start]")
        gc.raw(x + ms(9), f"[GC concurrent-root-region-scan-end, {rng.uniform(0.006, 0.012):.7f} secs]")
        gc.raw(x + ms(9), "[GC concurrent-mark-start]")
        gc.old += heap_mb - gc.old - gc.surv - 24 - rng.uniform(3, 6)  # humongous regions of the growing list
        x = gc.young(x + sec(rng.uniform(4.5, 6.5)), promote=0.0, surv_after=0.0, dur_ms=rng.uniform(140, 260),
                     to_space=True, eden=24.0, eden_next=0.0, after_total=heap_mb - rng.uniform(0.5, 2))
        gc.old = heap_mb - rng.uniform(1, 3)
        for i, d in enumerate(fulls):
            x = gc.full(x + ms(rng.uniform(3, 40)), d, heap_mb - rng.uniform(2, 9), eden_before=rng.uniform(0, 4), eden_next=0.0)
            if i == 0:
                gc.raw(x + ms(1), "[GC concurrent-mark-abort]")
        return x

    f_end = oom_storm(oom1 - sec(14.6), [4.2183317, 5.0841102, 5.6127519])

    # ------------------------------------------------------------------ failures, restarts
    oom = ["java.lang.OutOfMemoryError: Java heap space",
           "at java.util.Arrays.copyOf(Arrays.java:3181)|J",
           "at java.util.ArrayList.grow(ArrayList.java:265)|J",
           "at java.util.ArrayList.ensureExplicitCapacity(ArrayList.java:239)|J",
           "at java.util.ArrayList.ensureCapacityInternal(ArrayList.java:231)|J",
           "at java.util.ArrayList.add(ArrayList.java:462)|J",
           "at com.acme.clickstream.SessionReportFunction.process(SessionReportFunction.java:58)|U",
           "at com.acme.clickstream.SessionReportFunction.process(SessionReportFunction.java:31)|U",
           "at org.apache.flink.streaming.runtime.operators.windowing.functions.InternalIterableProcessWindowFunction.process(InternalIterableProcessWindowFunction.java:50)",
           "at org.apache.flink.streaming.runtime.operators.windowing.functions.InternalIterableProcessWindowFunction.process(InternalIterableProcessWindowFunction.java:32)",
           "at org.apache.flink.streaming.runtime.operators.windowing.WindowOperator.emitWindowContents(WindowOperator.java:549)",
           "at org.apache.flink.streaming.runtime.operators.windowing.WindowOperator.onEventTime(WindowOperator.java:457)",
           "at org.apache.flink.streaming.api.operators.InternalTimerServiceImpl.advanceWatermark(InternalTimerServiceImpl.java:276)",
           "at org.apache.flink.streaming.api.operators.InternalTimeServiceManager.advanceWatermark(InternalTimeServiceManager.java:128)",
           "at org.apache.flink.streaming.api.operators.AbstractStreamOperator.processWatermark(AbstractStreamOperator.java:787)",
           "at org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitWatermark(OneInputStreamTask.java:181)",
           "at org.apache.flink.streaming.runtime.streamstatus.StatusWatermarkValve.findAndOutputNewMinWatermarkAcrossAlignedChannels(StatusWatermarkValve.java:179)",
           "at org.apache.flink.streaming.runtime.streamstatus.StatusWatermarkValve.inputWatermark(StatusWatermarkValve.java:101)",
           "at org.apache.flink.streaming.runtime.io.StreamTaskNetworkInput.processElement(StreamTaskNetworkInput.java:153)",
           "at org.apache.flink.streaming.runtime.io.StreamTaskNetworkInput.emitNext(StreamTaskNetworkInput.java:128)",
           "at org.apache.flink.streaming.runtime.io.StreamOneInputProcessor.processInput(StreamOneInputProcessor.java:69)",
           ] + task_thread_frames(v)
    rpc110 = ["at org.apache.flink.runtime.executiongraph.failover.flip1.ExecutionFailureHandler.handleFailure(ExecutionFailureHandler.java:110)",
              "at org.apache.flink.runtime.executiongraph.failover.flip1.ExecutionFailureHandler.getFailureHandlingResult(ExecutionFailureHandler.java:76)",
              "at org.apache.flink.runtime.scheduler.DefaultScheduler.handleTaskFailure(DefaultScheduler.java:192)",
              "at org.apache.flink.runtime.scheduler.DefaultScheduler.maybeHandleTaskFailure(DefaultScheduler.java:186)",
              "at org.apache.flink.runtime.scheduler.DefaultScheduler.updateTaskExecutionStateInternal(DefaultScheduler.java:180)",
              "at org.apache.flink.runtime.scheduler.SchedulerBase.updateTaskExecutionState(SchedulerBase.java:484)",
              "at org.apache.flink.runtime.jobmaster.JobMaster.updateTaskExecutionState(JobMaster.java:380)",
              "at sun.reflect.GeneratedMethodAccessor84.invoke(Unknown Source)",
              "at sun.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
              "at java.lang.reflect.Method.invoke(Method.java:498)",
              "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleRpcInvocation(AkkaRpcActor.java:279)",
              "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleRpcMessage(AkkaRpcActor.java:194)",
              "at org.apache.flink.runtime.rpc.akka.FencedAkkaRpcActor.handleRpcMessage(FencedAkkaRpcActor.java:74)",
              "at org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleMessage(AkkaRpcActor.java:152)",
              "at akka.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:26)",
              "at akka.japi.pf.UnitCaseStatement.apply(CaseStatements.scala:21)",
              "at scala.PartialFunction$class.applyOrElse(PartialFunction.scala:123)",
              "at akka.japi.pf.UnitCaseStatement.applyOrElse(CaseStatements.scala:21)",
              "at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:170)",
              "at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:171)",
              "at scala.PartialFunction$OrElse.applyOrElse(PartialFunction.scala:171)",
              "at akka.actor.Actor$class.aroundReceive(Actor.scala:517)",
              "at akka.actor.AbstractActor.aroundReceive(AbstractActor.scala:225)",
              "at akka.actor.ActorCell.receiveMessage(ActorCell.scala:592)",
              "at akka.actor.ActorCell.invoke(ActorCell.scala:561)",
              "at akka.dispatch.Mailbox.processMailbox(Mailbox.scala:258)",
              "at akka.dispatch.Mailbox.run(Mailbox.scala:225)",
              "at akka.dispatch.Mailbox.exec(Mailbox.scala:235)",
              "at akka.dispatch.forkjoin.ForkJoinTask.doExec(ForkJoinTask.java:260)",
              "at akka.dispatch.forkjoin.ForkJoinPool$WorkQueue.runTask(ForkJoinPool.java:1339)",
              "at akka.dispatch.forkjoin.ForkJoinPool.runWorker(ForkJoinPool.java:1979)",
              "at akka.dispatch.forkjoin.ForkJoinWorkerThread.run(ForkJoinWorkerThread.java:107)"]
    execs = execs0
    oom_times = [oom1]
    failing_st = [0, 1, 0]
    restore_ck = []
    attempt = 0
    ck_next = ckpt + (1 if pend else 0)
    final = None
    for k in range(3):
        to = oom_times[k]
        bad = [e for e in execs if e.vertex is win and e.st == failing_st[k]][0]
        tu = tm_fail(tml, to, bad, tr, oom, rng)
        jf = tu + ms(rng.uniform(3, 9))
        slot_obj = f"org.apache.flink.runtime.jobmaster.slotpool.SingleLogicalSlot@{hexid(rng, 8).lstrip('0')}"
        jm_failed(jm, jf, bad, tr, oom, slot_obj=slot_obj)
        last = k == 2
        if last:
            job_switch(jm, jf + ms(2), jname, job, "RUNNING", "FAILING",
                       tr.render(["org.apache.flink.runtime.JobException: Recovery is suppressed by "
                                  "FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=30000)"]
                                 + rpc110 + ["Caused by: " + oom[0]] + oom[1:]))
        else:
            job_switch(jm, jf + ms(2), jname, job, "RUNNING", "RESTARTING")
        tt = jf + ms(3)
        done = tt
        for e in execs:
            if e is bad:
                continue
            tt += ms(rng.uniform(0.3, 1.5))
            jm_switch(jm, tt, e, "RUNNING", "CANCELING")
            d_ = tm_cancel(tml, tt + ms(rng.uniform(6, 20)), e, rng, dur=rng.uniform(30, 250))
            jm_switch(jm, d_ + ms(rng.uniform(2, 6)), e, "CANCELING", "CANCELED")
            done = max(done, d_ + ms(8))
        if k == 0 and pend:
            jm.info(jf + ms(5), CC, f"Discarding checkpoint {pend} of job {job}.",
                    tr.render(["org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.",
                               "at org.apache.flink.runtime.checkpoint.CheckpointCoordinator.stopCheckpointScheduler(CheckpointCoordinator.java:1358)",
                               "at org.apache.flink.runtime.checkpoint.CheckpointCoordinatorDeActivator.jobStatusChanges(CheckpointCoordinatorDeActivator.java:46)",
                               "at org.apache.flink.runtime.executiongraph.ExecutionGraph.notifyJobStatusChange(ExecutionGraph.java:1726)",
                               "at org.apache.flink.runtime.executiongraph.ExecutionGraph.transitionState(ExecutionGraph.java:1323)",
                               "at org.apache.flink.runtime.executiongraph.ExecutionGraph.transitionState(ExecutionGraph.java:1299)",
                               "at org.apache.flink.runtime.scheduler.SchedulerBase.transitionExecutionGraphState(SchedulerBase.java:417)",
                               "at org.apache.flink.runtime.scheduler.DefaultScheduler.addVerticesToRestartPending(DefaultScheduler.java:228)",
                               "at org.apache.flink.runtime.scheduler.DefaultScheduler.restartTasksWithDelay(DefaultScheduler.java:205)",
                               "at org.apache.flink.runtime.scheduler.DefaultScheduler.maybeRestartTasks(DefaultScheduler.java:188)",
                               "at org.apache.flink.runtime.scheduler.DefaultScheduler.handleTaskFailure(DefaultScheduler.java:180)",
                               "... 29 more"][:11] + ["... 29 more"]))
        if last:
            job_switch(jm, done + ms(2), jname, job, "FAILING", "FAILED",
                       tr.render(["org.apache.flink.runtime.JobException: Recovery is suppressed by "
                                  "FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=30000)"]
                                 + rpc110 + ["Caused by: " + oom[0]] + oom[1:]))
            final = done
            break
        # restart after the fixed delay, restore the last checkpoint (it still contains the un-fired window)
        rs = done + sec(30) + ms(rng.uniform(1, 6))
        job_switch(jm, rs, jname, job, "RESTARTING", "RUNNING")
        ck_t, ck_ts, _ = completed[last_ok]
        jm.info(rs + ms(2), CC, f"Restoring job {job} from latest valid checkpoint: Checkpoint {last_ok} @ {ck_ts} for {job}.")
        jm.info(rs + ms(3), CC, "No master state to restore")
        attempt += 1
        execs = make_execs(attempt)
        tt = rs + ms(4)
        for e in execs:
            tt += ms(rng.uniform(0.3, 1))
            jm_switch(jm, tt, e, "CREATED", "SCHEDULED")
        runx = run_deploy(jm, tmlogs, execs, tt + ms(rng.uniform(20, 50)), rng, init_cb)
        task_start(execs, last_ok)
        # state restore and replay of the backlog until the watermark passes the end of the window again
        # a checkpoint completes during the replay (the window has not fired yet, so it still holds the whole hour)
        tck = runx + sec(rng.uniform(60, 75))
        tsck = ckpt_trigger(jm, tck, ck_next, job, 0, rng)
        tcc = ckpt_complete(jm, tck, ck_next, job, int(completed[last_ok][2] * rng.uniform(1.01, 1.04)),
                            int(rng.uniform(4200, 6800)), 0)
        for st in (0, 1):
            tml.info(tcc + ms(rng.uniform(2, 30)), "org.apache.flink.streaming.api.functions.sink.TwoPhaseCommitSinkFunction",
                     f"FlinkKafkaProducer {st + 1}/2 - checkpoint {ck_next} complete, committing transaction "
                     f"TransactionHolder{{handle=KafkaTransactionState [transactionalId=null, producerId=-1, epoch=-1], "
                     f"transactionStartTime={epoch_ms(runx) + rng.randint(300, 900)}}} from checkpoint {ck_next}")
        completed[ck_next] = (tck, tsck, completed[last_ok][2])
        last_ok = ck_next
        # GC: the restore brings the window state back on the heap, then the same storm
        g0 = max(gt, f_end) + sec(3)
        gc.old = max(gc.old, 0.0)
        g = gc.full(runx + sec(rng.uniform(4, 8)), rng.uniform(1.6, 2.6), rng.uniform(180, 240), cause="Allocation Failure",
                    eden_before=rng.uniform(10, 30), eden_next=56.0)
        live = 190.0
        while g < runx + sec(150):
            live += rng.uniform(90, 150)
            g = gc.young(g + sec(rng.uniform(8, 18)), promote=max(2.0, min(heap_mb - 160, live) - gc.old),
                         surv_after=rng.uniform(6, 12), dur_ms=rng.uniform(60, 180), eden=56.0, eden_next=56.0)
        nxt = runx + sec(rng.uniform(168, 190))
        oom_times.append(nxt)
        f_end = oom_storm(nxt - sec(rng.uniform(11, 14)), [rng.uniform(3.9, 4.6), rng.uniform(4.6, 5.6), rng.uniform(5.0, 6.0)])
        ck_next += 1
        gt = f_end
    # after the job failed: the heap is released
    g = gc.full(final + sec(rng.uniform(20, 40)), rng.uniform(1.1, 1.6), rng.uniform(48, 70), cause="Allocation Failure",
                eden_before=0.0, eden_next=56.0)
    # job termination on the JobManager
    x = final + ms(3)
    jm.info(x, CC, f"Stopping checkpoint coordinator for job {job}.")
    jm.info(x + ms(1), "org.apache.flink.runtime.checkpoint.StandaloneCompletedCheckpointStore", "Shutting down")
    jm.info(x + ms(9), SDR, f"Job {job} reached globally terminal state FAILED.")
    jm.info(x + ms(14), JMASTER, f"Stopping the JobMaster for job {jname}({job}).")
    jm.info(x + ms(17), SP, "Suspending SlotPool.")
    jm.info(x + ms(18), JMASTER, f"Close ResourceManager connection {hexid(rng)}: JobManager is shutting down..")
    jm.info(x + ms(19), SP, "Stopping SlotPool.")
    jm.info(x + ms(21), SRM, f"Disconnect job manager 00000000000000000000000000000000@{jm_addr} for job {job} from the "
                             "resource manager.")
    for i, a in enumerate(allocs):
        tml.info(x + ms(30 + i), "org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl",
                 f"Free slot TaskSlot(index:{i}, state:ACTIVE, resource profile: {slot_profile_110()}, allocationId: {a}, "
                 f"jobId: {job}).")
    tml.info(x + ms(36), "org.apache.flink.runtime.taskexecutor.JobLeaderService", f"Remove job {job} from job leader monitoring.")
    tml.info(x + ms(37), TE, f"Close JobManager connection for job {job}.")
    tml.info(x + ms(39), TE, f"Close JobManager connection for job {job}.")

    d = os.path.join(root, "heap-oom-1.10")
    write(d, "jobmanager.log", jm.render())
    write(d, "taskmanager.log", tml.render())
    write(d, "taskmanager.gc.log", gc.text())
    write(d, "README.md",
          "# heap-oom-1.10\n\n"
          "Flink 1.10.3 standalone session cluster (log4j 1 layout, JDK 8, heap/filesystem state backend, G1 GC log). An "
          "hourly tumbling window with a `ProcessWindowFunction` buffers the whole hour on the heap; when it fires, the user "
          "function copies it into a list and the task dies with `java.lang.OutOfMemoryError: Java heap space`. The job "
          "restores the same window state and fails the same way twice more, then the restart strategy gives up.\n\n"
          "Expected root cause: `task_heap_oom`\n")
    return {"job": job, "tm": tm.rid, "ooms": oom_times}


# =====================================================================================================================
# Incident 6: metaspace exhausted after many re-submissions to a session cluster (Flink 1.17.2 standalone)
# =====================================================================================================================

METASPACE_MSG = ("java.lang.OutOfMemoryError: Metaspace. The metaspace out-of-memory error has occurred. This can mean two "
                 "things: either the job requires a larger size of JVM metaspace to load classes or there is a class loading "
                 "leak. In the first case 'taskmanager.memory.jvm-metaspace.size' configuration option should be increased. If "
                 "the error persists (usually in cluster after several job (re-)submissions) then there is probably a class "
                 "loading leak in user code or some of its dependencies which has to be investigated and fixed. The task "
                 "executor has to be shutdown...")


def incident_metaspace(root: str) -> dict:
    rng = random.Random(20240116)
    v = Ver("1.17.2", "2.12", "c0027e5", "2023-11-09T13:24:38+01:00", "flink-dist-1.17.2.jar", "akka", "11", rng)
    tr = Trace(v, user_jar="billing-enricher-4.2.1.jar", kafka_jar="kafka-clients-3.2.3.jar")
    day = dt.datetime(2024, 1, 16)
    jm = Log(v)
    tml = Log(v)
    JM_HOST, JM_IP = "flink-session-jm", "10.0.0.5"
    SDR = "org.apache.flink.runtime.dispatcher.StandaloneDispatcher"
    SRM = "org.apache.flink.runtime.resourcemanager.StandaloneResourceManager"
    jname = "billing-enricher"
    ckdir = "file:///mnt/flink/checkpoints"
    group = "billing-enricher"
    bootstrap = "kafka-a.internal:9092, kafka-b.internal:9092, kafka-c.internal:9092"
    mem = TmMemory(4096, slots=4, cpu=4.0)

    def mk_tm(port: int, suffix: str, data: int, mport: int) -> TmInfo:
        rid = f"10.0.0.7:{port}-{suffix}"
        return TmInfo(rid=rid, loc_id=rid, host="flink-session-tm-0", ip="10.0.0.7", rpc_port=port, metrics_port=mport,
                      data_port=data, slots=4, mem=mem, tmp="/tmp", disk_total=246, disk_usable=181,
                      workdir=f"/tmp/tm_{rid}", short="flink-session-tm-0")

    tm = mk_tm(36047, "d2e4f1", 39911, 45309)
    tm_new = mk_tm(43615, "9b1c07", 35521, 41177)
    tmlogs = {tm.key: tml}
    conf = [("jobmanager.rpc.address", JM_HOST), ("jobmanager.rpc.port", "6123"), ("jobmanager.bind-host", "0.0.0.0"),
            ("jobmanager.memory.process.size", "1600m"), ("taskmanager.bind-host", "0.0.0.0"),
            ("taskmanager.memory.process.size", "4096m"), ("taskmanager.numberOfTaskSlots", "4"),
            ("parallelism.default", "2"), ("jobmanager.execution.failover-strategy", "region"),
            ("state.backend.type", "hashmap"), ("state.checkpoints.dir", ckdir),
            ("execution.checkpointing.interval", "5min"), ("restart-strategy.type", "fixed-delay"),
            ("restart-strategy.fixed-delay.attempts", "10"), ("restart-strategy.fixed-delay.delay", "10 s"),
            ("classloader.resolve-order", "child-first"), ("rest.address", JM_HOST), ("rest.port", "8081")]

    # ------------------------------------------------------------------ JobManager
    jclk = Clock(rng, day.replace(hour=7, minute=41, second=52, microsecond=19000))
    R = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
    jvm = "OpenJDK 64-Bit Server VM - Eclipse Adoptium - 11/11.0.21+9"
    jproc = Proc(runner=R, component="StandaloneSessionClusterEntrypoint", jvm=jvm, heap_mib=1024,
                 java_home="/usr/lib/jvm/temurin-11-jdk-amd64",
                 jvm_opts=["-Xmx1073741824", "-Xms1073741824", "-XX:MaxMetaspaceSize=268435456",
                           f"-Dlog.file=/opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}.log",
                           "-Dlog4j.configuration=file:/opt/flink/conf/log4j.properties",
                           "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j.properties",
                           "-Dlogback.configurationFile=file:/opt/flink/conf/logback.xml"],
                 args=jm_args(), classpath=flink_lib_classpath(v), preconf=jm_preconf(v, conf))
    banner(jm, jclk, jproc)
    jm.info(jclk.step(1, 3), R, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    load_config(jm, jclk, conf)
    jm.info(jclk.step(20, 50), "org.apache.flink.core.fs.FileSystem",
            "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
    jm.info(jclk.step(5, 20), "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
            "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.")
    names = jm_boot(jm, jclk, rng, entry=R, host=JM_HOST, rpc_port=6123, rest_host=JM_HOST, rest_port=8081,
                    log_dir=f"/opt/flink/log/flink-flink-standalonesession-0-{JM_HOST}", workdir=f"/tmp/jm_{hexid(rng)}",
                    rest_logger="org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint", dispatcher_cls=SDR,
                    rm_cls=SRM, rm_logger=SRM, flavour="standalone", blob_dir=f"/tmp/jm_{hexid(rng)}/blobStorage",
                    leader_process="SessionDispatcherLeaderProcess")
    jm.info(jclk.step(1, 5), slot_manager_logger(v), "Starting the slot manager.")
    jm_up = find_time(jm, f"Actor system started at akka.tcp://flink@{JM_HOST}:6123")
    rm_rid = hexid(rng)

    # ------------------------------------------------------------------ TaskManager
    c = Clock(rng, day.replace(hour=7, minute=41, second=53, microsecond=640000))
    p = Proc(jvm=jvm, heap_mib=mem.heap >> 20, java_home=jproc.java_home,
             jvm_opts=mem.jvm_params() + [f"-Dlog.file=/opt/flink/log/flink-flink-taskexecutor-0-{tm.host}.log",
                                          "-Dlog4j.configuration=file:/opt/flink/conf/log4j.properties",
                                          "-Dlog4j.configurationFile=file:/opt/flink/conf/log4j.properties",
                                          "-Dlogback.configurationFile=file:/opt/flink/conf/logback.xml"],
             args=tm_args(mem), classpath=flink_lib_classpath(v), preconf=tm_preconf(v, mem, conf))
    banner(tml, c, p)
    tml.info(c.step(1, 4), TMR, "Registered UNIX signal handlers for [TERM, HUP, INT]")
    tml.info(c.step(10, 30), TMR, "Maximum number of open file descriptors is 65536.")
    load_config(tml, c, conf, mem.dynamic())
    tml.info(c.step(40, 90), "org.apache.flink.core.fs.FileSystem",
             "Hadoop is not in the classpath/dependencies. The extended set of supported File Systems via Hadoop is not available.")
    tml.info(c.step(10, 40), "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader",
             "StateChangelogStorageLoader initialized with shortcut names {memory,filesystem}.")
    security_no_hadoop(tml, c, rng)
    connection_probe(tml, c, rng, JM_HOST, JM_IP, tm.host, tm.ip, jm_up)
    tm_services(tml, c, tm, rng)
    c.at(max(c.t, jclk.t + ms(rng.uniform(50, 200))))
    tm_register_rm(tml, c, tm, rng, names["rm_addr"], hexid(rng))
    jm_register_tm(jm, c.t - ms(rng.uniform(20, 50)), SRM, tm)

    kafka_commit = "50029d3ed8ba576f"
    cluster_id = "p3qD2m9LR8mYtW1xK0a7Zg"
    out: list[tuple[dt.datetime, str]] = []
    leak_frames = ["at org.apache.flink.runtime.execution.librarycache.FlinkUserCodeClassLoaders$SafetyNetWrapperClassLoader.ensureInner(FlinkUserCodeClassLoaders.java:184)",
                   "at org.apache.flink.runtime.execution.librarycache.FlinkUserCodeClassLoaders$SafetyNetWrapperClassLoader.loadClass(FlinkUserCodeClassLoaders.java:192)",
                   "at java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:522)",
                   "at com.acme.billing.tariffs.TariffCache.reload(TariffCache.java:131)",
                   "at com.acme.billing.tariffs.TariffCache.refreshLoop(TariffCache.java:88)",
                   "at java.base/java.lang.Thread.run(Thread.java:829)"]

    # ------------------------------------------------------------------ repeated submissions
    src = Vertex("Source: billing-events -> Map", "cbc357ccb763df2852fee8c4fc7d55f2", 1)
    enr_name = "enrich -> Sink: billing-jdbc"
    sub = day.replace(hour=8, minute=2, second=14, microsecond=882000)
    cycles = 8
    jobs = []
    final = None
    for k in range(cycles):
        job = hexid(rng)
        egid = hexid(rng)
        enr = Vertex(enr_name, hexid(rng), 2)
        allocs = [hexid(rng), hexid(rng)]
        execs = [Exec(v, rng, src, 0, 0, tm, allocs[0], egid)] + [Exec(v, rng, enr, st, 0, tm, allocs[st], egid) for st in range(2)]
        jobs.append(job)
        jclk.at(sub)
        backend = [("org.apache.flink.runtime.state.StateBackendLoader", "State backend loader loads the state backend as HashMapStateBackend"),
                   (JMASTER, f"State backend is set to heap memory org.apache.flink.runtime.state.hashmap.HashMapStateBackend@{hexid(rng, 8)}"),
                   (JMASTER, f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")")]

        def enumerator(cl: Clock, restored: bool = False) -> None:
            SC = "org.apache.flink.runtime.source.coordinator.SourceCoordinator"
            if restored:
                jm.info(cl.step(1, 3), SC, "Restoring SplitEnumerator of source Source: billing-events from checkpoint.")
            jm.info(cl.step(1, 5), SC, "Starting split enumerator for source Source: billing-events.")
            jm.info(cl.step(5, 20), "org.apache.kafka.common.utils.AppInfoParser", "Kafka version: 3.2.3")
            jm.info(cl.step(0, 1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka commitId: {kafka_commit}")
            jm.info(cl.step(0, 1), "org.apache.kafka.common.utils.AppInfoParser", f"Kafka startTimeMs: {epoch_ms(cl.t)}")
            jm.info(cl.step(1, 5), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                    f"Starting the KafkaSourceEnumerator for consumer group {group} without periodic partition discovery.")
            jm.info(cl.step(150, 400), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                    "Discovered new partitions: [billing-events-0, billing-events-1, billing-events-2]")

        jm_addr = jm_job_start(jm, jclk, rng, names=names, dispatcher=SDR, rm_logger=SRM, job=job, jname=jname,
                               restart="FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=10, backoffTimeMS=10000)",
                               egid=egid, backend_lines=backend, execs=execs, n_slots=2, extra_before_sched=enumerator)
        cl = Clock(rng, jclk.t + ms(rng.uniform(8, 20)))
        tm_slot_offer(tml, cl, tm, job, allocs, jm_addr, True)
        blob_done = [False]

        def init_cb(lg: Log, t: dt.datetime, e: Exec, phase: str, job=job) -> None:
            if phase == "deploy":
                if not blob_done[0]:
                    blob_done[0] = True
                    lg.info(t - ms(rng.uniform(20, 40)), "org.apache.flink.runtime.blob.BlobClient",
                            f"Downloading {job}/p-{hexid(rng, 40)}-{hexid(rng)} from {JM_HOST}/{JM_IP}:6124")
                lg.info(t, "org.apache.flink.runtime.state.StateBackendLoader", "State backend loader loads the state backend as HashMapStateBackend")
                lg.info(t + ms(1), "org.apache.flink.streaming.runtime.tasks.StreamTask",
                        f"State backend is set to heap memory org.apache.flink.runtime.state.hashmap.HashMapStateBackend@{hexid(rng, 8)}")
                lg.info(t + ms(2), "org.apache.flink.streaming.runtime.tasks.StreamTask",
                        f"Checkpoint storage is set to 'filesystem': (checkpoints \"{ckdir}\")")
            elif e.vertex is not src:
                lg.info(t + ms(rng.uniform(200, 600)), "com.acme.billing.EnrichFunction",
                        f"enrich-{e.st}: loaded {rng.randint(48000, 49000)} tariff rules from jdbc:mysql://tariffs-db:3306/tariffs")

        run_t = run_deploy(jm, tmlogs, execs, jclk.t + ms(rng.uniform(180, 260)), rng, init_cb,
                           init_ms=lambda e: rng.uniform(600, 1400) if e.vertex is not src else rng.uniform(200, 500))
        e0 = execs[0]
        ta = e0.t_running + ms(rng.uniform(30, 200))
        jm.info(ta, "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                f"Source Source: billing-events registering reader for parallel task 0 (#0) @ {tm.host}")
        splits = ", ".join(f"[Partition: billing-events-{p_}, StartingOffset: -3, StoppingOffset: -9223372036854775808]" for p_ in range(3))
        jm.info(ta + ms(2), "org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator",
                f"Assigning splits to readers {{0=[{splits}]}}")
        tb = ta + ms(rng.uniform(3, 10))
        tml.info(tb, "org.apache.flink.connector.base.source.reader.SourceReaderBase", f"Adding split(s) to reader: [{splits}]")
        kafka_consumer_start(tml, tb + ms(rng.uniform(3, 9)), rng, f"{group}-0", group, bootstrap, "3.2.3", kafka_commit,
                             [f"billing-events-{p_}" for p_ in range(3)], "latest", cluster_id)
        out.append((run_t + ms(rng.uniform(300, 900)), f"billing-enricher 4.2.1 (build 7f3c9e1) started, job {job}"))
        if k == cycles - 1:
            # this submission dies: loading yet another class no longer fits into the metaspace
            fail_t = run_t + sec(rng.uniform(330, 420))
            final = (job, jm_addr, execs, fail_t, enr)
            # one checkpoint before the failure
            t = run_t + sec(rng.uniform(295, 305))
            ts = ckpt_trigger(jm, t, 1, job, 0, rng)
            ckpt_complete(jm, t, 1, job, int(rng.uniform(2.2, 3.4) * 1024 * 1024), int(rng.uniform(180, 600)), rng.randint(3, 15))
            last_ck = (1, ts)
            break
        # checkpoints while the job runs
        cancel_t = run_t + sec(rng.uniform(26 * 60, 28 * 60))
        t = run_t + sec(rng.uniform(295, 305))
        n = 1
        while t < cancel_t - sec(10):
            ckpt_trigger(jm, t, n, job, 0, rng)
            ckpt_complete(jm, t, n, job, int(rng.uniform(2.2, 3.4) * 1024 * 1024), int(rng.uniform(180, 600)), rng.randint(3, 15))
            n += 1
            t += sec(300)
        x = run_t + sec(rng.uniform(200, 600))
        while x < cancel_t - sec(30):
            kafka_fetch_disconnect(tml, x, rng, f"{group}-0", group, rng.randint(1, 3))
            x += sec(rng.uniform(700, 1300))
        # cancellation (a redeploy from the CI pipeline)
        job_switch(jm, cancel_t, jname, job, "RUNNING", "CANCELLING")
        tt = cancel_t
        done = tt
        for e in execs:
            tt += ms(rng.uniform(0.2, 1.2))
            jm_switch(jm, tt, e, "RUNNING", "CANCELING")
        for e in execs:
            def extra(x, e=e):
                if e.vertex is src:
                    kafka_consumer_close(tml, x + ms(rng.uniform(5, 15)), f"{group}-0")
            d_ = tm_cancel(tml, tt + ms(rng.uniform(8, 20)), e, rng, dur=rng.uniform(40, 300), extra=extra)
            jm_switch(jm, d_ + ms(rng.uniform(2, 6)), e, "CANCELING", "CANCELED")
            done = max(done, d_ + ms(7))
        jm.info(done + ms(1), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
                "Removing registered reader after failure for subtask 0 (#0) of source Source: billing-events.")
        job_switch(jm, done + ms(3), jname, job, "CANCELLING", "CANCELED")
        jm.info(done + ms(4), CC, f"Stopping checkpoint coordinator for job {job}.")
        jm.info(done + ms(9), SDR, f"Job {job} reached terminal state CANCELED.")
        jm.info(done + ms(14), JMASTER, f"Stopping the JobMaster for job '{jname}' ({job}).")
        jm.info(done + ms(16), "org.apache.flink.runtime.checkpoint.StandaloneCompletedCheckpointStore", "Shutting down")
        jm.info(done + ms(19), JMASTER, f"Disconnect TaskExecutor {tm.rid} because: Stopping JobMaster for job '{jname}' ({job}).")
        for a in allocs:
            jm.info(done + ms(20), "org.apache.flink.runtime.jobmaster.slotpool.DefaultDeclarativeSlotPool", f"Releasing slot [{a}].")
        jm.info(done + ms(22), JMASTER, f"Close ResourceManager connection {rm_rid}: Stopping JobMaster for job '{jname}' ({job}).")
        jm.info(done + ms(24), SRM, f"Disconnect job manager 00000000000000000000000000000000@{jm_addr} for job {job} from the "
                                    "resource manager.")
        jm.info(done + ms(25), slot_manager_logger(v), f"Clearing resource requirements of job {job}")
        for i, a in enumerate(allocs):
            tm_free_slot(tml, done + ms(28 + i), tm, i, a, job)
        tml.info(done + ms(31), "org.apache.flink.runtime.taskexecutor.DefaultJobLeaderService", f"Remove job {job} from job leader monitoring.")
        tml.info(done + ms(32), TE, f"Close JobManager connection for job {job}.")
        # the cancelled job leaves a thread behind that still references its (closed) class loader
        lt = done + sec(rng.uniform(20, 60))
        out.append((lt, "Exception in thread \"tariff-cache-refresher\" java.lang.IllegalStateException: Trying to access closed "
                        "classloader. Please check if you store classloaders directly or indirectly in static fields. If the "
                        "stacktrace suggests that the leak occurs in a third party library and cannot be fixed immediately, you "
                        "can disable this check with the configuration 'classloader.check-leaked-classloader'."))
        for i, f in enumerate(leak_frames):
            out.append((lt + dt.timedelta(microseconds=i + 1), "\t" + f))
        sub = done + sec(rng.uniform(95, 200))

    # ------------------------------------------------------------------ the metaspace OOM and the fatal error
    job, jm_addr, execs, fail_t, enr = final
    bad = execs[2]
    oom = [METASPACE_MSG,
           "at java.lang.ClassLoader.defineClass1(Native Method)|J",
           "at java.lang.ClassLoader.defineClass(ClassLoader.java:1017)|J",
           "at java.security.SecureClassLoader.defineClass(SecureClassLoader.java:174)|J",
           "at java.net.URLClassLoader.defineClass(URLClassLoader.java:555)|J",
           "at java.net.URLClassLoader$1.run(URLClassLoader.java:458)|J",
           "at java.net.URLClassLoader$1.run(URLClassLoader.java:452)|J",
           "at java.security.AccessController.doPrivileged(Native Method)|J",
           "at java.net.URLClassLoader.findClass(URLClassLoader.java:451)|J",
           "at org.apache.flink.util.ChildFirstClassLoader.loadClassWithoutExceptionHandling(ChildFirstClassLoader.java:71)|D",
           "at org.apache.flink.util.FlinkUserCodeClassLoader.loadClass(FlinkUserCodeClassLoader.java:51)|D",
           "at java.lang.ClassLoader.loadClass(ClassLoader.java:522)|J",
           "at org.apache.flink.runtime.execution.librarycache.FlinkUserCodeClassLoaders$SafetyNetWrapperClassLoader.loadClass(FlinkUserCodeClassLoaders.java:192)|D",
           "at java.lang.ClassLoader.loadClass(ClassLoader.java:522)|J",
           "at com.acme.billing.shaded.jackson.databind.deser.BasicDeserializerFactory.createMapDeserializer(BasicDeserializerFactory.java:1331)|U",
           "at com.acme.billing.shaded.jackson.databind.deser.DeserializerCache._createDeserializer2(DeserializerCache.java:386)|U",
           "at com.acme.billing.shaded.jackson.databind.deser.DeserializerCache._createDeserializer(DeserializerCache.java:268)|U",
           "at com.acme.billing.shaded.jackson.databind.deser.DeserializerCache._createAndCache2(DeserializerCache.java:244)|U",
           "at com.acme.billing.shaded.jackson.databind.deser.DeserializerCache._createAndCacheValueDeserializer(DeserializerCache.java:142)|U",
           "at com.acme.billing.shaded.jackson.databind.DeserializationContext.findRootValueDeserializer(DeserializationContext.java:642)|U",
           "at com.acme.billing.shaded.jackson.databind.ObjectMapper._findRootDeserializer(ObjectMapper.java:4869)|U",
           "at com.acme.billing.shaded.jackson.databind.ObjectMapper._readMapAndClose(ObjectMapper.java:4739)|U",
           "at com.acme.billing.shaded.jackson.databind.ObjectMapper.readValue(ObjectMapper.java:3708)|U",
           "at com.acme.billing.EnrichFunction.parseAttributes(EnrichFunction.java:141)|U",
           "at com.acme.billing.EnrichFunction.map(EnrichFunction.java:93)|U",
           "at com.acme.billing.EnrichFunction.map(EnrichFunction.java:38)|U",
           "at org.apache.flink.streaming.api.operators.StreamMap.processElement(StreamMap.java:38)|D",
           "at org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java:237)|D",
           "at org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.processElement(AbstractStreamTaskNetworkInput.java:146)|D",
           "at org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.emitNext(AbstractStreamTaskNetworkInput.java:110)|D",
           "at org.apache.flink.streaming.runtime.io.StreamOneInputProcessor.processInput(StreamOneInputProcessor.java:65)|D"] \
        + task_thread_frames(v)
    tu = tm_fail(tml, fail_t, bad, tr, oom, rng)
    fe = tu + ms(rng.uniform(2, 6))
    tml.error(fe, TE, f"Fatal error occurred in TaskExecutor {tm.rpc_addr(v)}.", tr.render(oom))
    tml.error(fe + ms(1), TMR, "Fatal error occurred while executing the TaskManager. Shutting it down...", tr.render(oom))
    hk = fe + ms(rng.uniform(8, 20))
    tml.info(hk, "org.apache.flink.runtime.blob.PermanentBlobCache", "Shutting down BLOB cache")
    tml.info(hk + ms(1), "org.apache.flink.runtime.blob.TransientBlobCache", "Shutting down BLOB cache")
    tml.info(hk + ms(2), "org.apache.flink.runtime.filecache.FileCache", f"removed file cache directory /tmp/flink-dist-cache-{uuid4(rng)}")
    tml.info(hk + ms(4), "org.apache.flink.runtime.io.disk.FileChannelManagerImpl",
             f"FileChannelManager removed spill file directory /tmp/flink-io-{uuid4(rng)}")
    tml.info(hk + ms(5), "org.apache.flink.runtime.io.disk.FileChannelManagerImpl",
             f"FileChannelManager removed spill file directory /tmp/flink-netty-shuffle-{uuid4(rng)}")
    # JobManager
    jf = tu + ms(rng.uniform(3, 8))
    jm_failed(jm, jf, bad, tr, oom)
    jm_region_restart(jm, jf + ms(1), bad, 3)
    job_switch(jm, jf + ms(2), jname, job, "RUNNING", "RESTARTING")
    tt = jf + ms(3)
    for e in execs:
        if e is bad:
            continue
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "RUNNING", "CANCELING")
    gone = hk + ms(rng.uniform(15, 40))
    jm.warn(gone + ms(2), "akka.remote.ReliableDeliverySupervisor",
            f"Association with remote system [akka.tcp://flink@{tm.ip}:{tm.rpc_port}] has failed, address is now gated for "
            "[50] ms. Reason: [Disassociated] ")
    for e in execs:
        if e is not bad:
            jm_switch(jm, gone + ms(rng.uniform(5, 40)), e, "CANCELING", "CANCELED")
    jm.info(gone + ms(45), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
            "Removing registered reader after failure for subtask 0 (#0) of source Source: billing-events.")
    rs = gone + sec(10) + ms(rng.uniform(50, 60))
    job_switch(jm, rs, jname, job, "RESTARTING", "RUNNING")
    n, ts = last_ck
    jm.info(rs + ms(2), CC, f"Restoring job {job} from Checkpoint {n} @ {ts} for {job} located at {ckdir}/{job}/chk-{n}.")
    jm.info(rs + ms(3), CC, "No master state to restore")
    cl = Clock(rng, rs + ms(3))
    jm.info(cl.step(1, 3), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
            "Restoring SplitEnumerator of source Source: billing-events from checkpoint.")
    jm.info(cl.step(1, 4), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
            "Starting split enumerator for source Source: billing-events.")
    allocs2 = [hexid(rng), hexid(rng)]
    execs2 = [Exec(v, rng, src, 0, 1, tm_new, allocs2[0], execs[0].aid.split("_")[0])] + \
        [Exec(v, rng, enr, st, 1, tm_new, allocs2[st], execs[0].aid.split("_")[0]) for st in range(2)]
    tt = cl.t
    for e in execs2:
        tt += ms(rng.uniform(0.2, 1))
        jm_switch(jm, tt, e, "CREATED", "SCHEDULED")
    for kx in (3.2, 13.3):
        jm.warn(gone + sec(kx) + ms(rng.uniform(0, 90)), "akka.remote.ReliableDeliverySupervisor",
                f"Association with remote system [akka.tcp://flink@{tm.ip}:{tm.rpc_port}] has failed, address is now gated for "
                f"[50] ms. Reason: [Association failed with [akka.tcp://flink@{tm.ip}:{tm.rpc_port}]] Caused by: "
                f"[java.net.ConnectException: Connection refused: {tm.host}/{tm.ip}:{tm.rpc_port}]")
    nr = gone + sec(rng.uniform(14, 16))
    jm.info(nr, JMASTER, f"TaskManager with id {tm.rid} is no longer reachable.")
    jm.info(nr + ms(1), JMASTER, f"Disconnect TaskExecutor {tm.rid} because: TaskManager with id {tm.rid} is no longer reachable.")
    jm.info(nr + ms(rng.uniform(700, 1900)), SRM, f"Closing TaskExecutor connection {tm.rid} because: TaskManager with id "
                                                  f"{tm.rid} is no longer reachable.")
    reg = gone + sec(rng.uniform(24, 28))
    jm_register_tm(jm, reg, SRM, tm_new)
    dep = reg + ms(rng.uniform(300, 500))
    run2 = run_deploy(jm, {}, execs2, dep, rng, init_ms=lambda e: rng.uniform(700, 1500))
    jm.info(run2 + ms(120), "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
            f"Source Source: billing-events registering reader for parallel task 0 (#1) @ {tm_new.host}")
    t = run2 + sec(rng.uniform(290, 300))
    ckpt_trigger(jm, t, n + 1, job, 0, rng)
    ckpt_complete(jm, t, n + 1, job, int(rng.uniform(2.2, 3.4) * 1024 * 1024), int(rng.uniform(300, 900)), rng.randint(3, 15))

    d = os.path.join(root, "metaspace-oom-1.17")
    write(d, "jobmanager.log", jm.render())
    write(d, "taskmanager.log", tml.render())
    write(d, "taskmanager.out", "\n".join(s for _, s in sorted(out)) + "\n")
    write(d, "README.md",
          "# metaspace-oom-1.17\n\n"
          "Flink 1.17.2 standalone session cluster (JDK 11, default 256 MiB metaspace). The same job is cancelled and "
          f"re-submitted {cycles} times by a deployment pipeline; each run leaves its user-code class loader behind (a "
          "leaked thread, see `taskmanager.out`). During the last run a task fails with `OutOfMemoryError: Metaspace`, the "
          "TaskManager shuts itself down, the JobManager loses it and restarts the job once a new TaskManager registers.\n\n"
          "Expected root cause: `metaspace_oom`\n")
    return {"jobs": jobs, "tm": tm.rid, "tm_new": tm_new.rid, "fail": fail_t}


# =====================================================================================================================
# main
# =====================================================================================================================

INCIDENTS = [
    ("gc-heartbeat-timeout-1.15", incident_gc_heartbeat),
    ("yarn-pmem-kill-1.12", incident_yarn_pmem),
    ("k8s-oomkilled-1.18", incident_k8s_oomkilled),
    ("checkpoint-expiry-2.0", incident_checkpoint_expiry),
    ("heap-oom-1.10", incident_heap_oom),
    ("metaspace-oom-1.17", incident_metaspace),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE, help="where the incident folders are written (default: next to this script)")
    ap.add_argument("--only", default=None, help="generate only this folder")
    a = ap.parse_args()
    for name, fn in INCIDENTS:
        if a.only and a.only != name:
            continue
        d = os.path.join(a.out, name)
        if os.path.isdir(d):
            shutil.rmtree(d)
        fn(a.out)


if __name__ == "__main__":
    main()
