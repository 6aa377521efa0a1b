"""A sound card for the ALSA stand-in: real-time audio into the FIFO a `file` PCM reads.

Usage: pacer.py <fifo> <sample rate> <frame bytes (4)> <period frames> <ring bytes>

Every period (period frames / sample rate) the "card" produces one period of a counting
pattern: frame n of the stream is the 32-bit little-endian number n + 1 (never 0, so inserted
silence shows; every frame different, so a gap, a repeat or stale data shows).

The FIFO stands for the card's ring buffer, `ring bytes` long: a period is written only if
the bytes still unread in the FIFO (FIONREAD) leave room for it; otherwise it is DROPPED and
counted, as a card overruns when the reader falls behind by more than its buffer. The pacer
never waits for the reader. Writes are whole periods of at most PIPE_BUF (4096) bytes, so
each is atomic: the file plugin reads one period at a time and would pad a short read with
stale data. The pipe's own capacity is set above `ring bytes` (F_SETPIPE_SZ), so the ring,
not the kernel's default 64 KiB, decides what fits.

A card's clock is hardware; this one is a process, so it asks for real-time scheduling
(SCHED_FIFO, else nice -10) to wake on time whatever else the machine runs. When it still
wakes late, the periods that fell due meanwhile are written in a burst, and each is allowed
the room the reader would have made had it come on time (one period per period of lateness):
the pacer's own lateness never drops audio, while a reader that has stopped still overruns
the ring (give or take one burst).

The card starts the way a real one does, when the capture starts: period 0 is written, and the
clock starts once the reader has taken it. Prints "ready <pipe bytes>" once the FIFO is open;
on SIGTERM prints one JSON line (periods written, indices dropped, peak ring fill, lateness)
and exits.
"""
import array
import fcntl
import json
import os
import signal
import sys
import termios
import time

F_SETPIPE_SZ = getattr(fcntl, 'F_SETPIPE_SZ', 1031)
PIPE_BUF = 4096

path = sys.argv[1]
rate, frame_bytes, period_frames, ring_bytes = (int(arg) for arg in sys.argv[2:6])
if frame_bytes != 4:
    sys.exit('pacer.py: only 4-byte frames (the pattern is one 32-bit number per frame)')
period_bytes = period_frames * frame_bytes
if period_bytes > PIPE_BUF or ring_bytes < period_bytes:
    sys.exit(f'pacer.py: a period of {period_bytes} bytes must be <= {PIPE_BUF} and <= the ring ({ring_bytes})')
period_s = period_frames / rate

# Periods a late wake-up may write beyond the ring (see above); later ones meet a full pipe.
MAX_BURST_PERIODS = 16


def real_time():
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        return 'SCHED_FIFO'
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -10)
        return 'nice -10'
    except OSError:
        return 'normal'


scheduling = real_time()
# Read-write: ALSA's open of the infile never blocks and never sees end of file.
fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
pipe_bytes = fcntl.fcntl(fd, F_SETPIPE_SZ, 1 << (ring_bytes + MAX_BURST_PERIODS * period_bytes - 1).bit_length())

state = {'written': 0, 'dropped': [], 'peak_fill': 0, 'max_late_s': 0.0, 'started': False}


def unread():
    count = array.array('i', [0])
    fcntl.ioctl(fd, termios.FIONREAD, count, True)
    return count[0]


def period(index):
    first = index * period_frames + 1
    return array.array('I', range(first, first + period_frames)).tobytes()


def offer(index, credit_periods=0):
    """Writes period `index` if the ring (plus the credit of a late write) has room for it, else drops it."""
    fill = unread()
    if fill + period_bytes <= ring_bytes + credit_periods * period_bytes:
        try:
            os.write(fd, period(index))
            state['written'] += 1
            state['peak_fill'] = max(state['peak_fill'], fill + period_bytes)
            return
        except BlockingIOError:
            pass
    state['dropped'].append(index)


def report(_signum, _frame):
    print(json.dumps({
        'periodBytes': period_bytes, 'ringBytes': ring_bytes, 'pipeBytes': pipe_bytes, 'scheduling': scheduling,
        'started': state['started'], 'written': state['written'], 'dropped': state['dropped'],
        'peakFillBytes': state['peak_fill'], 'maxLateMs': round(state['max_late_s'] * 1000, 2),
    }), flush=True)
    os._exit(0)


signal.signal(signal.SIGTERM, report)
print('ready', pipe_bytes, flush=True)

offer(0)
while unread() > 0:
    time.sleep(0.0005)
state['started'] = True
start = time.monotonic()
next_index = 1
while True:
    now = time.monotonic()
    due = int((now - start) / period_s)
    if due >= next_index:
        state['max_late_s'] = max(state['max_late_s'], now - (start + next_index * period_s))
    while next_index <= due:
        offer(next_index, due - next_index)
        next_index += 1
    time.sleep(max(0.0, start + next_index * period_s - time.monotonic()))
