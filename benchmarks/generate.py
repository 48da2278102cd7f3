#!/usr/bin/env python3
"""Seeded generator of realistic Apache Flink logs for the speed and memory benchmarks.

    python benchmarks/generate.py --kind taskmanager --size 1GiB --seed 42 --out benchmarks/data/taskmanager.log
    python benchmarks/generate.py --kind gc-unified --size 200MiB --out benchmarks/data/gc-unified.log --gzip

Kinds:
- ``taskmanager`` / ``jobmanager``: Flink 1.17 (1.15+ wording), log4j2 default layout
  ``%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n``. A realistic mix of loggers (task lifecycle, slots,
  checkpoints, Kafka clients, source readers, state backends, network, RPC, user code), ~3.9 M lines and ~2.2 M
  events per GiB; 2% of events carry a 20-60 line stack trace (with ``Caused by:`` and ``... N more``); 1% of events
  are 4-20 KB long (payload dumps, split lists, Kafka config dumps); a sprinkling of invalid UTF-8, NUL and stray CR
  bytes; heartbeat timeouts, task failures, OOMs, remote-TM losses at a low rate so the analysis has events to
  classify. The file starts with the real startup banner (so it is sniffed as a TaskManager/JobManager log).
- ``gc-unified``: JDK 17 unified G1 log as Flink's recipe writes it (``-Xlog:gc*:file=...:time,uptime,level,tags``):
  ``[2024-03-11T08:00:00.123+0000][12.345s][info][gc,start    ] GC(6) Pause Young (Normal) (G1 Evacuation Pause)``
  with gc/gc+start/gc+task/gc+phases/gc+heap/gc+metaspace/gc+cpu lines, concurrent cycles (Remark, Cleanup), mixed
  collections and rare Full GCs / long pauses.
- ``gc-jdk8``: JDK 8 ``-XX:+PrintGCDetails -XX:+PrintGCDateStamps -XX:+PrintGCTimeStamps
  -XX:+PrintGCApplicationStoppedTime`` G1 records (multi-line detail blocks), concurrent cycles, rare Full GCs.
- ``incident-folder``: a small incident in a folder (``jobmanager.log``, ``taskmanager.log``, ``gc.log``) sharing
  one timeline, with a story (a long Full GC on the TaskManager, then heartbeat timeouts on both sides, task
  failures and a job restart) for scan benchmarks.

Output is streamed to disk in ~4 MiB chunks (memory stays flat whatever ``--size``); events are drawn from
pre-rendered pools of messages (refreshed as the file grows) so 1 GiB takes a few seconds of Python. The same
``--seed`` and ``--size`` always give the same bytes. A sidecar ``<out>.meta.json`` holds what was generated (lines,
events per level, lines containing ``ERROR``, stack traces, long events, bad bytes, incidents, GC pauses), which
``benchmarks/run.py`` uses to check that every tool really read the whole file.
"""

# ruff: noqa: E501
# (Stack frames, logger names and log messages are data, quoted whole as Flink, Kafka and the JVM print them.)

from __future__ import annotations

import argparse
import json
import queue
import random
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("taskmanager", "jobmanager", "gc-unified", "gc-jdk8", "incident-folder")
DEFAULT_SIZES = {
    "taskmanager": "1GiB",
    "jobmanager": "1GiB",
    "gc-unified": "200MiB",
    "gc-jdk8": "200MiB",
    "incident-folder": "16MiB",
}
CHUNK_BYTES = 4 << 20
START_MS = 1710144000000  # 2024-03-11 08:00:00 UTC: the JVMs' wall clock (the zone is UTC)

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}


def parse_size(text: str) -> int:
    """``1GiB``, ``200MiB``, ``500MB``, ``2MiB``, ``1048576`` -> bytes (``K``/``M``/``G`` alone are decimal)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"{text!r}: not a size (use e.g. 1GiB, 200MiB, 500MB, 1048576)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def format_size(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor and n % factor == 0:
            return f"{n // factor}{unit}"
    return f"{n}B"


# ---------------------------------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------------------------------

_MS = [f",{i:03d}" for i in range(1000)]  # log4j's ",SSS"
_DOT_MS = [f".{i:03d}" for i in range(1000)]
LEVELS = ("INFO", "WARN", "ERROR", "DEBUG")
_LEVEL_INDEX = {name: i for i, name in enumerate(LEVELS)}


class SecondCache:
    """Formats epoch seconds as text once per distinct second (events are dense, seconds change rarely)."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.sec = -1
        self.text = ""

    def __call__(self, sec: int) -> str:
        if sec != self.sec:
            self.sec = sec
            self.text = time.strftime(self.fmt, time.gmtime(sec))
        return self.text


def hex32(r: random.Random) -> str:
    return f"{r.getrandbits(128):032x}"


def hexn(r: random.Random, n: int) -> str:
    return f"{r.getrandbits(4 * n):0{n}x}"


def mid(level: str, logger: str) -> str:
    """What log4j2's ``%-5p %-60c %x - `` prints between the timestamp and the message (leading space included)."""
    return f" {level:<5} {logger:<60} [] - "


# Invalid UTF-8 is written through str with the surrogateescape error handler: "\udcfc" becomes the byte 0xFC.
def _latin1(text: str) -> str:
    return "".join(chr(0xDC00 + b) if b >= 0x80 else chr(b) for b in text.encode("latin-1"))


# ---------------------------------------------------------------------------------------------------------------------
# The world: identifiers shared by the TaskManager, JobManager and GC logs
# ---------------------------------------------------------------------------------------------------------------------

FLINK_VERSION = "1.17.2"
DIST = f"~[flink-dist-{FLINK_VERSION}.jar:{FLINK_VERSION}]"
JDK = "~[?:?]"
USER_JAR = "~[blob_p-6f1c8e1f0d2b8a7e3c54b7c9a0e1d2f3a4b5c6d7-3a9d9c3b0f6e1a2b4c5d6e7f8a9b0c1d:?]"


@dataclass
class Vertex:
    name: str
    vid: str
    parallelism: int


@dataclass
class World:
    r: random.Random
    job_name: str = "orders-enrichment"
    job_id: str = ""
    eg_id: str = ""
    cluster: str = "orders-enrichment"
    tm_pod: str = ""
    tm_ip: str = ""
    jm_host: str = ""
    jm_addr: str = ""
    rm_addr: str = ""
    jm_leader: str = ""
    rm_id: str = ""
    vertices: list[Vertex] = field(default_factory=list)
    other_tms: list[tuple[str, str]] = field(default_factory=list)
    allocs: list[str] = field(default_factory=list)
    brokers: list[str] = field(default_factory=list)
    checkpoint: int = 1200

    def __post_init__(self) -> None:
        r = self.r
        self.job_id = hex32(r)
        self.eg_id = hex32(r)
        self.tm_pod = f"{self.cluster}-taskmanager-1-3"
        self.tm_ip = "10.42.3.17"
        self.jm_host = f"{self.cluster}.streaming"
        self.jm_addr = f"akka.tcp://flink@{self.jm_host}:6123/user/rpc/jobmanager_2"
        self.rm_addr = f"akka.tcp://flink@{self.jm_host}:6123/user/rpc/resourcemanager_0"
        self.jm_leader = hex32(r)
        self.rm_id = hex32(r)
        names = [
            "Source: orders -> Timestamps/Watermarks -> Filter",
            "Enrich -> Map",
            "Window(TumblingEventTimeWindows(60000), EventTimeTrigger, OrderAggregate, PassThroughWindowFunction)",
            "Sink: enriched-orders Writer -> Sink: enriched-orders Committer",
            "Source: customers -> Map",
        ]
        self.vertices = [Vertex(n, hex32(r), 8 if i != 4 else 2) for i, n in enumerate(names)]
        self.other_tms = [(f"{self.cluster}-taskmanager-1-{i}", f"10.42.{i}.{20 + i}") for i in range(1, 9)]
        self.allocs = [hex32(r) for _ in range(16)]
        self.brokers = [f"kafka-{i}.kafka.svc:9092" for i in range(3)]

    # -- pieces of messages ------------------------------------------------------------------------------------------
    def vertex(self) -> Vertex:
        return self.vertices[self.r.randrange(len(self.vertices))]

    def task(self) -> tuple[str, str, str]:
        """(TM-side task name ``name (s/p)#a``, JM-side ``name (s/p)``, execution attempt id (1.16+ format))."""
        v = self.vertex()
        sub = self.r.randrange(v.parallelism)
        attempt = self.r.choice((0, 0, 0, 0, 1, 1, 2, 3))
        jm = f"{v.name} ({sub + 1}/{v.parallelism})"
        return f"{jm}#{attempt}", jm, f"{self.eg_id}_{v.vid}_{sub}_{attempt}"

    def alloc(self) -> str:
        return self.allocs[self.r.randrange(len(self.allocs))]

    def other_tm(self) -> tuple[str, str]:
        return self.other_tms[self.r.randrange(len(self.other_tms))]

    def broker(self) -> tuple[int, str]:
        i = self.r.randrange(len(self.brokers))
        return i, self.brokers[i]

    def consumer(self) -> str:
        sub = self.r.randrange(8)
        return f"[Consumer clientId={self.job_name}-{sub}, groupId={self.job_name}]"

    def producer(self) -> str:
        sub = self.r.randrange(8)
        tid = f"{self.job_name}-sink-{sub}-{self.r.randrange(1, 400)}"
        return f"[Producer clientId=producer-{tid}, transactionalId={tid}]"

    def ckpt(self) -> int:
        return self.checkpoint + self.r.randrange(-3, 3)


# ---------------------------------------------------------------------------------------------------------------------
# Stack traces
# ---------------------------------------------------------------------------------------------------------------------

_TASK_BOTTOM = [
    f"\tat org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.emitNext(AbstractStreamTaskNetworkInput.java:118) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.io.StreamOneInputProcessor.processInput(StreamOneInputProcessor.java:65) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:550) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor.runMailboxLoop(MailboxProcessor.java:231) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.StreamTask.runMailboxLoop(StreamTask.java:839) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:788) {DIST}",
    f"\tat org.apache.flink.runtime.taskmanager.Task.runWithSystemExitMonitoring(Task.java:952) {DIST}",
    f"\tat org.apache.flink.runtime.taskmanager.Task.restoreAndInvoke(Task.java:931) {DIST}",
    f"\tat org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:745) {DIST}",
    f"\tat org.apache.flink.runtime.taskmanager.Task.run(Task.java:562) {DIST}",
    f"\tat java.lang.Thread.run(Thread.java:833) {JDK}",
]
_OPERATOR_FRAMES = [
    f"\tat org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java:237) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.ChainingOutput.pushToOperator(ChainingOutput.java:99) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.ChainingOutput.collect(ChainingOutput.java:80) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.ChainingOutput.collect(ChainingOutput.java:39) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.CountingOutput.collect(CountingOutput.java:56) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.CountingOutput.collect(CountingOutput.java:29) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.StreamMap.processElement(StreamMap.java:38) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.StreamFilter.processElement(StreamFilter.java:39) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.TimestampedCollector.collect(TimestampedCollector.java:52) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.KeyedProcessOperator.processElement(KeyedProcessOperator.java:83) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.operators.windowing.WindowOperator.processElement(WindowOperator.java:434) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.operators.windowing.functions.InternalSingleValueWindowFunction.process(InternalSingleValueWindowFunction.java:46) {DIST}",
]
_SOURCE_FRAMES = [
    "\tat org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter.emitRecord(KafkaRecordEmitter.java:53) ~[flink-connector-kafka-1.17.2.jar:1.17.2]",
    "\tat org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter.emitRecord(KafkaRecordEmitter.java:33) ~[flink-connector-kafka-1.17.2.jar:1.17.2]",
    f"\tat org.apache.flink.connector.base.source.reader.SourceReaderBase.pollNext(SourceReaderBase.java:144) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.SourceOperator.emitNext(SourceOperator.java:417) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.io.StreamTaskSourceInput.emitNext(StreamTaskSourceInput.java:68) {DIST}",
]
_USER_FRAMES = [
    f"\tat com.acme.orders.EnrichmentFunction.map(EnrichmentFunction.java:{{}}) {USER_JAR}",
    f"\tat com.acme.orders.EnrichmentFunction.lookupCustomer(EnrichmentFunction.java:{{}}) {USER_JAR}",
    f"\tat com.acme.orders.CustomerCache.get(CustomerCache.java:{{}}) {USER_JAR}",
    f"\tat com.acme.orders.OrderValidator.filter(OrderValidator.java:{{}}) {USER_JAR}",
    f"\tat com.acme.orders.OrderAggregate.add(OrderAggregate.java:{{}}) {USER_JAR}",
    f"\tat com.acme.orders.OrderDeserializer.deserialize(OrderDeserializer.java:{{}}) {USER_JAR}",
    f"\tat com.acme.orders.client.CustomerServiceClient.fetch(CustomerServiceClient.java:{{}}) {USER_JAR}",
]
_HTTP_FRAMES = [
    f"\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:283) {JDK}",
    f"\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:309) {JDK}",
    f"\tat java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:350) {JDK}",
    f"\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:966) {JDK}",
    f"\tat okio.Okio$2.read(Okio.java:140) {USER_JAR}",
    f"\tat okio.AsyncTimeout$2.read(AsyncTimeout.java:237) {USER_JAR}",
    f"\tat okio.RealBufferedSource.indexOf(RealBufferedSource.java:358) {USER_JAR}",
    f"\tat okhttp3.internal.http1.Http1ExchangeCodec.readHeaderLine(Http1ExchangeCodec.java:242) {USER_JAR}",
    f"\tat okhttp3.internal.http1.Http1ExchangeCodec.readResponseHeaders(Http1ExchangeCodec.java:213) {USER_JAR}",
    f"\tat okhttp3.internal.connection.Exchange.readResponseHeaders(Exchange.java:115) {USER_JAR}",
    f"\tat okhttp3.internal.http.CallServerInterceptor.intercept(CallServerInterceptor.java:94) {USER_JAR}",
    f"\tat okhttp3.internal.http.RealInterceptorChain.proceed(RealInterceptorChain.java:142) {USER_JAR}",
    f"\tat okhttp3.RealCall.getResponseWithInterceptorChain(RealCall.java:229) {USER_JAR}",
    f"\tat okhttp3.RealCall.execute(RealCall.java:81) {USER_JAR}",
]
_NETTY_FRAMES = [
    f"\tat org.apache.flink.runtime.io.network.netty.CreditBasedPartitionRequestClientHandler.channelInactive(CreditBasedPartitionRequestClientHandler.java:134) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:262) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.invokeChannelInactive(AbstractChannelHandlerContext.java:248) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.fireChannelInactive(AbstractChannelHandlerContext.java:241) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandlerAdapter.channelInactive(ChannelInboundHandlerAdapter.java:81) {DIST}",
    f"\tat org.apache.flink.runtime.io.network.netty.NettyMessageClientDecoderDelegate.channelInactive(NettyMessageClientDecoderDelegate.java:94) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.DefaultChannelPipeline$HeadContext.channelInactive(DefaultChannelPipeline.java:1405) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.DefaultChannelPipeline.fireChannelInactive(DefaultChannelPipeline.java:901) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannel$AbstractUnsafe$8.run(AbstractChannel.java:813) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.util.concurrent.AbstractEventExecutor.safeExecute(AbstractEventExecutor.java:164) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.util.concurrent.SingleThreadEventExecutor.runAllTasks(SingleThreadEventExecutor.java:469) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.channel.epoll.EpollEventLoop.run(EpollEventLoop.java:384) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.util.concurrent.SingleThreadEventExecutor$4.run(SingleThreadEventExecutor.java:986) {DIST}",
    f"\tat org.apache.flink.shaded.netty4.io.netty.util.internal.ThreadExecutorMap$2.run(ThreadExecutorMap.java:74) {DIST}",
    f"\tat java.lang.Thread.run(Thread.java:833) {JDK}",
]
_ASYNC_FRAMES = [
    f"\tat java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:332) {JDK}",
    f"\tat java.util.concurrent.CompletableFuture.completeThrowable(CompletableFuture.java:347) {JDK}",
    f"\tat java.util.concurrent.CompletableFuture$UniApply.tryFire(CompletableFuture.java:636) {JDK}",
    f"\tat java.util.concurrent.CompletableFuture.postComplete(CompletableFuture.java:510) {JDK}",
    f"\tat java.util.concurrent.CompletableFuture.completeExceptionally(CompletableFuture.java:2162) {JDK}",
    f"\tat org.apache.flink.runtime.concurrent.akka.AkkaFutureUtils$1.onComplete(AkkaFutureUtils.java:45) {DIST}",
    f"\tat akka.dispatch.OnComplete.internal(Future.scala:299) {JDK}",
    f"\tat scala.concurrent.impl.CallbackRunnable.run(Promise.scala:64) {JDK}",
    f"\tat akka.dispatch.BatchingExecutor$AbstractBatch.processBatch(BatchingExecutor.scala:63) {JDK}",
    f"\tat akka.dispatch.Mailbox.exec(Mailbox.scala:253) {JDK}",
    f"\tat java.util.concurrent.ForkJoinTask.doExec(ForkJoinTask.java:373) {JDK}",
    f"\tat java.util.concurrent.ForkJoinPool$WorkQueue.topLevelExec(ForkJoinPool.java:1182) {JDK}",
    f"\tat java.util.concurrent.ForkJoinPool.scan(ForkJoinPool.java:1655) {JDK}",
    f"\tat java.util.concurrent.ForkJoinPool.runWorker(ForkJoinPool.java:1622) {JDK}",
    f"\tat java.util.concurrent.ForkJoinWorkerThread.run(ForkJoinWorkerThread.java:165) {JDK}",
]
_CHECKPOINT_FRAMES = [
    f"\tat org.apache.flink.runtime.state.filesystem.FsCheckpointStreamFactory$FsCheckpointStateOutputStream.closeAndGetHandle(FsCheckpointStreamFactory.java:354) {DIST}",
    f"\tat org.apache.flink.runtime.state.CheckpointStreamWithResultProvider$PrimaryStreamOnly.closeAndFinalizeCheckpointStreamResult(CheckpointStreamWithResultProvider.java:75) {DIST}",
    f"\tat org.apache.flink.runtime.state.FullSnapshotAsyncWriter.get(FullSnapshotAsyncWriter.java:87) {DIST}",
    f"\tat org.apache.flink.runtime.state.SnapshotStrategyRunner$1.callInternal(SnapshotStrategyRunner.java:91) {DIST}",
    f"\tat org.apache.flink.runtime.state.SnapshotStrategyRunner$1.callInternal(SnapshotStrategyRunner.java:88) {DIST}",
    f"\tat org.apache.flink.runtime.state.AsyncSnapshotCallable.call(AsyncSnapshotCallable.java:78) {DIST}",
    f"\tat java.util.concurrent.FutureTask.run(FutureTask.java:264) {JDK}",
    f"\tat org.apache.flink.util.concurrent.FutureUtils.runIfNotDoneAndGet(FutureUtils.java:511) {DIST}",
    f"\tat org.apache.flink.streaming.api.operators.OperatorSnapshotFinalizer.<init>(OperatorSnapshotFinalizer.java:54) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.AsyncCheckpointRunnable.finalizeNonFinishedSnapshots(AsyncCheckpointRunnable.java:191) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.tasks.AsyncCheckpointRunnable.run(AsyncCheckpointRunnable.java:124) {DIST}",
    f"\tat java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136) {JDK}",
    f"\tat java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635) {JDK}",
    f"\tat java.lang.Thread.run(Thread.java:833) {JDK}",
]
_S3_FRAMES = [
    "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleRetryableException(AmazonHttpClient.java:1219) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.executeHelper(AmazonHttpClient.java:1165) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.doExecute(AmazonHttpClient.java:814) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.executeWithTimer(AmazonHttpClient.java:781) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.amazonaws.http.AmazonHttpClient.execute(AmazonHttpClient.java:524) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.amazonaws.services.s3.AmazonS3Client.invoke(AmazonS3Client.java:5437) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.amazonaws.services.s3.AmazonS3Client.putObject(AmazonS3Client.java:1862) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.facebook.presto.hive.s3.PrestoS3FileSystem$PrestoS3OutputStream.uploadObject(PrestoS3FileSystem.java:1478) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
    "\tat com.facebook.presto.hive.s3.PrestoS3FileSystem$PrestoS3OutputStream.close(PrestoS3FileSystem.java:1440) ~[flink-s3-fs-presto-1.17.2.jar:1.17.2]",
]
_KAFKA_FRAMES = [
    "\tat org.apache.kafka.clients.consumer.internals.ConsumerCoordinator$OffsetCommitResponseHandler.handle(ConsumerCoordinator.java:1331) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.internals.AbstractCoordinator$CoordinatorResponseHandler.onSuccess(AbstractCoordinator.java:1255) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.internals.RequestFuture$1.onSuccess(RequestFuture.java:206) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.internals.RequestFuture.fireSuccess(RequestFuture.java:169) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient.firePendingCompletedRequests(ConsumerNetworkClient.java:602) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient.poll(ConsumerNetworkClient.java:273) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.KafkaConsumer.pollForFetches(KafkaConsumer.java:1297) ~[?:?]",
    "\tat org.apache.kafka.clients.consumer.KafkaConsumer.poll(KafkaConsumer.java:1238) ~[?:?]",
    "\tat org.apache.flink.connector.kafka.source.reader.KafkaPartitionSplitReader.fetch(KafkaPartitionSplitReader.java:113) ~[flink-connector-kafka-1.17.2.jar:1.17.2]",
    f"\tat org.apache.flink.connector.base.source.reader.fetcher.FetchTask.run(FetchTask.java:58) {DIST}",
    f"\tat org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher.runOnce(SplitFetcher.java:162) {DIST}",
    f"\tat org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher.run(SplitFetcher.java:114) {DIST}",
    f"\tat java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539) {JDK}",
    f"\tat java.util.concurrent.FutureTask.run(FutureTask.java:264) {JDK}",
    f"\tat java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136) {JDK}",
    f"\tat java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635) {JDK}",
    f"\tat java.lang.Thread.run(Thread.java:833) {JDK}",
]
_OOM_FRAMES = [
    f"\tat java.util.Arrays.copyOf(Arrays.java:3537) {JDK}",
    f"\tat java.lang.AbstractStringBuilder.ensureCapacityInternal(AbstractStringBuilder.java:228) {JDK}",
    f"\tat java.lang.AbstractStringBuilder.append(AbstractStringBuilder.java:582) {JDK}",
    f"\tat java.lang.StringBuilder.append(StringBuilder.java:179) {JDK}",
    f"\tat java.util.HashMap.resize(HashMap.java:702) {JDK}",
    f"\tat java.util.HashMap.putVal(HashMap.java:661) {JDK}",
    f"\tat org.apache.flink.runtime.state.heap.CopyOnWriteStateMap.put(CopyOnWriteStateMap.java:341) {DIST}",
    f"\tat org.apache.flink.runtime.state.heap.StateTable.put(StateTable.java:235) {DIST}",
    f"\tat org.apache.flink.runtime.state.heap.HeapListState.add(HeapListState.java:99) {DIST}",
    f"\tat org.apache.flink.streaming.runtime.operators.windowing.WindowOperator.processElement(WindowOperator.java:404) {DIST}",
]


def _frames(r: random.Random, pool: list[str], n: int) -> list[str]:
    """``n`` consecutive frames of ``pool`` (an excerpt of a real stack), user frames with a line number."""
    n = max(1, min(n, len(pool)))
    start = r.randrange(len(pool) - n + 1)
    return [f.format(r.randrange(30, 400)) if "{}" in f else f for f in pool[start : start + n]]


def _bottom(n: int) -> list[str]:
    return _TASK_BOTTOM[-n:] if n else []


# Exception chains: (outermost first) class + message builders, with the frame pools that follow each one.
ChainPart = tuple[str, list[str]]


def _chain(w: World, kind: str) -> list[ChainPart]:
    r = w.r
    tm, ip = w.other_tm()
    if kind == "remote_lost":
        return [
            (
                "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Connection unexpectedly "
                f"closed by remote task manager '{ip}/{ip}:{r.randrange(32768, 60999)} [ {tm} ] '. This might "
                "indicate that the remote task manager was lost.",
                _NETTY_FRAMES,
            )
        ]
    if kind == "user_http":
        return [
            (
                f"java.lang.RuntimeException: Failed to enrich order {r.randrange(10**7, 10**8)}",
                _USER_FRAMES + _OPERATOR_FRAMES + _TASK_BOTTOM,
            ),
            (
                "java.io.UncheckedIOException: java.net.SocketTimeoutException: Read timed out",
                _USER_FRAMES,
            ),
            ("java.net.SocketTimeoutException: Read timed out", _HTTP_FRAMES + _USER_FRAMES),
        ]
    if kind == "npe":
        return [
            (
                "org.apache.flink.streaming.runtime.tasks.ExceptionInChainedOperatorException: Could not forward "
                "element to next operator",
                _OPERATOR_FRAMES + _SOURCE_FRAMES + _TASK_BOTTOM,
            ),
            (
                'java.lang.NullPointerException: Cannot invoke "com.acme.orders.model.Customer.getSegment()" because '
                '"customer" is null',
                _USER_FRAMES + _OPERATOR_FRAMES,
            ),
        ]
    if kind == "kafka_commit":
        p = r.randrange(32)
        return [
            (
                "org.apache.kafka.clients.consumer.RetriableCommitFailedException: Offset commit failed with a "
                "retriable exception. You should retry committing the latest consumed offsets.",
                _KAFKA_FRAMES,
            ),
            (
                f"org.apache.kafka.common.errors.TimeoutException: Timeout of 60000ms expired before successfully "
                f"committing offsets {{orders-{p}=OffsetAndMetadata{{offset={r.randrange(10**9)}, leaderEpoch=null, "
                "metadata=''}}",
                [],
            ),
        ]
    if kind == "checkpoint_s3":
        bucket = f"s3://acme-flink-checkpoints/{w.job_name}/{w.job_id}/chk-{w.ckpt()}/{hexn(r, 8)}-{hexn(r, 4)}"
        return [
            (
                f"java.util.concurrent.ExecutionException: java.io.IOException: Could not flush to file and close "
                f"the file system output stream to {bucket} in order to obtain the stream state handle",
                _CHECKPOINT_FRAMES,
            ),
            (
                f"java.io.IOException: Could not flush to file and close the file system output stream to {bucket} "
                "in order to obtain the stream state handle",
                _CHECKPOINT_FRAMES,
            ),
            (
                "com.amazonaws.SdkClientException: Unable to execute HTTP request: Timeout waiting for connection "
                "from pool",
                _S3_FRAMES + _CHECKPOINT_FRAMES,
            ),
        ]
    if kind == "json":
        body = (
            f'{{"orderId":{r.randrange(10**7, 10**8)},"customer":{{"id":{r.randrange(10**6)},"segment":"B2C"}},'
            f'"items":[{{"sku":"SKU-{r.randrange(10**5)}","qty":{r.randrange(1, 9)}}}'
        )
        return [
            (
                "org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParseException: Unexpected end-of-"
                f'input: expected close marker for Array\n at [Source: (byte[])"{body}"; line: 1, column: '
                f"{len(body) + 1}]",
                [
                    "\tat org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.base.ParserMinimalBase._reportInvalidEOF(ParserMinimalBase.java:682) ~[flink-dist-1.17.2.jar:1.17.2]",
                    "\tat org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.json.UTF8StreamJsonParser.nextToken(UTF8StreamJsonParser.java:752) ~[flink-dist-1.17.2.jar:1.17.2]",
                    "\tat org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper.readTree(ObjectMapper.java:3280) ~[flink-dist-1.17.2.jar:1.17.2]",
                    *_USER_FRAMES,
                    *_SOURCE_FRAMES,
                    *_TASK_BOTTOM,
                ],
            )
        ]
    if kind == "buffer_destroyed":
        return [
            (
                "java.lang.RuntimeException: Buffer pool is destroyed.",
                _OPERATOR_FRAMES + _TASK_BOTTOM,
            ),
            ("java.lang.IllegalStateException: Buffer pool is destroyed.", _OPERATOR_FRAMES),
        ]
    if kind == "interrupted":
        return [
            ("java.lang.InterruptedException: sleep interrupted", _USER_FRAMES + _OPERATOR_FRAMES + _TASK_BOTTOM),
        ]
    if kind == "declined":
        t, _, _ = w.task()
        return [
            (
                f"org.apache.flink.runtime.checkpoint.CheckpointException: Task name with subtask : {t} Failure "
                "reason: Checkpoint was declined (task is closing)",
                _CHECKPOINT_FRAMES,
            )
        ]
    if kind == "heap_oom":
        return [("java.lang.OutOfMemoryError: Java heap space", _OOM_FRAMES + _OPERATOR_FRAMES + _TASK_BOTTOM)]
    if kind == "metaspace_oom":
        return [
            (
                "java.lang.OutOfMemoryError: Metaspace. The metaspace out-of-memory error has occurred. This can mean "
                "two things: either the job requires a larger size of JVM metaspace to load classes or there is a "
                "class loading leak. In the first case 'taskmanager.memory.jvm-metaspace.size' configuration option "
                "should be increased. If the error persists (usually in cluster after several job (re-)submissions) "
                "then there is probably a class loading leak in user code or some of its dependencies which has to "
                "be investigated and fixed. The task executor has to be shutdown...",
                [
                    f"\tat java.lang.ClassLoader.defineClass1(Native Method) {JDK}",
                    f"\tat java.lang.ClassLoader.defineClass(ClassLoader.java:1012) {JDK}",
                    f"\tat java.net.URLClassLoader.defineClass(URLClassLoader.java:524) {JDK}",
                    f"\tat org.apache.flink.util.ChildFirstClassLoader.loadClassWithoutExceptionHandling(ChildFirstClassLoader.java:71) {DIST}",
                    f"\tat org.apache.flink.util.FlinkUserCodeClassLoader.loadClass(FlinkUserCodeClassLoader.java:51) {DIST}",
                    *_USER_FRAMES,
                    *_TASK_BOTTOM,
                ],
            )
        ]
    if kind == "jm_heartbeat":
        return [
            (f"org.apache.flink.util.FlinkException: Disconnect from JobManager responsible for {w.job_id}.", []),
            (
                f"java.util.concurrent.TimeoutException: The heartbeat of JobManager with id {w.jm_leader} timed out.",
                [
                    f"\tat org.apache.flink.runtime.taskexecutor.TaskExecutor$JobManagerHeartbeatListener.notifyHeartbeatTimeout(TaskExecutor.java:2574) {DIST}",
                    f"\tat org.apache.flink.runtime.heartbeat.HeartbeatMonitorImpl.run(HeartbeatMonitorImpl.java:158) {DIST}",
                    f"\tat java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539) {JDK}",
                    f"\tat java.util.concurrent.FutureTask.run(FutureTask.java:264) {JDK}",
                    f"\tat org.apache.flink.runtime.rpc.akka.AkkaRpcActor.lambda$handleRunAsync$4(AkkaRpcActor.java:453) {JDK}",
                    f"\tat org.apache.flink.runtime.concurrent.akka.ClassLoadingUtils.runWithContextClassLoader(ClassLoadingUtils.java:68) {JDK}",
                    f"\tat org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleRunAsync(AkkaRpcActor.java:453) {JDK}",
                    f"\tat org.apache.flink.runtime.rpc.akka.AkkaRpcActor.handleRpcMessage(AkkaRpcActor.java:218) {JDK}",
                    *_ASYNC_FRAMES[6:],
                ],
            ),
        ]
    if kind == "tm_heartbeat":
        return [
            (
                f"java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id {w.tm_pod} timed out.",
                [
                    f"\tat org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout(JobMaster.java:1394) {DIST}",
                    f"\tat org.apache.flink.runtime.heartbeat.HeartbeatMonitorImpl.run(HeartbeatMonitorImpl.java:155) {DIST}",
                    *_ASYNC_FRAMES,
                ],
            )
        ]
    if kind == "tolerable":
        return [
            (
                "org.apache.flink.util.FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold. The "
                "latest checkpoint failed due to Checkpoint expired before completing., view the Checkpoint History "
                "tab or the Job Manager log to find out why continuous checkpoints failed.",
                [
                    f"\tat org.apache.flink.runtime.checkpoint.CheckpointFailureManager.checkFailureAgainstCounter(CheckpointFailureManager.java:206) {DIST}",
                    f"\tat org.apache.flink.runtime.checkpoint.CheckpointFailureManager.handleJobLevelCheckpointException(CheckpointFailureManager.java:169) {DIST}",
                    f"\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator.abortPendingCheckpoint(CheckpointCoordinator.java:2185) {DIST}",
                    f"\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator$CheckpointCanceller.run(CheckpointCoordinator.java:2133) {DIST}",
                    *_ASYNC_FRAMES[9:],
                ],
            )
        ]
    if kind == "expired":
        return [
            (
                "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.",
                [
                    f"\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator$CheckpointCanceller.run(CheckpointCoordinator.java:2133) {DIST}",
                    f"\tat java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539) {JDK}",
                    f"\tat java.util.concurrent.FutureTask.run(FutureTask.java:264) {JDK}",
                    f"\tat java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run(ScheduledThreadPoolExecutor.java:304) {JDK}",
                    f"\tat java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136) {JDK}",
                    f"\tat java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635) {JDK}",
                    f"\tat java.lang.Thread.run(Thread.java:833) {JDK}",
                ],
            )
        ]
    raise ValueError(kind)


def render_trace(w: World, kind: str, total_lines: int | None = None) -> str:
    """A log4j2-printed throwable: ``cls: msg`` / ``\\tat ...`` / ``Caused by: ...`` / ``\\t... N more``.

    20-60 lines (skewed towards 20, mean ~26) unless ``total_lines`` says otherwise; a trace longer than its frames
    gets a deeper operator chain (``ChainingOutput.pushToOperator`` / ``CountingOutput.collect`` / ``processElement``
    repeated), as chained operators really print. Returned with a trailing newline."""
    r = w.r
    chain = _chain(w, kind)
    target = total_lines if total_lines is not None else min(60, 20 + int(r.expovariate(1 / 6)))
    lines: list[str] = []
    budget = target - sum(text.count("\n") + 1 for text, _ in chain) - (len(chain) - 1)
    for i, (text, frames) in enumerate(chain):
        lines.append(text if i == 0 else f"Caused by: {text}")
        if frames:
            # The outermost exception keeps most of its stack; causes show their top frames, then "... N more".
            left = len(chain) - i - 1
            take = len(frames) if i == 0 else r.randint(1, min(len(frames), 8))
            take = max(1, min(take, budget - left))
            lines.extend(
                _frames(r, frames, take)
                if i
                else [f.format(r.randrange(30, 400)) if "{}" in f else f for f in frames[-take:]]
            )
            budget -= take
        if i > 0:
            lines.append(f"\t... {r.randrange(8, 40)} more")
    if budget > 0:
        chained = [f.format(r.randrange(30, 400)) if "{}" in f else f for f in _OPERATOR_FRAMES[1:7]]
        extra = (chained * (budget // len(chained) + 1))[:budget]
        lines[1:1] = extra
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# Flink message templates
# ---------------------------------------------------------------------------------------------------------------------

Render = Callable[[World], str]


@dataclass(frozen=True)
class Template:
    level: str
    logger: str
    weight: float
    render: Render


T = Template
TE = "org.apache.flink.runtime.taskexecutor.TaskExecutor"
TASK = "org.apache.flink.runtime.taskmanager.Task"
SLOTS = "org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl"
JLS = "org.apache.flink.runtime.taskexecutor.DefaultJobLeaderService"
EG = "org.apache.flink.runtime.executiongraph.ExecutionGraph"
CC = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator"
JMASTER = "org.apache.flink.runtime.jobmaster.JobMaster"
ARM = "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager"

_STATES = [
    ("CREATED", "DEPLOYING"),
    ("DEPLOYING", "INITIALIZING"),
    ("INITIALIZING", "RUNNING"),
    ("INITIALIZING", "RUNNING"),
    ("RUNNING", "CANCELING"),
    ("CANCELING", "CANCELED"),
]


def _pick(r: random.Random, seq: tuple[Any, ...] | list[Any]) -> Any:
    return seq[r.randrange(len(seq))]


def _date(w: World) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(START_MS / 1000 + w.r.randrange(3 * 86400)))


def _tm_templates() -> list[Template]:
    def transition(w: World) -> str:
        tm, _, aid = w.task()
        a, b = _pick(w.r, _STATES)
        return f"{tm} ({aid}) switched from {a} to {b}."

    def received(w: World) -> str:
        tm, _, aid = w.task()
        return f"Received task {tm} ({aid}), deploy into slot with allocation id {w.alloc()}."

    def unregister(w: World) -> str:
        tm, _, aid = w.task()
        state = _pick(w.r, ("CANCELED", "CANCELED", "FINISHED", "FAILED"))
        return f"Un-registering task and sending final execution state {state} to JobManager for task {tm} {aid}."

    def task_simple(fmt: str) -> Render:
        def render(w: World) -> str:
            tm, _, aid = w.task()
            return fmt.format(tm=tm, aid=aid)

        return render

    def free_slot(w: World) -> str:
        return (
            f"Free slot TaskSlot(index:{w.r.randrange(4)}, state:ACTIVE, resource profile: ResourceProfile{{cpuCores=1,"
            " taskHeapMemory=384.000mb (402653174 bytes), taskOffHeapMemory=0 bytes, managedMemory=512.000mb "
            f"(536870920 bytes), networkMemory=128.000mb (134217730 bytes)}}, allocationId: {w.alloc()}, jobId: "
            f"{w.job_id})."
        )

    def resetting(w: World) -> str:
        b, host = w.broker()
        return (
            f"{w.consumer()} Resetting offset for partition orders-{w.r.randrange(32)} to position "
            f"FetchPosition{{offset={w.r.randrange(10**9)}, offsetEpoch=Optional.empty, currentLeader=LeaderAndEpoch"
            f"{{leader=Optional[{host} (id: {b} rack: null)], epoch={w.r.randrange(60)}}}}}."
        )

    def committed_offset(w: World) -> str:
        b, host = w.broker()
        e = w.r.randrange(60)
        return (
            f"{w.consumer()} Setting offset for partition orders-{w.r.randrange(32)} to the committed offset "
            f"FetchPosition{{offset={w.r.randrange(10**9)}, offsetEpoch=Optional[{e}], currentLeader=LeaderAndEpoch"
            f"{{leader=Optional[{host} (id: {b} rack: null)], epoch={e}}}}}"
        )

    def seeking(w: World) -> str:
        return f"{w.consumer()} Seeking to offset {w.r.randrange(10**9)} for partition orders-{w.r.randrange(32)}"

    def coordinator(w: World) -> str:
        b, host = w.broker()
        return f"{w.consumer()} Discovered group coordinator {host} (id: {2147483647 - b} rack: null)"

    def coordinator_lost(w: World) -> str:
        b, host = w.broker()
        return (
            f"{w.consumer()} Group coordinator {host} (id: {2147483647 - b} rack: null) is unavailable or invalid "
            "due to cause: coordinator unavailable. isDisconnected: false. Rediscovery will be attempted."
        )

    def fetch_error(w: World) -> str:
        return (
            f"{w.consumer()} Error sending fetch request (sessionId={w.r.randrange(2**31)}, epoch="
            f"{w.r.randrange(1, 90000)}) to node {w.r.randrange(3)}:\n"
            "org.apache.kafka.common.errors.DisconnectException: null"
        )

    def node_disconnected(w: World) -> str:
        return f"{w.consumer()} Node {w.r.randrange(3)} disconnected."

    def cancelled_fetch(w: World) -> str:
        e = w.r.randrange(100, 40000)
        return (
            f"{w.consumer()} Cancelled in-flight FETCH request with correlation id {w.r.randrange(10**7)} due to node "
            f"{w.r.randrange(3)} being disconnected (elapsed time since creation: {e}ms, elapsed time since send: "
            f"{e}ms, request timeout: 30000ms)"
        )

    def producer_id(w: World) -> str:
        return f"{w.producer()} ProducerId set to {w.r.randrange(10**6)} with epoch {w.r.randrange(30)}"

    def producer_msg(text: str) -> Render:
        return lambda w: f"{w.producer()} {text}"

    def txn_coordinator(w: World) -> str:
        b, host = w.broker()
        return f"{w.producer()} Discovered transaction coordinator {host} (id: {b} rack: null)"

    def no_connection(w: World) -> str:
        b, host = w.broker()
        return (
            f"{w.producer()} Connection to node {b} ({host.split(':')[0]}/10.42.{9 + b}.{w.r.randrange(2, 250)}:9092) "
            "could not be established. Broker may not be available."
        )

    def two_phase(w: World) -> str:
        sub = w.r.randrange(8)
        tid = f"{w.job_name}-sink-{sub}-{w.r.randrange(1, 400)}"
        c = w.ckpt()
        return (
            f"FlinkKafkaProducer {sub + 1}/8 - checkpoint {c} complete, committing transaction TransactionHolder"
            f"{{handle=KafkaTransactionState [transactionalId={tid}, producerId={w.r.randrange(10**6)}, epoch="
            f"{w.r.randrange(30)}], transactionStartTime={START_MS + w.r.randrange(10**9)}}} from checkpoint {c}"
        )

    def buckets(w: World) -> str:
        sub = w.r.randrange(8)
        return _pick(
            w.r,
            (
                f"Subtask {sub} checkpointing for checkpoint with id={w.ckpt()} (max part counter={w.r.randrange(9000)}).",
                f"Subtask {sub} received completion notification for checkpoint with id={w.ckpt()}.",
                f"Subtask {sub} closing in-progress part file for bucket id=dt={_date(w)} on checkpoint.",
            ),
        )

    def add_split(w: World) -> str:
        return (
            f"Adding split(s) to reader: [[Partition: orders-{w.r.randrange(32)}, StartingOffset: "
            f"{w.r.randrange(10**9)}, StoppingOffset: -9223372036854775808]]"
        )

    def barrier(w: World) -> str:
        tm, _, _ = w.task()
        c = w.ckpt()
        return (
            f"{tm}: Received checkpoint barrier for checkpoint {c + 1} before completing current checkpoint {c}. "
            "Skipping current checkpoint."
        )

    def enriched(w: World) -> str:
        return (
            f"Enriched order {w.r.randrange(10**7, 10**8)} for customer {w.r.randrange(10**6)} (segment="
            f"{_pick(w.r, ('B2C', 'B2C', 'B2B'))}, region={_pick(w.r, ('eu-central-1', 'eu-west-1'))}) in "
            f"{w.r.randrange(1, 80)} ms (cache hit: {_pick(w.r, ('true', 'true', 'false'))})"
        )

    def cache_stats(w: World) -> str:
        h, m = w.r.randrange(10**6), w.r.randrange(10**5)
        return (
            f"Cache stats: size={w.r.randrange(10**5)}, hits={h}, misses={m}, evictions={w.r.randrange(10**4)}, "
            f"hitRate={h / (h + m + 1):.3f}"
        )

    def audit(w: World) -> str:
        n = w.r.randrange(100, 50000)
        return (
            f"Flushed {n} audit records to s3://acme-audit/orders/dt={_date(w)}/part-{w.r.randrange(8)}-"
            f"{w.r.randrange(10**4)}.parquet in {w.r.randrange(20, 3000)} ms"
        )

    def address(w: World) -> str:
        street = _pick(
            w.r, ("Münchener Straße 12, 80331 München", "Rue de l'Église 4, 75001 Paris", "Åsgatan 3, Malmö")
        )
        return f"Customer {w.r.randrange(10**6)} address normalised: '{street}'"

    def rejected(w: World) -> str:
        a = w.r.randrange(100, 100000) / 100
        return f"Order {w.r.randrange(10**7, 10**8)} rejected: total {a:.2f} does not match sum of items {a + 0.01:.2f}"

    def late(w: World) -> str:
        t = START_MS + w.r.randrange(3 * 86400 * 1000)
        late_ms = w.r.randrange(1000, 900000)
        return (
            f"Late event dropped: key=customer-{w.r.randrange(10**6)}, eventTime={t}, currentWatermark={t + late_ms}, "
            f"lateness={late_ms} ms, allowedLateness=0 ms"
        )

    def malformed(w: World) -> str:
        return (
            f"Skipping malformed record at orders-{w.r.randrange(32)}@{w.r.randrange(10**9)}: Unexpected character "
            "('}' (code 125)): was expecting double-quote to start field name"
        )

    def lookup_failed(w: World) -> str:
        return (
            f"Customer lookup failed for order {w.r.randrange(10**7, 10**8)}: HTTP 503 from "
            f"http://customer-service.internal:8080/api/v2/customers/{w.r.randrange(10**6)} after 3 retries"
        )

    def dlq(w: World) -> str:
        return f"Sent order {w.r.randrange(10**7, 10**8)} to dead-letter topic orders-dlq (reason: VALIDATION_FAILED)"

    def memory_high(w: World) -> str:
        p = w.r.randrange(95, 101)
        return (
            f"Memory usage [{p}%] is too high to satisfy all of the requests. This can severely impact network "
            "throughput. Please consider increasing available network memory, or decreasing configured size of "
            "network buffer pools. (totalMemory=128.000mb (134217730 bytes), requestedMemory=131.250mb (137625600 "
            "bytes), missingMemory=3.250mb (3407870 bytes))"
        )

    def partition_retry(w: World) -> str:
        _, ip = w.other_tm()
        return f"Failed {w.r.randrange(1, 4)} times to connect to {ip}/{ip}:{w.r.randrange(32768, 60999)}. Retrying."

    def gated(w: World) -> str:
        _, ip = w.other_tm()
        return (
            f"Association with remote system [akka.tcp://flink@{ip}:6122] has failed, address is now gated for [50] "
            "ms. Reason: [Disassociated] "
        )

    def refused(w: World) -> str:
        _, ip = w.other_tm()
        return f"Remote connection to [null] failed with java.net.ConnectException: Connection refused: /{ip}:6122"

    def blob(w: World) -> str:
        return f"Downloading {w.job_id}/p-{hexn(w.r, 40)}-{hex32(w.r)} from {w.jm_host}/10.42.0.5:6124"

    def rocks(w: World) -> str:
        v = w.vertex()
        return (
            f"Finished building RocksDB keyed state-backend at /tmp/flink-io-{hexn(w.r, 8)}-{hexn(w.r, 4)}/job_"
            f"{w.job_id}_op_{v.name.split(' ')[0].strip(':')}_{v.vid}__{w.r.randrange(1, 9)}_8__uuid_{hexn(w.r, 8)}-"
            f"{hexn(w.r, 4)}."
        )

    def changelog(w: World) -> str:
        return "Creating a changelog storage with name 'memory'."

    def storage(w: World) -> str:
        return f"Checkpoint storage is set to 'filesystem': (checkpoints \"s3://acme-flink-checkpoints/{w.job_name}\")"

    def backend(w: World) -> str:
        return (
            "Using job/cluster config to configure application-defined state backend: EmbeddedRocksDBStateBackend"
            "{, localRocksDbDirectories=null, enableIncrementalCheckpointing=TRUE, numberOfTransferThreads=4, "
            "writeBatchSize=2097152}"
        )

    def slow_barrier(w: World) -> str:
        return f"Time from receiving all checkpoint barriers/RPC to executing it exceeded threshold: {w.r.randrange(1000, 60000)}ms"

    def stuck(w: World) -> str:
        tm, _, _ = w.task()
        frames = "\n".join(" " + f.lstrip("\t") for f in _frames(w.r, _HTTP_FRAMES + _USER_FRAMES, 9))
        return (
            f"Task '{tm}' did not react to cancelling signal - interrupting; it is stuck for {w.r.randrange(30, 181)} "
            f"seconds in method:\n{frames.format(77, 88, 99)}"
        )

    def jm_connect(w: World) -> str:
        return _pick(
            w.r,
            (
                f"Add job {w.job_id} for job leader monitoring.",
                f"Try to register at job manager {w.jm_addr} with leader id {w.jm_leader}.",
                "Resolved JobManager address, beginning registration",
                f"Successful registration at job manager {w.jm_addr} for job {w.job_id}.",
            ),
        )

    u = "com.acme.orders."
    kc = "org.apache.kafka.clients."
    return [
        # Task lifecycle and slots
        T("INFO", TASK, 4.0, transition),
        T("INFO", TE, 1.0, received),
        T("INFO", TE, 0.8, unregister),
        T("INFO", TASK, 0.6, task_simple("Freeing task resources for {tm} ({aid}).")),
        T("INFO", TASK, 0.5, task_simple("Loading JAR files for task {tm} ({aid}) [DEPLOYING].")),
        T("INFO", TASK, 0.4, task_simple("Attempting to cancel task {tm} ({aid}).")),
        T("INFO", TASK, 0.4, task_simple("Triggering cancellation of task code {tm} ({aid}).")),
        T(
            "INFO",
            TASK,
            0.3,
            task_simple("Ensuring all FileSystem streams are closed for task {tm} ({aid}) [CANCELED]"),
        ),
        T(
            "INFO",
            TE,
            0.3,
            lambda w: (
                f"Receive slot request {w.alloc()} for job {w.job_id} from resource manager with leader id {w.rm_id}."
            ),
        ),
        T("INFO", TE, 0.3, lambda w: f"Allocated slot for {w.alloc()}."),
        T("INFO", TE, 0.2, lambda w: f"Offer reserved slots to the leader of job {w.job_id}."),
        T("INFO", TE, 0.1, lambda w: f"Establish JobManager connection for job {w.job_id}."),
        T("INFO", SLOTS, 0.4, lambda w: f"Activate slot {w.alloc()}."),
        T("INFO", SLOTS, 0.3, free_slot),
        T("INFO", JLS, 0.3, jm_connect),
        # State backends
        T("INFO", "org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackendBuilder", 1.0, rocks),
        T("INFO", "org.apache.flink.runtime.state.changelog.StateChangelogStorageLoader", 0.5, changelog),
        T("INFO", "org.apache.flink.streaming.runtime.tasks.StreamTask", 0.8, storage),
        T("INFO", "org.apache.flink.streaming.runtime.tasks.StreamTask", 0.6, backend),
        T(
            "INFO",
            "org.apache.flink.runtime.state.StateBackendLoader",
            0.5,
            lambda w: "State backend loader loads the state backend as EmbeddedRocksDBStateBackend",
        ),
        T(
            "INFO",
            "org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend",
            0.5,
            lambda w: "Obtained shared RocksDB cache of size 536870920 bytes",
        ),
        # Checkpoints (TM side) and sinks
        T("INFO", "org.apache.flink.streaming.api.functions.sink.TwoPhaseCommitSinkFunction", 9.0, two_phase),
        T("INFO", "org.apache.flink.streaming.api.functions.sink.filesystem.Buckets", 5.0, buckets),
        T("WARN", "org.apache.flink.streaming.runtime.io.checkpointing.SingleCheckpointBarrierHandler", 0.6, barrier),
        T("WARN", "org.apache.flink.streaming.runtime.tasks.SubtaskCheckpointCoordinatorImpl", 0.5, slow_barrier),
        # Sources
        T("INFO", "org.apache.flink.connector.base.source.reader.SourceReaderBase", 2.5, add_split),
        T(
            "INFO",
            "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher",
            0.8,
            lambda w: f"Starting split fetcher {w.r.randrange(4)}",
        ),
        T(
            "INFO",
            "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher",
            0.5,
            lambda w: f"Split fetcher {w.r.randrange(4)} exited.",
        ),
        T(
            "INFO",
            "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherManager",
            0.8,
            lambda w: f"Closing splitFetcher {w.r.randrange(4)} because it is idle.",
        ),
        # Kafka clients
        T("INFO", kc + "consumer.internals.SubscriptionState", 6.0, resetting),
        T("INFO", kc + "consumer.internals.ConsumerCoordinator", 3.0, committed_offset),
        T("INFO", kc + "consumer.internals.SubscriptionState", 1.5, seeking),
        T("INFO", kc + "consumer.internals.ConsumerCoordinator", 2.0, coordinator),
        T("INFO", kc + "consumer.internals.ConsumerCoordinator", 0.8, coordinator_lost),
        T("INFO", kc + "FetchSessionHandler", 0.8, fetch_error),
        T("INFO", kc + "NetworkClient", 1.5, node_disconnected),
        T("INFO", kc + "NetworkClient", 0.8, cancelled_fetch),
        T("WARN", kc + "NetworkClient", 0.8, no_connection),
        T("INFO", kc + "producer.internals.TransactionManager", 3.0, producer_id),
        T("INFO", kc + "producer.internals.TransactionManager", 1.0, txn_coordinator),
        T(
            "INFO",
            kc + "producer.internals.TransactionManager",
            0.8,
            producer_msg("Invoking InitProducerId for the first time in order to acquire a producer ID"),
        ),
        T("INFO", kc + "producer.KafkaProducer", 1.0, producer_msg("Instantiated a transactional producer.")),
        T(
            "INFO",
            kc + "producer.KafkaProducer",
            1.0,
            producer_msg("Closing the Kafka producer with timeoutMillis = 0 ms."),
        ),
        T(
            "INFO",
            kc + "producer.KafkaProducer",
            0.6,
            producer_msg("Overriding the default enable.idempotence to true since transactional.id is specified."),
        ),
        T("INFO", "org.apache.kafka.common.utils.AppInfoParser", 0.3, lambda w: "Kafka version: 3.2.3"),
        T("INFO", "org.apache.kafka.common.utils.AppInfoParser", 0.3, lambda w: "Kafka commitId: 50029d3ed8ba576f"),
        T(
            "INFO",
            "org.apache.kafka.common.utils.AppInfoParser",
            0.3,
            lambda w: f"Kafka startTimeMs: {START_MS + w.r.randrange(10**9)}",
        ),
        T(
            "INFO",
            "org.apache.kafka.common.utils.AppInfoParser",
            0.5,
            lambda w: (
                f"App info kafka.producer for producer-{w.job_name}-sink-{w.r.randrange(8)}-{w.r.randrange(400)} unregistered"
            ),
        ),
        T("INFO", kc + "Metadata", 0.8, lambda w: f"{w.producer()} Cluster ID: q3WcYx{hexn(w.r, 6)}Rw_Kc1Q"),
        T(
            "INFO",
            "org.apache.kafka.common.metrics.Metrics",
            0.5,
            lambda w: _pick(
                w.r,
                (
                    "Metrics scheduler closed",
                    "Closing reporter org.apache.kafka.common.metrics.JmxReporter",
                    "Metrics reporters closed",
                ),
            ),
        ),
        T(
            "ERROR",
            kc + "producer.internals.Sender",
            0.15,
            lambda w: f"{w.producer()} Aborting producer batches due to fatal error",
        ),
        # User code
        T("INFO", u + "EnrichmentFunction", 9.0, enriched),
        T("INFO", u + "CustomerCache", 3.0, cache_stats),
        T("INFO", u + "sink.AuditWriter", 3.0, audit),
        T("INFO", u + "EnrichmentFunction", 1.0, address),
        T("WARN", u + "OrderValidator", 2.5, rejected),
        T("WARN", u + "OrderValidator", 2.0, late),
        T("WARN", u + "OrderDeserializer", 1.0, malformed),
        T("ERROR", u + "EnrichmentFunction", 0.9, lookup_failed),
        T("ERROR", u + "DeadLetterRouter", 0.3, dlq),
        # Network, RPC, misc runtime
        T("WARN", "org.apache.flink.runtime.io.network.buffer.NetworkBufferPool", 0.3, memory_high),
        T(
            "INFO",
            "org.apache.flink.runtime.io.network.buffer.NetworkBufferPool",
            0.3,
            lambda w: f"Memory usage [{w.r.randrange(60, 90)}%] went back to normal",
        ),
        T("WARN", "org.apache.flink.runtime.io.network.netty.PartitionRequestClientFactory", 0.4, partition_retry),
        T("WARN", "akka.remote.ReliableDeliverySupervisor", 0.5, gated),
        T("WARN", "akka.remote.transport.netty.NettyTransport", 0.3, refused),
        T("INFO", "org.apache.flink.runtime.blob.BlobClient", 0.4, blob),
        T(
            "INFO",
            "org.apache.flink.runtime.io.disk.FileChannelManagerImpl",
            0.2,
            lambda w: (
                f"FileChannelManager uses directory /tmp/flink-io-{hexn(w.r, 8)}-{hexn(w.r, 4)}-{hexn(w.r, 4)}-{hexn(w.r, 12)} for spill files."
            ),
        ),
        T("WARN", TASK, 0.05, stuck),
    ]


def _jm_templates() -> list[Template]:
    def transition(w: World) -> str:
        _, jm, aid = w.task()
        a, b = _pick(w.r, _STATES)
        return f"{jm} ({aid}) switched from {a} to {b}."

    def deploying(w: World) -> str:
        _, jm, aid = w.task()
        pod, ip = w.other_tm()
        sub = jm.rsplit("(", 1)[1].split("/")[0]
        return (
            f"Deploying {jm} (attempt #{aid.rsplit('_', 1)[1]}) with attempt id {aid} and vertex id "
            f"{aid.split('_')[1]}_{int(sub) - 1} to {pod} @ {ip} (dataPort={w.r.randrange(32768, 60999)}) with "
            f"allocation id {w.alloc()}"
        )

    def triggering(w: World) -> str:
        return (
            f"Triggering checkpoint {w.ckpt()} (type=CheckpointType{{name='Checkpoint', sharingFilesStrategy="
            f"FORWARD_BACKWARD}}) @ {START_MS + w.r.randrange(10**9)} for job {w.job_id}."
        )

    def completed(w: World) -> str:
        return (
            f"Completed checkpoint {w.ckpt()} for job {w.job_id} ({w.r.randrange(10**6, 10**10)} bytes, "
            f"checkpointDuration={w.r.randrange(200, 60000)} ms, finalizationTime={w.r.randrange(0, 40)} ms)."
        )

    def late_msg(w: World) -> str:
        _, _, aid = w.task()
        pod, ip = w.other_tm()
        return (
            f"Received late message for now expired checkpoint attempt {w.ckpt()} from task {aid} of job {w.job_id} "
            f"at {pod} @ {ip} (dataPort={w.r.randrange(32768, 60999)})."
        )

    def requirements(w: World) -> str:
        return (
            f"Received resource requirements from job {w.job_id}: [ResourceRequirement{{resourceProfile="
            f"ResourceProfile{{UNKNOWN}}, numberOfRequiredSlots={w.r.randrange(1, 33)}}}]"
        )

    def start_alloc(w: World) -> str:
        pod, _ = w.other_tm()
        return (
            f"Starting allocation of slot {w.alloc()} from {pod} for job {w.job_id} with resource profile "
            "ResourceProfile{cpuCores=1, taskHeapMemory=384.000mb (402653174 bytes), taskOffHeapMemory=0 bytes, "
            "managedMemory=512.000mb (536870920 bytes), networkMemory=128.000mb (134217730 bytes)}."
        )

    def registering(w: World) -> str:
        pod, ip = w.other_tm()
        return f"Registering TaskManager with ResourceID {pod} (akka.tcp://flink@{ip}:6122/user/rpc/taskmanager_0) at ResourceManager"

    def rest_warn(w: World) -> str:
        return f"Requested taskmanager {w.other_tm()[0]} not found."

    def pod_created(w: World) -> str:
        return f"Creating new TaskManager pod with name {w.cluster}-taskmanager-{w.r.randrange(1, 4)}-{w.r.randrange(1, 40)} and resource <1728,1.0>."

    return [
        T("INFO", EG, 24.0, transition),
        T("INFO", EG, 4.0, deploying),
        T("INFO", CC, 14.0, triggering),
        T("INFO", CC, 14.0, completed),
        T("WARN", CC, 0.8, late_msg),
        T("INFO", "org.apache.flink.runtime.resourcemanager.slotmanager.FineGrainedSlotManager", 3.0, requirements),
        T("INFO", "org.apache.flink.runtime.resourcemanager.slotmanager.DefaultSlotStatusSyncer", 3.0, start_alloc),
        T(
            "INFO",
            "org.apache.flink.runtime.resourcemanager.slotmanager.DefaultSlotStatusSyncer",
            1.0,
            lambda w: f"Freeing slot {w.alloc()}.",
        ),
        T("INFO", "org.apache.flink.kubernetes.KubernetesResourceManagerDriver", 1.0, registering),
        T("INFO", ARM, 1.0, lambda w: f"Worker {w.other_tm()[0]} is registered."),
        T(
            "INFO",
            ARM,
            0.6,
            lambda w: (
                f"Requesting new worker with resource spec WorkerResourceSpec {{cpuCores=1.0, taskHeapSize=384.000mb (402653174 bytes), taskOffHeapSize=0 bytes, networkMemSize=128.000mb (134217730 bytes), managedMemSize=512.000mb (536870920 bytes), numSlots=1}}, current pending count: {w.r.randrange(1, 5)}."
            ),
        ),
        T("INFO", "org.apache.flink.kubernetes.KubernetesResourceManagerDriver", 0.6, pod_created),
        T(
            "INFO",
            JMASTER,
            0.8,
            lambda w: f"Disconnect TaskExecutor {w.other_tm()[0]} because: The TaskExecutor is shutting down.",
        ),
        T(
            "INFO",
            "org.apache.flink.runtime.jobmaster.slotpool.DefaultDeclarativeSlotPool",
            1.0,
            lambda w: f"Releasing slot [{w.alloc()}].",
        ),
        T(
            "INFO",
            "org.apache.flink.runtime.checkpoint.CheckpointFailureManager",
            0.6,
            lambda w: (
                f"Failed to trigger checkpoint for job {w.job_id} since Checkpoint triggering task {w.task()[1]} of job {w.job_id} is not being executed at the moment. Aborting checkpoint. Failure reason: Not all required tasks are currently running.."
            ),
        ),
        T("WARN", "org.apache.flink.runtime.rest.handler.taskmanager.TaskManagerDetailsHandler", 0.6, rest_warn),
        T(
            "WARN",
            "akka.remote.ReliableDeliverySupervisor",
            0.8,
            lambda w: (
                f"Association with remote system [akka.tcp://flink@{w.other_tm()[1]}:6122] has failed, address is now gated for [50] ms. Reason: [Disassociated] "
            ),
        ),
        T(
            "ERROR",
            "org.apache.flink.runtime.rest.handler.job.JobExceptionsHandler",
            0.4,
            lambda w: f"Exception occurred in REST handler: Job {hex32(w.r)} not found",
        ),
        T(
            "INFO",
            "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            0.3,
            lambda w: f"Received job submission '{w.job_name}' ({w.job_id}).",
        ),
        T(
            "INFO",
            "org.apache.flink.runtime.blob.BlobServer",
            0.3,
            lambda w: (
                f"Created BLOB server storage directory /tmp/blobStore-{hexn(w.r, 8)}-{hexn(w.r, 4)}-{hexn(w.r, 4)}-{hexn(w.r, 4)}-{hexn(w.r, 12)}"
            ),
        ),
    ]


# Events with a stack trace: (level, logger, weight, header, trace kinds).
TraceTemplate = tuple[str, str, float, Render, tuple[str, ...]]


def _tm_trace_templates() -> list[TraceTemplate]:
    def failed(w: World) -> str:
        tm, _, aid = w.task()
        return f"{tm} ({aid}) switched from RUNNING to FAILED with failure cause:"

    def async_part(w: World) -> str:
        tm, _, _ = w.task()
        return f"{tm} - asynchronous part of checkpoint {w.ckpt()} could not be completed."

    return [
        ("WARN", TASK, 3.0, failed, ("remote_lost", "npe", "user_http", "buffer_destroyed")),
        (
            "INFO",
            "org.apache.flink.streaming.runtime.tasks.AsyncCheckpointRunnable",
            2.0,
            async_part,
            ("checkpoint_s3", "declined"),
        ),
        (
            "WARN",
            "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader",
            2.0,
            lambda w: f"Failed to commit consumer offsets for checkpoint {w.ckpt()}",
            ("kafka_commit",),
        ),
        (
            "ERROR",
            "com.acme.orders.EnrichmentFunction",
            3.0,
            lambda w: f"Enrichment failed for order {w.r.randrange(10**7, 10**8)}, sending it to the dead-letter topic",
            ("user_http", "json"),
        ),
        (
            "ERROR",
            "org.apache.flink.streaming.runtime.tasks.StreamTask",
            1.0,
            lambda w: "Error during disposal of stream operator.",
            ("interrupted", "buffer_destroyed"),
        ),
    ]


def _jm_trace_templates() -> list[TraceTemplate]:
    def failed(w: World) -> str:
        _, jm, aid = w.task()
        pod, ip = w.other_tm()
        return f"{jm} ({aid}) switched from RUNNING to FAILED on {pod} @ {ip} (dataPort={w.r.randrange(32768, 60999)})."

    return [
        ("INFO", EG, 4.0, failed, ("remote_lost", "npe", "user_http")),
        (
            "WARN",
            "org.apache.flink.runtime.checkpoint.CheckpointFailureManager",
            3.0,
            lambda w: (
                f"Failed to trigger or complete checkpoint {w.ckpt()} for job {w.job_id}. ({w.r.randrange(0, 3)} consecutive failed attempts so far)"
            ),
            ("expired",),
        ),
        (
            "INFO",
            CC,
            1.0,
            lambda w: (
                f"Decline checkpoint {w.ckpt()} by task {w.task()[2]} of job {w.job_id} at {w.other_tm()[0]} @ {w.other_tm()[1]} (dataPort=40133)."
            ),
            ("declined",),
        ),
        (
            "WARN",
            "org.apache.flink.runtime.rest.handler.job.JobDetailsHandler",
            1.0,
            lambda w: "Unhandled exception.",
            ("interrupted",),
        ),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Long events (4-20 KB)
# ---------------------------------------------------------------------------------------------------------------------

_PRODUCER_CONFIG = """acks = -1
batch.size = 16384
bootstrap.servers = [kafka-0.kafka.svc:9092, kafka-1.kafka.svc:9092, kafka-2.kafka.svc:9092]
buffer.memory = 33554432
client.dns.lookup = use_all_dns_ips
client.id = producer-{tid}
compression.type = lz4
connections.max.idle.ms = 540000
delivery.timeout.ms = 120000
enable.idempotence = true
interceptor.classes = []
key.serializer = class org.apache.kafka.common.serialization.ByteArraySerializer
linger.ms = 5
max.block.ms = 60000
max.in.flight.requests.per.connection = 5
max.request.size = 1048576
metadata.max.age.ms = 300000
metadata.max.idle.ms = 300000
metric.reporters = []
metrics.num.samples = 2
metrics.recording.level = INFO
metrics.sample.window.ms = 30000
partitioner.adaptive.partitioning.enable = true
partitioner.availability.timeout.ms = 0
partitioner.class = null
partitioner.ignore.keys = false
receive.buffer.bytes = 32768
reconnect.backoff.max.ms = 1000
reconnect.backoff.ms = 50
request.timeout.ms = 30000
retries = 2147483647
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
sasl.login.connect.timeout.ms = null
sasl.login.read.timeout.ms = null
sasl.login.refresh.buffer.seconds = 300
sasl.login.refresh.min.period.seconds = 60
sasl.login.refresh.window.factor = 0.8
sasl.login.refresh.window.jitter = 0.05
sasl.login.retry.backoff.max.ms = 10000
sasl.login.retry.backoff.ms = 100
sasl.mechanism = GSSAPI
sasl.oauthbearer.clock.skew.seconds = 30
sasl.oauthbearer.expected.audience = null
sasl.oauthbearer.expected.issuer = null
sasl.oauthbearer.jwks.endpoint.refresh.ms = 3600000
sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms = 10000
sasl.oauthbearer.jwks.endpoint.retry.backoff.ms = 100
sasl.oauthbearer.jwks.endpoint.url = null
sasl.oauthbearer.scope.claim.name = scope
sasl.oauthbearer.sub.claim.name = sub
sasl.oauthbearer.token.endpoint.url = null
security.protocol = PLAINTEXT
security.providers = null
send.buffer.bytes = 131072
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
transaction.timeout.ms = 900000
transactional.id = {tid}
value.serializer = class org.apache.kafka.common.serialization.ByteArraySerializer""".splitlines()


def render_long(w: World, target: int) -> tuple[str, str, str]:
    """(level, logger, message) of an event of about ``target`` bytes (4-20 KB)."""
    r = w.r
    kind = r.random()
    if kind < 0.05:
        tid = f"{w.job_name}-sink-{r.randrange(8)}-{r.randrange(400)}"
        lines = [f"\t{line.format(tid=tid)}" for line in _PRODUCER_CONFIG]
        return (
            "INFO",
            "org.apache.kafka.clients.producer.ProducerConfig",
            "ProducerConfig values: \n" + "\n".join(lines),
        )
    if kind < 0.45:
        parts = []
        size = 30
        while size < target:
            part = (
                f"[Partition: orders-{r.randrange(512)}, StartingOffset: {r.randrange(10**10)}, StoppingOffset: "
                "-9223372036854775808]"
            )
            parts.append(part)
            size += len(part) + 2
        return (
            "INFO",
            "org.apache.flink.connector.base.source.reader.SourceReaderBase",
            f"Adding split(s) to reader: [{', '.join(parts)}]",
        )
    if kind < 0.8:
        items = []
        size = 120
        while size < target:
            item = (
                f'{{"sku":"SKU-{r.randrange(10**6):06d}","qty":{r.randrange(1, 20)},"price":{r.randrange(100, 99999) / 100},'
                f'"attrs":{{"color":"{_pick(r, ("red", "blue", "black", "white"))}","size":"{_pick(r, ("S", "M", "L", "XL"))}"}}}}'
            )
            items.append(item)
            size += len(item) + 1
        payload = (
            f'{{"orderId":{r.randrange(10**7, 10**8)},"customerId":{r.randrange(10**6)},"currency":"EUR","items":['
            + ",".join(items)
            + "]}"
        )
        return (
            "WARN",
            "com.acme.orders.OrderValidator",
            f"Dropping oversized record from orders-{r.randrange(32)}@{r.randrange(10**9)} ({len(payload)} bytes): {payload}",
        )
    offsets = []
    size = 40
    while size < target:
        off = f"orders-{r.randrange(512)}=OffsetAndMetadata{{offset={r.randrange(10**10)}, leaderEpoch=null, metadata=''}}"
        offsets.append(off)
        size += len(off) + 2
    return (
        "INFO",
        "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader",
        f"Committing offsets {{{', '.join(offsets)}}} for checkpoint {w.ckpt()}",
    )


# ---------------------------------------------------------------------------------------------------------------------
# Startup banners
# ---------------------------------------------------------------------------------------------------------------------


def tm_banner(w: World) -> list[tuple[str, str, str]]:
    """(level, logger, message) of a TaskManager start (K8s native, Flink 1.17.2, JDK 17)."""
    runner = "org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner"
    dashes = "-" * 80
    pre = (
        " Preconfiguration: \n\n\nRESOURCE_PARAMS extraction logs:\njvm_params: -Xmx536870902 -Xms536870902 "
        "-XX:MaxDirectMemorySize=268435458 -XX:MaxMetaspaceSize=268435456\ndynamic_configs: -D "
        "taskmanager.memory.network.min=134217730b -D taskmanager.cpu.cores=1.0 -D "
        "taskmanager.memory.task.off-heap.size=0b -D taskmanager.memory.jvm-metaspace.size=268435456b -D "
        "external-resources=none -D taskmanager.memory.jvm-overhead.min=201326592b -D "
        "taskmanager.memory.framework.off-heap.size=134217728b -D taskmanager.memory.network.max=134217730b -D "
        "taskmanager.memory.framework.heap.size=134217728b -D taskmanager.memory.managed.size=536870920b -D "
        "taskmanager.memory.task.heap.size=402653174b -D taskmanager.numberOfTaskSlots=1 -D "
        "taskmanager.memory.jvm-overhead.max=201326592b\nlogs: INFO  [] - Loading configuration property: "
        "taskmanager.memory.process.size, 1728m\nINFO  [] - Loading configuration property: "
        "jobmanager.rpc.address, orders-enrichment.streaming\nINFO  [] - Final TaskExecutor Memory "
        "configuration:\nINFO  [] -   Total Process Memory:          1.688gb (1811939328 bytes)\nINFO  [] -     "
        "Total Flink Memory:          1.250gb (1342177280 bytes)\nINFO  [] -       Total JVM Heap Memory:     "
        "512.000mb (536870902 bytes)\nINFO  [] -     JVM Metaspace:               256.000mb (268435456 bytes)\n"
    )
    classpath = ":".join(
        f"/opt/flink/lib/{jar}"
        for jar in (
            "flink-cep-1.17.2.jar",
            "flink-connector-files-1.17.2.jar",
            "flink-csv-1.17.2.jar",
            "flink-json-1.17.2.jar",
            "flink-scala_2.12-1.17.2.jar",
            "flink-table-api-java-uber-1.17.2.jar",
            "flink-table-planner-loader-1.17.2.jar",
            "flink-table-runtime-1.17.2.jar",
            "log4j-1.2-api-2.17.1.jar",
            "log4j-api-2.17.1.jar",
            "log4j-core-2.17.1.jar",
            "log4j-slf4j-impl-2.17.1.jar",
            "flink-dist-1.17.2.jar",
        )
    )
    lines = [
        dashes,
        pre,
        dashes,
        " Starting Kubernetes TaskExecutor runner (Version: 1.17.2, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:38+01:00)",
        " OS current user: flink",
        " Current Hadoop/Kerberos user: <no hadoop dependency found>",
        " JVM: OpenJDK 64-Bit Server VM - Eclipse Adoptium - 17/17.0.9+9",
        " Arch: amd64",
        " Maximum heap size: 512 MiBytes",
        " JAVA_HOME: /opt/java/openjdk",
        " No Hadoop Dependency available",
        " JVM Options:\n    -XX:+UseG1GC\n    -Xmx536870902\n    -Xms536870902\n    -XX:MaxDirectMemorySize=268435458\n"
        "    -XX:MaxMetaspaceSize=268435456\n    -Xlog:gc*:file=/opt/flink/log/gc.log:time,uptime,level,tags:filecount=10,filesize=10M\n"
        f"    -Dlog.file=/opt/flink/log/flink--kubernetes-taskmanager-0-{w.tm_pod}.log",
        " Program Arguments:\n    --configDir\n    /opt/flink/conf\n    -Dtaskmanager.resource-id\n"
        f"    {w.tm_pod}\n    -Dtaskmanager.memory.task.heap.size=402653174b",
        f" Classpath: {classpath}",
        dashes,
    ]
    out = [("INFO", runner, text) for text in lines]
    out += [
        ("INFO", runner, "Registered UNIX signal handlers for [TERM, HUP, INT]"),
        ("INFO", runner, "Maximum number of open file descriptors is 1048576."),
        (
            "INFO",
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            f"Starting TaskManager with ResourceID: {w.tm_pod}",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.taskexecutor.TaskManagerServices",
            "Temporary file directory '/tmp': total 99 GB, usable 61 GB (61.62% usable)",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.io.network.netty.NettyConfig",
            "NettyConfig [server address: /0.0.0.0, server port range: 0, ssl enabled: false, memory segment size (bytes): 32768, transport type: AUTO, number of server threads: 1 (manual), number of client threads: 1 (manual), server connect backlog: 0 (use Netty's default), client connect timeout (sec): 120, send/receive buffer size (bytes): 0 (use Netty's default)]",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.io.network.NettyShuffleServiceFactory",
            "Created a new FileChannelManager for storing result partitions of BLOCKING shuffles. Used directories:\n\t/tmp/flink-netty-shuffle-6b0c1c2d-7e42-4b7b-9f0e-6f1f1a2b3c4d",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.io.network.buffer.NetworkBufferPool",
            "Allocated 128 MB for network buffer pool (number of memory segments: 4096, bytes per segment: 32768).",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.io.network.NettyShuffleEnvironment",
            "Starting the network environment and its components.",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.io.network.netty.NettyServer",
            "Successful initialization (took 61 ms). Listening on SocketAddress /0.0.0.0:6121.",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.taskexecutor.KvStateService",
            "Starting the kvState service and its components.",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.rpc.akka.AkkaRpcService",
            "Starting RPC endpoint for org.apache.flink.runtime.taskexecutor.TaskExecutor at akka://flink/user/rpc/taskmanager_0 .",
        ),
        ("INFO", TE, f"Connecting to ResourceManager {w.rm_addr}({w.rm_id})."),
        (
            "INFO",
            "org.apache.flink.runtime.registration.RetryingRegistration",
            "Resolved ResourceManager address, beginning registration",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.taskexecutor.TaskExecutorToResourceManagerConnection",
            f"Successful registration at resource manager {w.rm_addr} under registration id {hex32(w.r)}.",
        ),
    ]
    return out


def jm_banner(w: World) -> list[tuple[str, str, str]]:
    ep = "org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint"
    dashes = "-" * 80
    return [
        ("INFO", ep, dashes),
        (
            "INFO",
            ep,
            " Starting KubernetesSessionClusterEntrypoint (Version: 1.17.2, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:38+01:00)",
        ),
        ("INFO", ep, " OS current user: flink"),
        ("INFO", ep, " JVM: OpenJDK 64-Bit Server VM - Eclipse Adoptium - 17/17.0.9+9"),
        ("INFO", ep, " Maximum heap size: 1024 MiBytes"),
        ("INFO", ep, dashes),
        ("INFO", ep, "Registered UNIX signal handlers for [TERM, HUP, INT]"),
        ("INFO", ep, "Starting KubernetesSessionClusterEntrypoint."),
        (
            "INFO",
            "org.apache.flink.runtime.rpc.akka.AkkaRpcService",
            "Starting RPC endpoint for org.apache.flink.runtime.dispatcher.StandaloneDispatcher at akka://flink/user/rpc/dispatcher_1 .",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.resourcemanager.ResourceManagerServiceImpl",
            f"Resource manager service is granted leadership with session id {hex32(w.r)}.",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            f"Received job submission '{w.job_name}' ({w.job_id}).",
        ),
        (
            "INFO",
            "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            f"Submitting job '{w.job_name}' ({w.job_id}).",
        ),
        ("INFO", JMASTER, f"Initializing job '{w.job_name}' ({w.job_id})."),
        (
            "INFO",
            JMASTER,
            f"Using restart back off time strategy ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=1000, maxBackoffMS=300000, backoffMultiplier=2.0, resetBackoffThresholdMS=3600000, jitterFactor=0.1, currentBackoffMS=1000, lastFailureTimestamp=0) for {w.job_name} ({w.job_id}).",
        ),
        ("INFO", JMASTER, f"Starting execution of job '{w.job_name}' ({w.job_id}) under job master id {w.jm_leader}."),
        ("INFO", EG, f"Job {w.job_name} ({w.job_id}) switched from state CREATED to RUNNING."),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Flink log generator
# ---------------------------------------------------------------------------------------------------------------------

TRACE_POOL = 1024
LONG_POOL = 256
P_TRACE = 0.02
P_LONG = 0.01
P_RARE = 1 / 12000  # an incident burst (heartbeat timeout, OOM, lost TM, ...) every ~12k events
P_BAD = 1 / 25000  # a line with invalid UTF-8 / NUL / stray CR


@dataclass
class Stats:
    kind: str
    bytes: int = 0
    lines: int = 0
    events: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    error_lines: int = 0
    stack_traces: int = 0
    long_events: int = 0
    bad: dict[str, int] = field(default_factory=lambda: {"invalid_utf8": 0, "nul": 0, "cr": 0})
    incidents: dict[str, int] = field(default_factory=dict)
    gc: dict[str, Any] = field(default_factory=dict)
    first_ts: str = ""
    last_ts: str = ""

    def as_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        if not self.gc:
            out.pop("gc")
        return out


class FlinkGenerator:
    """Streams a TaskManager or JobManager log, chunk by chunk."""

    def __init__(
        self,
        role: str,
        seed: int,
        target: int,
        world: World | None = None,
        start_ms: int = START_MS,
        mean_gap_ms: float = 90.0,
        story_at_ms: int | None = None,
        incidents: bool = True,
    ) -> None:
        self.role = role
        self.r = random.Random(f"{role}:{seed}")
        self.w = world or World(random.Random(f"world:{seed}"))
        self.w.r = self.r
        self.target = target
        self.stats = Stats(role)
        self.t = start_ms
        self.seconds = SecondCache("%Y-%m-%d %H:%M:%S")
        self.templates = _tm_templates() if role == "taskmanager" else _jm_templates()
        self.trace_templates = _tm_trace_templates() if role == "taskmanager" else _jm_trace_templates()
        self.cum = _cumulative([t.weight for t in self.templates])
        self.trace_cum = _cumulative([t[2] for t in self.trace_templates])
        # Gaps between events: bursts of a few ms and pauses; scaled so the mean is mean_gap_ms.
        raw = [
            self.r.randrange(0, 6) if self.r.random() < 0.7 else int(self.r.expovariate(1 / 290)) for _ in range(4096)
        ]
        scale = mean_gap_ms / (sum(raw) / len(raw))
        self.gaps = [int(g * scale) for g in raw]
        self.mix: list[str] = []
        self.mix_level: list[int] = []
        self.traces: list[tuple[str, int, int]] = []
        self.longs: list[tuple[str, int]] = []
        self.story_at_ms = story_at_ms
        self.story_done = story_at_ms is None
        # Random incident bursts; off in an incident folder, whose only incident is its story.
        self.p_rare = P_RARE if incidents else 0.0
        # 65536 pre-rendered messages for big files; small files (tests) get a smaller pool, built faster.
        self.mix_bits = 16 if target >= 32 << 20 else 12
        self._build_pools()

    # -- pools -------------------------------------------------------------------------------------------------------
    def _render_mix(self) -> tuple[str, int]:
        tpl = self.templates[_bisect(self.cum, self.r.random())]
        return mid(tpl.level, tpl.logger) + tpl.render(self.w) + "\n", _LEVEL_INDEX[tpl.level]

    def _render_trace(self) -> tuple[str, int, int]:
        level, logger, _, header, kinds = self.trace_templates[_bisect(self.trace_cum, self.r.random())]
        text = mid(level, logger) + header(self.w) + "\n" + render_trace(self.w, _pick(self.r, kinds))
        return text, _LEVEL_INDEX[level], text.count("ERROR")

    def _render_long(self) -> tuple[str, int]:
        level, logger, msg = render_long(self.w, self.r.randint(4096, 20480))
        return mid(level, logger) + msg + "\n", _LEVEL_INDEX[level]

    def _build_pools(self) -> None:
        for _ in range(1 << self.mix_bits):
            text, lv = self._render_mix()
            self.mix.append(text)
            self.mix_level.append(lv)
        self.traces = [self._render_trace() for _ in range(TRACE_POOL)]
        self.longs = [self._render_long() for _ in range(LONG_POOL)]

    def _refresh_pools(self) -> None:
        """Re-render part of the pools after each chunk so that ids and numbers keep changing along the file."""
        r = self.r
        self.w.checkpoint += r.randrange(20, 60)
        for _ in range(len(self.mix) // 32):
            i = r.randrange(len(self.mix))
            self.mix[i], self.mix_level[i] = self._render_mix()
        for _ in range(32):
            self.traces[r.randrange(TRACE_POOL)] = self._render_trace()
        for _ in range(8):
            self.longs[r.randrange(LONG_POOL)] = self._render_long()

    # -- special events ----------------------------------------------------------------------------------------------
    def _stamp(self, t: int) -> str:
        s = t // 1000
        return self.seconds(s) + _MS[t - s * 1000]

    def _event(self, out: list[str], level: str, logger: str, msg: str) -> None:
        self.t += self.r.randrange(0, 40)
        out.append(self._stamp(self.t) + mid(level, logger) + msg + "\n")
        self.stats.levels[level] += 1
        self.stats.events += 1

    def _count(self, name: str) -> None:
        self.stats.incidents[name] = self.stats.incidents.get(name, 0) + 1

    def _rare(self, out: list[str], which: str | None = None) -> None:
        """An incident burst: the events the analysis should classify."""
        w, r = self.w, self.r
        if self.role == "taskmanager":
            which = which or _pick(
                r,
                (
                    "jm_heartbeat",
                    "jm_heartbeat",
                    "rm_heartbeat",
                    "heap_oom",
                    "remote_lost",
                    "remote_lost",
                    "metaspace_oom",
                    "sigterm",
                ),
            )
            self._count(which)
            if which == "jm_heartbeat":
                self._event(out, "INFO", TE, f"The heartbeat of JobManager with id {w.jm_leader} timed out.")
                self._event(out, "INFO", TE, f"Close JobManager connection for job {w.job_id}.")
                for _ in range(r.randrange(1, 4)):
                    tm, _, aid = w.task()
                    self._event(out, "INFO", TASK, f"Attempting to fail task externally {tm} ({aid}).")
                    self._event(
                        out,
                        "WARN",
                        TASK,
                        f"{tm} ({aid}) switched from RUNNING to FAILED with failure cause:\n"
                        + render_trace(w, "jm_heartbeat").rstrip("\n"),
                    )
                    self.stats.stack_traces += 1
                self._event(
                    out, "INFO", JLS, f"Try to register at job manager {w.jm_addr} with leader id {w.jm_leader}."
                )
            elif which == "rm_heartbeat":
                self._event(out, "INFO", TE, f"The heartbeat of ResourceManager with id {w.rm_id} timed out.")
                self._event(out, "INFO", TE, f"Close ResourceManager connection {w.rm_id}.")
                self._event(out, "INFO", TE, f"Connecting to ResourceManager {w.rm_addr}({w.rm_id}).")
            elif which in ("heap_oom", "remote_lost"):
                tm, _, aid = w.task()
                self._event(
                    out,
                    "WARN",
                    TASK,
                    f"{tm} ({aid}) switched from RUNNING to FAILED with failure cause:\n"
                    + render_trace(w, which).rstrip("\n"),
                )
                self.stats.stack_traces += 1
                self._event(out, "INFO", TASK, f"Freeing task resources for {tm} ({aid}).")
                self._event(
                    out,
                    "INFO",
                    TE,
                    f"Un-registering task and sending final execution state FAILED to JobManager for task {tm} {aid}.",
                )
            elif which == "metaspace_oom":
                self._event(
                    out,
                    "ERROR",
                    TE,
                    f"Fatal error occurred in TaskExecutor akka.tcp://flink@{w.tm_ip}:6122/user/rpc/taskmanager_0.\n"
                    + render_trace(w, "metaspace_oom").rstrip("\n"),
                )
                self.stats.stack_traces += 1
                self._event(
                    out,
                    "ERROR",
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                    "Fatal error occurred while executing the TaskManager. Shutting it down...\n"
                    + render_trace(w, "metaspace_oom").rstrip("\n"),
                )
                self.stats.stack_traces += 1
                self._restart(out, "1")
            else:  # sigterm: an orderly stop, then the TaskManager comes back
                self._event(
                    out,
                    "INFO",
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                    "RECEIVED SIGNAL 15: SIGTERM. Shutting down as requested.",
                )
                self._restart(out, "0")
        else:
            which = which or _pick(r, ("tm_heartbeat", "tm_heartbeat", "oomkilled", "expired", "tolerable"))
            self._count(which)
            if which == "tm_heartbeat":
                pod, ip = w.other_tm()
                self._event(out, "INFO", JMASTER, f"Heartbeat of TaskManager with id {pod} timed out.")
                self._job_failover(out, pod, ip, "tm_heartbeat")
            elif which == "oomkilled":
                pod, ip = w.other_tm()
                diag = (
                    "Pod terminated, container termination statuses: [flink-main-container(exitCode=137, "
                    "reason=OOMKilled, message=null)], pod status: Failed(reason=null, message=null)"
                )
                self._event(out, "INFO", ARM, f"Worker {pod} is terminated. Diagnostics: {diag}")
                self._event(out, "INFO", ARM, f"Closing TaskExecutor connection {pod} because: {diag}")
                self._job_failover(out, pod, ip, "remote_lost")
            elif which == "expired":
                c = w.ckpt()
                self._event(out, "INFO", CC, f"Checkpoint {c} of job {w.job_id} expired before completing.")
                self._event(
                    out,
                    "WARN",
                    "org.apache.flink.runtime.checkpoint.CheckpointFailureManager",
                    f"Failed to trigger or complete checkpoint {c} for job {w.job_id}. (1 consecutive failed attempts so far)\n"
                    + render_trace(w, "expired").rstrip("\n"),
                )
                self.stats.stack_traces += 1
            else:
                self._event(
                    out,
                    "INFO",
                    JMASTER,
                    "Trying to recover from a global failure.\n" + render_trace(w, "tolerable").rstrip("\n"),
                )
                self.stats.stack_traces += 1
                self._event(
                    out, "INFO", EG, f"Job {w.job_name} ({w.job_id}) switched from state RUNNING to RESTARTING."
                )
                self._event(
                    out, "INFO", EG, f"Job {w.job_name} ({w.job_id}) switched from state RESTARTING to RUNNING."
                )

    def _job_failover(self, out: list[str], pod: str, ip: str, cause: str) -> None:
        w, r = self.w, self.r
        _, jm, aid = w.task()
        self._event(
            out,
            "INFO",
            EG,
            f"{jm} ({aid}) switched from RUNNING to FAILED on {pod} @ {ip} (dataPort={r.randrange(32768, 60999)}).\n"
            + render_trace(w, cause).rstrip("\n"),
        )
        self.stats.stack_traces += 1
        self._event(
            out, "INFO", JMASTER, f"{r.randrange(8, 40)} tasks will be restarted to recover the failed task {aid}."
        )
        self._event(out, "INFO", EG, f"Job {w.job_name} ({w.job_id}) switched from state RUNNING to RESTARTING.")
        for _ in range(r.randrange(2, 6)):
            _, jm2, aid2 = w.task()
            self._event(out, "INFO", EG, f"{jm2} ({aid2}) switched from RUNNING to CANCELING.")
            self._event(out, "INFO", EG, f"{jm2} ({aid2}) switched from CANCELING to CANCELED.")
        self.t += r.randrange(1000, 10000)
        self._event(out, "INFO", EG, f"Job {w.job_name} ({w.job_id}) switched from state RESTARTING to RUNNING.")
        self._event(
            out,
            "INFO",
            CC,
            f"Restoring job {w.job_id} from Checkpoint {w.ckpt()} @ {START_MS} for {w.job_id} located at s3://acme-flink-checkpoints/{w.job_name}/{w.job_id}/chk-{w.ckpt()}.",
        )

    def _restart(self, out: list[str], code: str) -> None:
        self._event(
            out, "INFO", TE, f"Stopping TaskExecutor akka.tcp://flink@{self.w.tm_ip}:6122/user/rpc/taskmanager_0."
        )
        self._event(
            out,
            "INFO",
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            f"Terminating TaskManagerRunner with exit code {code}.",
        )
        self.t += self.r.randrange(5000, 60000)
        for level, logger, msg in tm_banner(self.w):
            self._event(out, level, logger, msg)

    def _bad(self, out: list[str], which: str | None = None) -> None:
        """A line with bytes a parser must survive."""
        r = self.r
        which = which or _pick(r, ("latin1", "lone_lead", "nul_run", "nul_inline", "crlf", "cr_inline"))
        u = "com.acme.orders."
        if which == "latin1":
            self.stats.bad["invalid_utf8"] += 1
            self._event(
                out,
                "INFO",
                u + "EnrichmentFunction",
                f"Customer {r.randrange(10**6)} address normalised: '"
                + _latin1("Münchener Straße 12, 80331 München")
                + "'",
            )
        elif which == "lone_lead":
            self.stats.bad["invalid_utf8"] += 1
            self._event(
                out,
                "WARN",
                u + "OrderDeserializer",
                f"Field 'name' of order {r.randrange(10**7, 10**8)} truncated to 64 bytes: 'Jos\udcc3'",
            )
        elif which == "nul_run":
            # What a crash leaves in a preallocated log file: a run of NULs, then logging resumes.
            self.stats.bad["nul"] += 1
            out.append("\x00" * r.randrange(16, 4096) + "\n")
        elif which == "nul_inline":
            self.stats.bad["nul"] += 1
            self._event(
                out,
                "WARN",
                u + "OrderDeserializer",
                f"Record at orders-{r.randrange(32)}@{r.randrange(10**9)} has an embedded NUL: 'abc\x00def'",
            )
        elif which == "crlf":
            self.stats.bad["cr"] += 1
            self._event(out, "INFO", u + "sink.AuditWriter", f"Upload of part-{r.randrange(8)} finished\r")
        else:
            self.stats.bad["cr"] += 1
            self._event(out, "INFO", u + "sink.AuditWriter", "Upload progress: 45%\rUpload progress: 100%")

    def _story(self, out: list[str]) -> None:
        """The incident of the incident folder, TaskManager or JobManager side."""
        w = self.w
        self.story_done = True
        self.t = max(self.t, self.story_at_ms or self.t)
        self._count("story")
        if self.role == "taskmanager":
            # The TaskManager wakes up from a long GC pause: its own heartbeats to the JM/RM timed out.
            self._rare(out, "jm_heartbeat")
            self._event(out, "INFO", TE, f"The heartbeat of ResourceManager with id {w.rm_id} timed out.")
        else:
            self.t += 20000  # the JM declares the TM dead 50 s after its last heartbeat (the pause began ~30 s before)
            ip = w.tm_ip
            self._event(out, "INFO", JMASTER, f"Heartbeat of TaskManager with id {w.tm_pod} timed out.")
            self._event(
                out,
                "INFO",
                "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager",
                f"The heartbeat of TaskManager with id {w.tm_pod} timed out.",
            )
            self._job_failover(out, w.tm_pod, ip, "tm_heartbeat")

    # -- the stream --------------------------------------------------------------------------------------------------
    def chunks(self) -> Iterator[bytes]:
        self.stats.first_ts = self._stamp(self.t)
        banner: list[str] = []
        for level, logger, msg in tm_banner(self.w) if self.role == "taskmanager" else jm_banner(self.w):
            self._event(banner, level, logger, msg)
        pending = "".join(banner)
        first_chunk = True
        while self.stats.bytes < self.target:
            remaining = self.target - self.stats.bytes
            avg = self.stats.bytes / self.stats.events if self.stats.events > 1000 else 450.0
            if remaining > CHUNK_BYTES:
                n = int(CHUNK_BYTES / avg)
            elif remaining > 64 * 1024:
                n = max(1, int(remaining * 0.9 / avg))
            else:  # small batches at the end, so that the size lands just above the target
                n = max(1, remaining // 4000)
            out: list[str] = [pending] if pending else []
            pending = ""
            if first_chunk:
                first_chunk = False
                # Make every file, however small, hold at least one of each bad-byte kind and two incidents,
                # spread over the first chunk.
                forced: list[Callable[[list[str]], None]] = [
                    (lambda o, k=k: self._bad(o, k))
                    for k in ("latin1", "lone_lead", "nul_run", "nul_inline", "crlf", "cr_inline")
                ]
                tm = self.role == "taskmanager"
                if self.p_rare:
                    forced.append(lambda o, tm=tm: self._rare(o, "jm_heartbeat" if tm else "tm_heartbeat"))
                    forced.append(lambda o, tm=tm: self._rare(o, "heap_oom" if tm else "oomkilled"))
                part = max(1, n // (len(forced) + 1))
                for action in forced:
                    self._batch(part, out)
                    action(out)
                n = max(1, n - part * len(forced))
            self._batch(n, out)
            data = "".join(out).encode("utf-8", "surrogateescape")
            self.stats.bytes += len(data)
            self.stats.lines += data.count(b"\n")
            self.stats.error_lines += data.count(b"ERROR")
            self._refresh_pools()
            yield data
        self.stats.last_ts = self._stamp(self.t)

    def _batch(self, n: int, out: list[str]) -> None:
        r = self.r
        rand, bits = r.random, r.getrandbits
        mix, mix_level, gaps, traces, longs = self.mix, self.mix_level, self.gaps, self.traces, self.longs
        mix_bits = self.mix_bits
        seconds = self.seconds
        lv = [0, 0, 0, 0]
        t = self.t
        p_rare = self.p_rare
        p_special = P_TRACE + P_LONG + p_rare + P_BAD
        n_trace = n_long = 0
        ap = out.append
        story = self.story_at_ms if not self.story_done else None
        for _ in range(n):
            t += gaps[bits(12)]
            s = t // 1000
            x = rand()
            if x >= p_special:
                i = bits(mix_bits)
                ap(seconds(s))
                ap(_MS[t - s * 1000])
                ap(mix[i])
                lv[mix_level[i]] += 1
            elif x < P_TRACE:
                text, level, _ = traces[bits(10)]
                ap(seconds(s))
                ap(_MS[t - s * 1000])
                ap(text)
                lv[level] += 1
                n_trace += 1
            elif x < P_TRACE + P_LONG:
                text, level = longs[bits(8)]
                ap(seconds(s))
                ap(_MS[t - s * 1000])
                ap(text)
                lv[level] += 1
                n_long += 1
            elif x < P_TRACE + P_LONG + p_rare:
                self.t = t
                self._rare(out)
                t = self.t
            else:
                self.t = t
                self._bad(out)
                t = self.t
            if story is not None and t >= story:
                self.t = t
                self._story(out)
                t = self.t
                story = None
        self.t = t
        for i, name in enumerate(LEVELS):
            self.stats.levels[name] += lv[i]
        self.stats.events += sum(lv)
        self.stats.stack_traces += n_trace
        self.stats.long_events += n_long


def _cumulative(weights: list[float]) -> list[float]:
    total = sum(weights)
    acc, out = 0.0, []
    for wt in weights:
        acc += wt / total
        out.append(acc)
    out[-1] = 1.0
    return out


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        m = (lo + hi) // 2
        if cum[m] < x:
            lo = m + 1
        else:
            hi = m
    return lo


# ---------------------------------------------------------------------------------------------------------------------
# GC logs
# ---------------------------------------------------------------------------------------------------------------------


class G1Model:
    """A plausible G1 heap: eden fills between young pauses, old grows with promotions until a concurrent cycle and
    mixed collections reclaim it; once in a while the old generation fills up and a Full GC (seconds long) follows."""

    def __init__(self, r: random.Random, heap_mb: int = 4096, region_mb: int = 2) -> None:
        self.r = r
        self.heap = heap_mb
        self.region = region_mb
        self.eden_target = 1200
        self.survivor = 40
        self.old = 600
        self.humongous = 0
        self.gc_id = 0
        self.mixed_left = 0
        self.cycle_pending = False
        self.long_pause_p = 0.002  # young pauses of >= 1 s (to-space exhausted, swapping...)
        self.full_p = 0.0008

    def young(self) -> dict[str, Any]:
        r = self.r
        kind = "Normal"
        cause = "G1 Evacuation Pause"
        if self.mixed_left:
            kind = "Mixed"
            self.mixed_left -= 1
        elif self.cycle_pending:
            kind = "Prepare Mixed"
            self.cycle_pending = False
            self.mixed_left = r.randrange(2, 8)
        elif self.old > self.heap * 0.45 and r.random() < 0.3:
            kind = "Concurrent Start"
            cause = _pick(r, ("G1 Evacuation Pause", "G1 Humongous Allocation", "G1 Humongous Allocation"))
        eden_before = self.eden_target - r.randrange(0, 8) * self.region
        promoted = r.randrange(2, 40)
        surv_before = self.survivor
        self.survivor = max(self.region, min(200, self.survivor + r.randrange(-20, 21)))
        reclaim = r.randrange(150, 600) if kind == "Mixed" else 0
        old_before = self.old
        self.old = max(300, self.old + promoted - reclaim)
        hum_before = self.humongous
        self.humongous = r.randrange(0, 6) * self.region if r.random() < 0.2 else 0
        before = eden_before + surv_before + old_before + hum_before
        after = self.survivor + self.old + self.humongous
        ms = r.lognormvariate(2.7, 0.6)  # ~15 ms median, long tail
        if r.random() < self.long_pause_p:
            ms = r.uniform(1000, 4000)
        self.gc_id += 1
        return {
            "id": self.gc_id - 1,
            "kind": kind,
            "cause": cause,
            "eden": (eden_before // self.region, self.eden_target // self.region),
            "surv": (surv_before // self.region, self.survivor // self.region),
            "old": (old_before // self.region, self.old // self.region),
            "hum": (hum_before // self.region, self.humongous // self.region),
            "before": before,
            "after": after,
            "ms": ms,
            "concurrent_start": kind == "Concurrent Start",
        }

    def full(self) -> dict[str, Any]:
        r = self.r
        before = self.heap - r.randrange(0, 20)
        self.old = r.randrange(800, 2000)
        self.survivor = 0
        self.gc_id += 1
        return {"id": self.gc_id - 1, "before": before, "after": self.old, "ms": r.uniform(2500, 12000)}


class GcUnifiedGenerator:
    """JDK 17 ``-Xlog:gc*:file=gc.log:time,uptime,level,tags`` G1 log."""

    TAG_WIDTH = 12

    def __init__(
        self,
        seed: int,
        target: int,
        start_ms: int = START_MS,
        mean_interval_ms: float = 3000.0,
        story_at_ms: int | None = None,
    ) -> None:
        self.r = random.Random(f"gc-unified:{seed}")
        self.target = target
        self.start_ms = start_ms
        self.t = start_ms + 600  # wall clock, ms
        self.model = G1Model(self.r)
        self.stats = Stats("gc-unified")
        self.stats.gc = {"pauses": 0, "full_gcs": 0, "pauses_ge_1s": 0, "pause_lines": 0, "concurrent_cycles": 0}
        self.seconds = SecondCache("%Y-%m-%dT%H:%M:%S")
        self.mean_interval = mean_interval_ms
        self.story_at_ms = story_at_ms

    def _deco(self, t_ms: int, tags: str) -> str:
        s = t_ms // 1000
        up = (t_ms - self.start_ms) / 1000
        return f"[{self.seconds(s)}{_DOT_MS[t_ms - s * 1000]}+0000][{up:.3f}s][info][{tags:<{self.TAG_WIDTH}}] "

    def header(self) -> list[str]:
        t = self.start_ms + 5
        d = self._deco
        lines = [
            d(t, "gc") + "Using G1",
            d(t, "gc,init") + "Version: 17.0.9+9 (release)",
            d(t, "gc,init") + "CPUs: 2 total, 2 available",
            d(t, "gc,init") + "Memory: 7821M",
            d(t, "gc,init") + "Large Page Support: Disabled",
            d(t, "gc,init") + "NUMA Support: Disabled",
            d(t, "gc,init") + "Compressed Oops: Enabled (Zero based)",
            d(t, "gc,init") + "Heap Region Size: 2M",
            d(t, "gc,init") + "Heap Min Capacity: 4G",
            d(t, "gc,init") + "Heap Initial Capacity: 4G",
            d(t, "gc,init") + "Heap Max Capacity: 4G",
            d(t, "gc,init") + "Pre-touch: Disabled",
            d(t, "gc,init") + "Parallel Workers: 2",
            d(t, "gc,init") + "Concurrent Workers: 1",
            d(t, "gc,init") + "Concurrent Refinement Workers: 2",
            d(t, "gc,init") + "Periodic GC: Disabled",
            d(t + 7, "gc,metaspace")
            + "CDS archive(s) mapped at: [0x0000000800000000-0x0000000800bd5000-0x0000000800bd5000), size 12406784, SharedBaseAddress: 0x0000000800000000, ArchiveRelocationMode: 0.",
            d(t + 7, "gc,metaspace")
            + "Compressed class space mapped at: 0x0000000800c00000-0x0000000840c00000, reserved size: 1073741824",
            d(t + 7, "gc,metaspace")
            + "Narrow klass base: 0x0000000800000000, Narrow klass shift: 0, Narrow klass range: 0x100000000",
        ]
        return [ln + "\n" for ln in lines]

    def _young(self, out: list[str]) -> None:
        r, m = self.r, self.model
        g = m.young()
        gid, ms = g["id"], g["ms"]
        t0 = self.t
        t1 = t0 + int(ms)
        d = self._deco
        head = f"GC({gid}) Pause Young ({g['kind']}) ({g['cause']})"
        e, s, o, h = g["eden"], g["surv"], g["old"], g["hum"]
        ev = ms * r.uniform(0.5, 0.8)
        meta_used = 98000 + r.randrange(4000)
        to_space = ms > 1000
        parts = [
            d(t0, "gc,start") + head + "\n",
            d(t0, "gc,task") + f"GC({gid}) Using 2 workers of 2 for evacuation\n",
        ]
        if to_space:
            parts.append(d(t1, "gc") + f"GC({gid}) To-space exhausted\n")
        parts += [
            d(t1, "gc,phases") + f"GC({gid})   Pre Evacuate Collection Set: {ms * 0.02:.1f}ms\n",
            d(t1, "gc,phases") + f"GC({gid})   Merge Heap Roots: {ms * 0.03:.1f}ms\n",
            d(t1, "gc,phases") + f"GC({gid})   Evacuate Collection Set: {ev:.1f}ms\n",
            d(t1, "gc,phases") + f"GC({gid})   Post Evacuate Collection Set: {ms * 0.1:.1f}ms\n",
            d(t1, "gc,phases") + f"GC({gid})   Other: {ms * 0.05:.1f}ms\n",
            d(t1, "gc,heap") + f"GC({gid}) Eden regions: {e[0]}->0({e[1]})\n",
            d(t1, "gc,heap") + f"GC({gid}) Survivor regions: {s[0]}->{s[1]}({max(s[1], 75)})\n",
            d(t1, "gc,heap") + f"GC({gid}) Old regions: {o[0]}->{o[1]}\n",
            d(t1, "gc,heap") + f"GC({gid}) Archive regions: 2->2\n",
            d(t1, "gc,heap") + f"GC({gid}) Humongous regions: {h[0]}->{h[1]}\n",
            d(t1, "gc,metaspace")
            + f"GC({gid}) Metaspace: {meta_used}K({meta_used + 1800}K)->{meta_used}K({meta_used + 1800}K) NonClass: {meta_used - 12000}K({meta_used - 11000}K)->{meta_used - 12000}K({meta_used - 11000}K) Class: 12065K(12800K)->12065K(12800K)\n",
            d(t1, "gc") + f"{head} {g['before']}M->{g['after']}M(4096M) {ms:.3f}ms\n",
            d(t1, "gc,cpu")
            + f"GC({gid}) User={ms * 1.8 / 1000:.2f}s Sys={ms * 0.05 / 1000:.2f}s Real={ms / 1000:.2f}s\n",
        ]
        out.extend(parts)
        self._pause(ms)
        self.t = t1
        if g["concurrent_start"]:
            self._cycle(out)

    def _pause(self, ms: float) -> None:
        self.stats.gc["pauses"] += 1
        self.stats.gc["pause_lines"] += 2
        if ms >= 1000:
            self.stats.gc["pauses_ge_1s"] += 1

    def _cycle(self, out: list[str]) -> None:
        r, m, d = self.r, self.model, self._deco
        self.stats.gc["concurrent_cycles"] += 1
        gid = m.gc_id
        m.gc_id += 1
        t = self.t + 1
        out.append(d(t, "gc") + f"GC({gid}) Concurrent Mark Cycle\n")
        for phase, dur in (("Concurrent Clear Claimed Marks", 0.05), ("Concurrent Scan Root Regions", 3.0)):
            out.append(d(t, "gc,marking") + f"GC({gid}) {phase}\n")
            t += int(dur) + 1
            out.append(d(t, "gc,marking") + f"GC({gid}) {phase} {dur * r.uniform(0.5, 2):.3f}ms\n")
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Mark\n")
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Mark From Roots\n")
        out.append(d(t, "gc,task") + f"GC({gid}) Using 1 workers of 1 for marking\n")
        mark = r.uniform(200, 1500)
        t += int(mark)
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Mark From Roots {mark:.3f}ms\n")
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Preclean\n")
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Preclean {r.uniform(0.1, 2):.3f}ms\n")
        remark = r.uniform(5, 60)
        occ = m.old + m.survivor
        out.append(d(t, "gc,start") + f"GC({gid}) Pause Remark\n")
        t += int(remark)
        out.append(d(t, "gc") + f"GC({gid}) Pause Remark {occ + 300}M->{occ + 280}M(4096M) {remark:.3f}ms\n")
        out.append(d(t, "gc,cpu") + f"GC({gid}) User={remark * 1.5 / 1000:.2f}s Sys=0.00s Real={remark / 1000:.2f}s\n")
        self._pause(remark)
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Mark {mark + remark + 5:.3f}ms\n")
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Rebuild Remembered Sets\n")
        rebuild = r.uniform(50, 500)
        t += int(rebuild)
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Rebuild Remembered Sets {rebuild:.3f}ms\n")
        cleanup = r.uniform(0.2, 3)
        out.append(d(t, "gc,start") + f"GC({gid}) Pause Cleanup\n")
        out.append(d(t, "gc") + f"GC({gid}) Pause Cleanup {occ + 310}M->{occ + 310}M(4096M) {cleanup:.3f}ms\n")
        out.append(d(t, "gc,cpu") + f"GC({gid}) User=0.00s Sys=0.00s Real=0.00s\n")
        self._pause(cleanup)
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Cleanup for Next Mark\n")
        t += 2
        out.append(d(t, "gc,marking") + f"GC({gid}) Concurrent Cleanup for Next Mark {r.uniform(0.5, 5):.3f}ms\n")
        out.append(d(t, "gc") + f"GC({gid}) Concurrent Mark Cycle {t - self.t:.3f}ms\n")
        self.t = t
        m.cycle_pending = True

    def _full(self, out: list[str], ms: float | None = None) -> None:
        m, d, r = self.model, self._deco, self.r
        g = m.full()
        if ms is not None:
            g["ms"] = ms
        gid, ms = g["id"], g["ms"]
        t0, t1 = self.t, self.t + int(ms)
        out.append(d(t0, "gc,start") + f"GC({gid}) Pause Full (G1 Compaction Pause)\n")
        out.append(d(t0, "gc,task") + f"GC({gid}) Using 2 workers of 2 for full compaction\n")
        t = t0
        for i, (phase, share) in enumerate(
            (
                ("Mark live objects", 0.45),
                ("Prepare for compaction", 0.1),
                ("Adjust pointers", 0.2),
                ("Compact heap", 0.25),
            )
        ):
            out.append(d(t, "gc,phases,start") + f"GC({gid}) Phase {i + 1}: {phase}\n")
            t += int(ms * share)
            out.append(d(t, "gc,phases") + f"GC({gid}) Phase {i + 1}: {phase} {ms * share:.3f}ms\n")
        out += [
            d(t1, "gc,heap") + f"GC({gid}) Eden regions: 0->0(600)\n",
            d(t1, "gc,heap") + f"GC({gid}) Survivor regions: 0->0(75)\n",
            d(t1, "gc,heap") + f"GC({gid}) Old regions: {g['before'] // 2}->{g['after'] // 2}\n",
            d(t1, "gc,heap") + f"GC({gid}) Archive regions: 2->2\n",
            d(t1, "gc,heap") + f"GC({gid}) Humongous regions: {r.randrange(0, 30)}->0\n",
            d(t1, "gc,metaspace")
            + f"GC({gid}) Metaspace: 101234K(103000K)->100980K(103000K) NonClass: 89000K(90000K)->88800K(90000K) Class: 12065K(12800K)->12065K(12800K)\n",
            d(t1, "gc")
            + f"GC({gid}) Pause Full (G1 Compaction Pause) {g['before']}M->{g['after']}M(4096M) {ms:.3f}ms\n",
            d(t1, "gc,cpu")
            + f"GC({gid}) User={ms * 1.9 / 1000:.2f}s Sys={ms * 0.02 / 1000:.2f}s Real={ms / 1000:.2f}s\n",
        ]
        self._pause(ms)
        self.stats.gc["full_gcs"] += 1
        self.t = t1

    def chunks(self) -> Iterator[bytes]:
        pending = "".join(self.header())
        self.stats.first_ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.start_ms // 1000))
        r = self.r
        first = True
        while self.stats.bytes < self.target:
            remaining = self.target - self.stats.bytes
            budget = min(CHUNK_BYTES, remaining)
            out: list[str] = [pending] if pending else []
            size = len(pending)
            pending = ""
            while size < budget:
                before = len(out)
                self.t += int(r.expovariate(1 / self.mean_interval))
                if first and size >= budget // 2:
                    first = False
                    self._full(out)  # every file, however small, holds a Full GC (a long pause)
                elif self.story_at_ms is not None and self.t >= self.story_at_ms - 30000:
                    # The story's pause starts 30 s before the TaskManager wakes up and logs its heartbeat timeouts.
                    self.t = max(self.t - int(self.mean_interval), self.story_at_ms - 30000)
                    self.story_at_ms = None
                    self.stats.incidents["story"] = 1
                    self._full(out, ms=26000.0)
                elif r.random() < self.model.full_p:
                    self._full(out)
                else:
                    self._young(out)
                size += sum(len(x) for x in out[before:])
            data = "".join(out).encode()
            self.stats.bytes += len(data)
            self.stats.lines += data.count(b"\n")
            self.stats.events = self.stats.gc["pauses"]
            yield data
        self.stats.last_ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.t // 1000))


class GcJdk8Generator:
    """JDK 8 ``-XX:+PrintGCDetails -XX:+PrintGCDateStamps -XX:+PrintGCTimeStamps -XX:+PrintGCApplicationStoppedTime``
    G1 log (``-XX:+UseGCLogFileRotation`` header)."""

    def __init__(
        self,
        seed: int,
        target: int,
        start_ms: int = START_MS,
        mean_interval_ms: float = 3000.0,
        story_at_ms: int | None = None,
    ) -> None:
        self.r = random.Random(f"gc-jdk8:{seed}")
        self.target = target
        self.start_ms = start_ms
        self.t = start_ms + 600
        self.model = G1Model(self.r)
        self.stats = Stats("gc-jdk8")
        self.stats.gc = {"pauses": 0, "full_gcs": 0, "pauses_ge_1s": 0, "stopped_lines": 0, "concurrent_cycles": 0}
        self.seconds = SecondCache("%Y-%m-%dT%H:%M:%S")
        self.mean_interval = mean_interval_ms
        self.story_at_ms = story_at_ms

    def _stamp(self, t_ms: int) -> str:
        s = t_ms // 1000
        return f"{self.seconds(s)}{_DOT_MS[t_ms - s * 1000]}+0000: {(t_ms - self.start_ms) / 1000:.3f}: "

    def header(self) -> str:
        return (
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(self.start_ms // 1000))} GC log file created /opt/flink/log/gc.log.0\n"
            "OpenJDK 64-Bit Server VM (25.392-b08) for linux-amd64 JRE (1.8.0_392-b08), built on Oct 18 2023 "
            '07:43:17 by "openjdk" with gcc 7.5.0\n'
            "Memory: 4k page, physical 8009612k(6420300k free), swap 0k(0k free)\n"
            "CommandLine flags: -XX:GCLogFileSize=10485760 -XX:InitialHeapSize=4294967296 "
            "-XX:MaxDirectMemorySize=268435458 -XX:MaxHeapSize=4294967296 -XX:MaxMetaspaceSize=268435456 "
            "-XX:NumberOfGCLogFiles=10 -XX:+PrintGC -XX:+PrintGCApplicationStoppedTime -XX:+PrintGCCause "
            "-XX:+PrintGCDateStamps -XX:+PrintGCDetails -XX:+PrintGCTimeStamps -XX:+PrintPromotionFailure "
            "-XX:+UseCompressedClassPointers -XX:+UseCompressedOops -XX:+UseG1GC -XX:+UseGCLogFileRotation \n"
        )

    def _stopped(self, out: list[str], t: int, secs: float) -> None:
        out.append(
            f"{self._stamp(t)}Total time for which application threads were stopped: {secs:.7f} seconds, "
            f"Stopping threads took: {self.r.uniform(0.00002, 0.0002):.7f} seconds\n"
        )
        self.stats.gc["stopped_lines"] += 1

    def _young(self, out: list[str]) -> None:
        r, m = self.r, self.model
        g = m.young()
        ms = g["ms"]
        secs = ms / 1000
        kind = {
            "Normal": "(young)",
            "Concurrent Start": "(young) (initial-mark)",
            "Prepare Mixed": "(young)",
            "Mixed": "(mixed)",
        }[g["kind"]]
        t0 = self.t
        up0 = t0 - self.start_ms
        par = ms * 0.9
        e, s = g["eden"], g["surv"]
        eden_b, eden_t = e[0] * 2.0, e[1] * 2.0
        surv_b, surv_a = s[0] * 2, s[1] * 2
        to_space = " (to-space exhausted)" if ms > 1000 else ""

        def stat(name: str, avg: float, workers: int = 2, indent: str = "      ", total: bool = True) -> str:
            mn, mx = avg * 0.9, avg * 1.1
            tail = f", Sum: {avg * workers:.1f}" if total else ""
            return f"{indent}[{name} (ms): Min: {mn:.1f}, Avg: {avg:.1f}, Max: {mx:.1f}, Diff: {mx - mn:.1f}{tail}]\n"

        out += [
            f"{self._stamp(t0)}[GC pause ({g['cause']}) {kind}{to_space}, {secs:.7f} secs]\n",
            f"   [Parallel Time: {par:.1f} ms, GC Workers: 2]\n",
            f"      [GC Worker Start (ms): Min: {up0:.1f}, Avg: {up0 + 0.1:.1f}, Max: {up0 + 0.2:.1f}, Diff: 0.2]\n",
            stat("Ext Root Scanning", par * 0.1),
            stat("Update RS", par * 0.08),
            f"         [Processed Buffers: Min: {r.randrange(5, 40)}, Avg: {r.uniform(20, 60):.1f}, Max: {r.randrange(60, 90)}, Diff: 30, Sum: {r.randrange(80, 200)}]\n",
            stat("Scan RS", par * 0.02),
            stat("Code Root Scanning", 0.0),
            stat("Object Copy", par * 0.75),
            stat("Termination", par * 0.01),
            f"         [Termination Attempts: Min: 1, Avg: {r.uniform(1, 3):.1f}, Max: {r.randrange(1, 6)}, Diff: 2, Sum: {r.randrange(2, 12)}]\n",
            stat("GC Worker Other", 0.1),
            stat("GC Worker Total", par * 0.98),
            f"      [GC Worker End (ms): Min: {up0 + par:.1f}, Avg: {up0 + par:.1f}, Max: {up0 + par + 0.1:.1f}, Diff: 0.1]\n",
            "   [Code Root Fixup: 0.0 ms]\n",
            "   [Code Root Purge: 0.0 ms]\n",
            f"   [Clear CT: {ms * 0.01:.1f} ms]\n",
            f"   [Other: {ms * 0.09:.1f} ms]\n",
            "      [Choose CSet: 0.0 ms]\n",
            f"      [Ref Proc: {ms * 0.05:.1f} ms]\n",
            "      [Ref Enq: 0.0 ms]\n",
            "      [Redirty Cards: 0.1 ms]\n",
            "      [Humongous Register: 0.0 ms]\n",
            "      [Humongous Reclaim: 0.0 ms]\n",
            f"      [Free CSet: {ms * 0.01:.1f} ms]\n",
            f"   [Eden: {eden_b:.1f}M({eden_b:.1f}M)->0.0B({eden_t:.1f}M) Survivors: {surv_b:.1f}M->{surv_a:.1f}M Heap: "
            f"{g['before']:.1f}M(4096.0M)->{g['after']:.1f}M(4096.0M)]\n",
            f" [Times: user={secs * 1.8:.2f} sys={secs * 0.05:.2f}, real={secs:.2f} secs] \n",
        ]
        t1 = t0 + int(ms)
        self._stopped(out, t1, secs + 0.0003)
        self._pause(ms)
        self.t = t1
        if g["concurrent_start"]:
            self._cycle(out)

    def _pause(self, ms: float) -> None:
        self.stats.gc["pauses"] += 1
        if ms >= 1000:
            self.stats.gc["pauses_ge_1s"] += 1

    def _cycle(self, out: list[str]) -> None:
        r, m = self.r, self.model
        self.stats.gc["concurrent_cycles"] += 1
        t = self.t + 1
        st = self._stamp
        out.append(f"{st(t)}[GC concurrent-root-region-scan-start]\n")
        t += 3
        out.append(f"{st(t)}[GC concurrent-root-region-scan-end, {r.uniform(0.001, 0.01):.7f} secs]\n")
        out.append(f"{st(t)}[GC concurrent-mark-start]\n")
        mark = r.uniform(0.2, 1.5)
        t += int(mark * 1000)
        out.append(f"{st(t)}[GC concurrent-mark-end, {mark:.7f} secs]\n")
        remark = r.uniform(0.005, 0.06)
        out.append(
            f"{st(t)}[GC remark {st(t)}[Finalize Marking, {remark * 0.01:.7f} secs] {st(t)}[GC ref-proc, "
            f"{remark * 0.2:.7f} secs] {st(t)}[Unloading, {remark * 0.5:.7f} secs], {remark:.7f} secs]\n"
        )
        out.append(f" [Times: user={remark * 1.5:.2f} sys=0.00, real={remark:.2f} secs] \n")
        t += int(remark * 1000)
        self._stopped(out, t, remark + 0.0002)
        self._pause(remark * 1000)
        occ = m.old + m.survivor
        cleanup = r.uniform(0.0002, 0.003)
        out.append(f"{st(t)}[GC cleanup {occ + 300}M->{occ + 250}M(4096M), {cleanup:.7f} secs]\n")
        out.append(f" [Times: user=0.00 sys=0.00, real={cleanup:.2f} secs] \n")
        self._stopped(out, t, cleanup + 0.0001)
        self._pause(cleanup * 1000)
        out.append(f"{st(t)}[GC concurrent-cleanup-start]\n")
        t += 1
        out.append(f"{st(t)}[GC concurrent-cleanup-end, {r.uniform(0.00005, 0.0005):.7f} secs]\n")
        self.t = t
        m.cycle_pending = True

    def _full(self, out: list[str], ms: float | None = None) -> None:
        g = self.model.full()
        if ms is not None:
            g["ms"] = ms
        secs = g["ms"] / 1000
        t0 = self.t
        out += [
            f"{self._stamp(t0)}[Full GC (Allocation Failure)  {g['before']}M->{g['after']}M(4096M), {secs:.7f} secs]\n",
            f"   [Eden: 0.0B(1200.0M)->0.0B(1200.0M) Survivors: 0.0B->0.0B Heap: {g['before']:.1f}M(4096.0M)->"
            f"{g['after']:.1f}M(4096.0M)], [Metaspace: 104115K->104001K(1150976K)]\n",
            f" [Times: user={secs * 1.9:.2f} sys={secs * 0.02:.2f}, real={secs:.2f} secs] \n",
        ]
        self.t = t0 + int(g["ms"])
        self._stopped(out, self.t, secs + 0.0004)
        self._pause(g["ms"])
        self.stats.gc["full_gcs"] += 1

    def chunks(self) -> Iterator[bytes]:
        pending = self.header()
        self.stats.first_ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.start_ms // 1000))
        r = self.r
        first = True
        while self.stats.bytes < self.target:
            remaining = self.target - self.stats.bytes
            budget = min(CHUNK_BYTES, remaining)
            out: list[str] = [pending] if pending else []
            size = len(pending)
            pending = ""
            while size < budget:
                before = len(out)
                self.t += int(r.expovariate(1 / self.mean_interval))
                if first and size >= budget // 2:
                    first = False
                    self._full(out)  # every file, however small, holds a Full GC (a long pause)
                elif self.story_at_ms is not None and self.t >= self.story_at_ms - 30000:
                    # The story's pause starts 30 s before the TaskManager wakes up and logs its heartbeat timeouts.
                    self.t = max(self.t - int(self.mean_interval), self.story_at_ms - 30000)
                    self.story_at_ms = None
                    self.stats.incidents["story"] = 1
                    self._full(out, ms=26000.0)
                elif r.random() < self.model.full_p:
                    self._full(out)
                else:
                    self._young(out)
                size += sum(len(x) for x in out[before:])
            data = "".join(out).encode()
            self.stats.bytes += len(data)
            self.stats.lines += data.count(b"\n")
            self.stats.events = self.stats.gc["pauses"]
            yield data
        self.stats.last_ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.t // 1000))


# ---------------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------------


def write_stream(chunks: Iterator[bytes], out: Path, gzip_it: bool = False, level: int = 6) -> int:
    """Write ``chunks`` to ``out`` (gzip-compressed if asked) from a second thread, so that compression and disk
    writes overlap with generation (zlib releases the GIL). Returns the bytes written to disk."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    q: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    written = 0
    error: list[BaseException] = []

    def writer() -> None:
        nonlocal written
        try:
            with tmp.open("wb") as fh:
                comp = zlib.compressobj(level, zlib.DEFLATED, 31) if gzip_it else None
                while (block := q.get()) is not None:
                    data = comp.compress(block) if comp else block
                    fh.write(data)
                    written += len(data)
                if comp:
                    data = comp.flush()
                    fh.write(data)
                    written += len(data)
        except BaseException as exc:  # surfaced in the main thread
            error.append(exc)
            while q.get() is not None:
                pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        for block in chunks:
            q.put(block)
            if error:
                break
    finally:
        q.put(None)
        thread.join()
    if error:
        tmp.unlink(missing_ok=True)
        raise error[0]
    tmp.replace(out)
    return written


def gzip_file(src: Path, dst: Path, level: int = 6) -> int:
    """Compress ``src`` into ``dst`` in a streaming way; returns the compressed size."""

    def read() -> Iterator[bytes]:
        with src.open("rb") as fh:
            while block := fh.read(CHUNK_BYTES):
                yield block

    return write_stream(read(), dst, gzip_it=True, level=level)


def meta_path(out: Path) -> Path:
    return out.with_name(out.name + ".meta.json")


def generate(kind: str, size: int, seed: int, out: Path, gzip_it: bool = False, quiet: bool = True) -> dict[str, Any]:
    """Generate one input; returns (and writes next to it) its metadata."""
    started = time.perf_counter()
    if kind == "incident-folder":
        meta = _incident_folder(size, seed, out, gzip_it)
    else:
        gen: FlinkGenerator | GcUnifiedGenerator | GcJdk8Generator
        if kind in ("taskmanager", "jobmanager"):
            gen = FlinkGenerator(kind, seed, size)
        elif kind == "gc-unified":
            gen = GcUnifiedGenerator(seed, size)
        elif kind == "gc-jdk8":
            gen = GcJdk8Generator(seed, size)
        else:
            raise ValueError(kind)
        on_disk = write_stream(gen.chunks(), out, gzip_it)
        meta = gen.stats.as_json()
        meta["on_disk_bytes"] = on_disk
        meta["gzip"] = gzip_it
    meta.update(
        seed=seed, requested_bytes=size, path=str(out), generator_seconds=round(time.perf_counter() - started, 2)
    )
    meta_path(out).write_text(json.dumps(meta, indent=2) + "\n")
    if not quiet:
        print(json.dumps(meta, indent=2))
    return meta


def _incident_folder(size: int, seed: int, out: Path, gzip_it: bool) -> dict[str, Any]:
    """taskmanager.log (60%), jobmanager.log (25%), gc.log (15%) on one timeline, with a GC-pause incident."""
    out.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gzip_it else ""
    tm_size, jm_size = int(size * 0.60), int(size * 0.25)
    gc_size = size - tm_size - jm_size
    world = World(random.Random(f"world:{seed}"))
    # The span of the TaskManager log (about 430 bytes and 90 ms per event), which the other two files cover too.
    span_ms = tm_size / 430 * 90
    story = START_MS + int(span_ms * 0.7)
    tm = FlinkGenerator("taskmanager", seed, tm_size, world=world, story_at_ms=story, incidents=False)
    on_disk = write_stream(tm.chunks(), out / f"taskmanager.log{suffix}", gzip_it)
    jm = FlinkGenerator(
        "jobmanager",
        seed,
        jm_size,
        world=world,
        mean_gap_ms=span_ms / max(1, jm_size / 420),
        story_at_ms=story,
        incidents=False,
    )
    on_disk += write_stream(jm.chunks(), out / f"jobmanager.log{suffix}", gzip_it)
    gc = GcUnifiedGenerator(seed, gc_size, mean_interval_ms=span_ms / max(1, gc_size / 1700), story_at_ms=story)
    on_disk += write_stream(gc.chunks(), out / f"gc.log{suffix}", gzip_it)
    files = {"taskmanager.log": tm.stats.as_json(), "jobmanager.log": jm.stats.as_json(), "gc.log": gc.stats.as_json()}
    return {
        "kind": "incident-folder",
        "bytes": sum(f["bytes"] for f in files.values()),
        "lines": sum(f["lines"] for f in files.values()),
        "on_disk_bytes": on_disk,
        "gzip": gzip_it,
        "story_at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(story // 1000)),
        "files": files,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kind", choices=KINDS, default="taskmanager")
    parser.add_argument(
        "--size",
        type=parse_size,
        default=None,
        help="uncompressed size, e.g. 1GiB, 200MiB, 2MiB (default: 1GiB for Flink logs, 200MiB for GC "
        "logs, 16MiB for an incident folder)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output file (a folder for incident-folder); default benchmarks/data/<kind>-<size>.log",
    )
    parser.add_argument("--gzip", action="store_true", help="write gzip (adds .gz to the default name)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the metadata when done")
    args = parser.parse_args(argv)
    size = args.size if args.size is not None else parse_size(DEFAULT_SIZES[args.kind])
    out = args.out
    if out is None:
        base = Path(__file__).resolve().parent / "data"
        name = f"{args.kind}-{format_size(size)}" + ("" if args.kind == "incident-folder" else ".log")
        out = base / (name + (".gz" if args.gzip and args.kind != "incident-folder" else ""))
    meta = generate(args.kind, size, args.seed, out, args.gzip, quiet=not args.verbose)
    print(f"{out}: {meta['bytes']} bytes, {meta['lines']} lines in {meta['generator_seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
