"""Convert one file with ffmpeg, then check the result with ffprobe."""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from workers.media.encoding_plan import TEXT_SUBTITLES, EncodingPlan, plan_encoding
from workers.media.errors import ConversionError, InvalidMediaRequest, ProbeError
from workers.media.formats import OPUS_CODING_RATE, OutputFormat
from workers.media.job import ConversionJob
from workers.media.probe import MediaInfo, probe

log = logging.getLogger(__name__)

FFMPEG_BASE_ARGS = ("-nostdin", "-hide_banner", "-loglevel", "error", "-y")
# stderr phrases of failures that another attempt may not meet. ("Input/output error" is
# not one: ffmpeg reports corrupt input with EIO too.)
_TRANSIENT_STDERR = ("no space left on device", "cannot allocate memory",
                     "resource temporarily unavailable", "too many open files")
_STDERR_TAIL_CHARS = 800
_POLL_SECS = 0.1
_TERMINATE_GRACE_SECS = 5.0


@dataclass(frozen=True)
class ConversionResult:
    """A converted, validated file and how it was made."""

    job: ConversionJob
    output: MediaInfo | None  # None for an 'original' copy of a non-media file
    notes: tuple[str, ...]
    command: tuple[str, ...]
    elapsed_secs: float
    sidecars: tuple[Path, ...] = ()  # extracted .srt files next to the output


class Converter:
    """Runs ffmpeg for ConversionJobs and validates every output with ffprobe."""

    def __init__(
        self,
        *,
        ffmpeg: str = "ffmpeg",
        ffprobe: str = "ffprobe",
        duration_tolerance_secs: float = 5.0,
        timeout_secs: float | None = None,
    ) -> None:
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
        self.duration_tolerance_secs = duration_tolerance_secs
        self.timeout_secs = timeout_secs

    def convert(
        self, job: ConversionJob, cancel: threading.Event | None = None
    ) -> ConversionResult:
        """Convert and validate; ConversionError (retryable or not) on any failure.

        Setting `cancel` terminates the running ffmpeg; a partial output is removed.
        """
        started = time.monotonic()
        if cancel is not None and cancel.is_set():
            raise ConversionError(job.source, "cancelled before start", retryable=True,
                                  cancelled=True)
        if not job.source.is_file():
            raise ConversionError(job.source, "source file does not exist", retryable=False)
        try:
            if job.format is OutputFormat.ORIGINAL:
                return self._copy_original(job, started)
            source = self._probe_source(job)
            try:
                plan = plan_encoding(job, source)
            except InvalidMediaRequest as exc:
                raise ConversionError(job.source, str(exc), retryable=False) from None
            command = (self.ffmpeg, *FFMPEG_BASE_ARGS, "-i", str(job.source), *plan.args,
                       str(job.output))
            _make_output_dir(job)
            self._run(job, command, cancel)
            output = self._validate(job, source, plan)
            self._check_tracks(job, source, output)
            sidecars = self._extract_subtitles(job, output, cancel) if job.extract_subtitles \
                else ()
        except BaseException:
            with contextlib.suppress(OSError):  # keep the real error, not the cleanup's
                job.output.unlink(missing_ok=True)
                for extra in subtitle_sidecars(job.output):
                    extra.unlink(missing_ok=True)
            raise
        elapsed = time.monotonic() - started
        log.info("converted %s to %s in %.2f s", job.name, job.format.value, elapsed,
                 extra={"notes": plan.notes})
        return ConversionResult(job, output, plan.notes, command, elapsed, sidecars)

    def _check_tracks(self, job: ConversionJob, source: MediaInfo, output: MediaInfo) -> None:
        """The output holds exactly the asked languages the source had (ffprobe's view)."""
        for kind, asked in (("audio", job.audio_languages),
                            ("subtitle", job.subtitle_languages)):
            if not asked:
                continue
            had = {s.language for s in source.of_kind(kind)} & set(asked)
            got = [s.language for s in output.of_kind(kind)]
            if set(got) != had or any(language not in asked for language in got):
                raise ConversionError(job.source, f"output {kind} languages are {got}, "
                                      f"expected {sorted(x for x in had if x)}", retryable=False)

    def _extract_subtitles(self, job: ConversionJob, output: MediaInfo,
                           cancel: threading.Event | None) -> tuple[Path, ...]:
        """Each text subtitle of the output as `<stem>.<language>.srt` beside it."""
        written: list[Path] = []
        for number, stream in enumerate(output.of_kind("subtitle")):
            if stream.codec not in TEXT_SUBTITLES:
                continue
            label = stream.language or f"{number + 1}"
            target = job.output.with_name(f"{job.output.stem}.{label}.srt")
            if target in written:
                target = job.output.with_name(f"{job.output.stem}.{label}.{number + 1}.srt")
            command = (self.ffmpeg, *FFMPEG_BASE_ARGS, "-i", str(job.output), "-map",
                       f"0:s:{number}", "-c:s", "srt", "-f", "srt", str(target))
            self._run(job, command, cancel)
            if not target.is_file() or target.stat().st_size == 0:
                raise ConversionError(job.source, f"subtitle {label} extracted empty",
                                      retryable=False)
            written.append(target)
        return tuple(written)

    def _probe_source(self, job: ConversionJob) -> MediaInfo:
        try:
            return probe(job.source, ffprobe=self.ffprobe)
        except ProbeError as exc:
            retryable = "took longer" in exc.reason or _is_transient(exc.reason)
            raise ConversionError(job.source, f"source is not readable media ({exc.reason})",
                                  retryable=retryable) from None

    def _copy_original(self, job: ConversionJob, started: float) -> ConversionResult:
        _make_output_dir(job)
        try:
            shutil.copyfile(job.source, job.output)
        except OSError as exc:
            raise ConversionError(job.source, f"copy failed ({exc})",
                                  retryable=_is_transient(str(exc))) from None
        if job.output.stat().st_size != job.source.stat().st_size:
            raise ConversionError(job.source, "copy is not the size of the source",
                                  retryable=True)
        output: MediaInfo | None = None
        notes: tuple[str, ...] = ()
        try:
            output = probe(job.output, ffprobe=self.ffprobe)
        except ProbeError:
            notes = ("original is not media ffprobe reads; checked by size only",)
        if output is not None:
            reference = job.expected_duration_secs or output.duration_secs
            self._check_duration(job, output, reference)
        command = ("copy", str(job.source), str(job.output))
        return ConversionResult(job, output, notes, command, time.monotonic() - started)

    def _run(self, job: ConversionJob, command: tuple[str, ...],
             cancel: threading.Event | None) -> None:
        # stderr goes to a file: a pipe nobody drains while we poll could fill and block ffmpeg.
        with tempfile.TemporaryFile() as stderr:
            try:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=stderr)
            except FileNotFoundError:
                raise ConversionError(job.source, f"{self.ffmpeg} is not installed",
                                      retryable=False) from None
            deadline = None if self.timeout_secs is None else time.monotonic() + self.timeout_secs
            stop_reason = _wait(process, cancel, deadline)
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace").strip()[-_STDERR_TAIL_CHARS:]
        if stop_reason == "cancelled":
            raise ConversionError(job.source, "cancelled", retryable=True, cancelled=True)
        if stop_reason == "timeout":
            raise ConversionError(job.source, f"ffmpeg ran longer than {self.timeout_secs} s",
                                  retryable=True, stderr_tail=tail)
        code = process.returncode
        if code < 0:
            raise ConversionError(job.source, f"ffmpeg was killed by signal {-code}",
                                  retryable=True, stderr_tail=tail)
        if code != 0:
            raise ConversionError(job.source, f"ffmpeg exited with code {code}",
                                  retryable=_is_transient(tail), stderr_tail=tail)

    def _validate(self, job: ConversionJob, source: MediaInfo, plan: EncodingPlan) -> MediaInfo:
        try:
            output = probe(job.output, ffprobe=self.ffprobe)
        except ProbeError as exc:
            raise ConversionError(job.source, f"output unreadable ({exc.reason})",
                                  retryable=True) from None
        if output.codec != plan.expected_codec:
            raise ConversionError(job.source, f"output codec is {output.codec}, expected "
                                  f"{plan.expected_codec}", retryable=False)
        if plan.sample_rate_hz is not None and output.sample_rate_hz != plan.sample_rate_hz:
            raise ConversionError(job.source, f"output sample rate is {output.sample_rate_hz} "
                                  f"Hz, expected {plan.sample_rate_hz} Hz", retryable=False)
        if (job.format is not OutputFormat.OPUS and source.sample_rate_hz and
                output.sample_rate_hz and output.sample_rate_hz > source.sample_rate_hz
                and output.sample_rate_hz != OPUS_CODING_RATE):
            raise ConversionError(job.source, "output was upsampled", retryable=False)
        if plan.bit_depth is not None and output.bit_depth != plan.bit_depth:
            raise ConversionError(job.source, f"output is {output.bit_depth}-bit, expected "
                                  f"{plan.bit_depth}-bit", retryable=False)
        self._check_duration(job, output, job.expected_duration_secs or source.duration_secs)
        return output

    def _check_duration(self, job: ConversionJob, output: MediaInfo,
                        reference: float | None) -> None:
        if reference is None:
            return
        actual = output.duration_secs
        if actual is None or abs(actual - reference) > self.duration_tolerance_secs:
            shown = "unknown" if actual is None else f"{actual:.1f} s"
            raise ConversionError(
                job.source, f"output duration {shown} differs from the expected "
                f"{reference:.1f} s by more than {self.duration_tolerance_secs:g} s",
                retryable=False)


def subtitle_sidecars(output: Path) -> list[Path]:
    """The .srt files `_extract_subtitles` writes for `output`."""
    if not output.parent.is_dir():
        return []
    return sorted(p for p in output.parent.iterdir()
                  if p.name.startswith(f"{output.stem}.") and p.suffix == ".srt")


def _wait(process: subprocess.Popen[bytes], cancel: threading.Event | None,
          deadline: float | None) -> str | None:
    """Wait for ffmpeg; return 'cancelled' or 'timeout' if it had to be stopped."""
    while True:
        try:
            process.wait(timeout=_POLL_SECS)
            return None
        except subprocess.TimeoutExpired:
            pass
        reason = None
        if cancel is not None and cancel.is_set():
            reason = "cancelled"
        elif deadline is not None and time.monotonic() > deadline:
            reason = "timeout"
        if reason is not None:
            process.terminate()
            try:
                process.wait(timeout=_TERMINATE_GRACE_SECS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            return reason


def _make_output_dir(job: ConversionJob) -> None:
    try:
        job.output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConversionError(job.source, f"cannot create {job.output.parent} ({exc})",
                              retryable=_is_transient(str(exc))) from None


def _is_transient(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in _TRANSIENT_STDERR)


_default_converter = Converter()


def convert(job: ConversionJob, cancel: threading.Event | None = None) -> ConversionResult:
    """Convert one job with the default Converter (ffmpeg and ffprobe from PATH)."""
    return _default_converter.convert(job, cancel)
