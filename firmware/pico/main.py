# pico-mic: MicroPython firmware for a Raspberry Pi Pico with an SPH0645 I2S MEMS microphone.
#
# Streams the microphone to the host over the USB serial port in the framed protocol of
# docs/pico-link-protocol.md (version 1.0) of node-red-contrib-audio-capture, and answers the
# host's commands (start, stop, status, ping, exit). Copy this file to the Pico as main.py; it
# starts at every boot. Settings: the constants below, or a file pico-mic.json next to it, e.g.
#     {"button": 15, "rate": 16000}
#
# Wiring (defaults): SPH0645 BCLK -> GP18, LRCL (WS) -> GP19, DOUT -> GP20, SEL -> GND, 3V3, GND.
# Optional push-button between a GPIO and GND (internal pull-up).
#
# While the protocol loop runs, Ctrl-C is ordinary data (commands carry arbitrary bytes). To get
# the REPL back: the host sends `exit`, or hold the button while the Pico boots.
import sys
import gc
import struct
import binascii
import select
import time
import micropython
from micropython import const

FIRMWARE_VERSION = '1.0.0'
FIRMWARE_TEXT = 'pico-mic ' + FIRMWARE_VERSION

CONFIG_FILE = 'pico-mic.json'
DEFAULT_CONFIG = {
    'i2s_id': 0,  # rp2 has I2S ids 0 and 1
    'sck': 18,  # bit clock (BCLK)
    'ws': 19,  # word select (LRCL); rp2: must be sck + 1
    'sd': 20,  # data from the microphone (DOUT)
    'button': None,  # GPIO of a button to GND, None = no button
    'rate': 22050,  # default sample rate (announced in the boot hello)
    'samples_per_frame': 512,  # default audio frame size
    'valid_bits': 18,  # SPH0645: 18 significant bits at the top of each 32-bit slot
    # I2S ring buffer in seconds of audio. rp2 stores every frame as 32-bit stereo whatever the
    # format, so it takes rate * 8 bytes per second: 0.5 s at 22050 Hz is 88200 bytes. Where the
    # heap cannot hold it (48 kHz on an RP2040) the firmware halves it, down to ibuf_min_seconds.
    'ibuf_seconds': 0.5,
    'ibuf_min_seconds': 0.05,
    'debounce_ms': 20,
    'idle_poll_ms': 5,  # how long the idle loop waits for a command before it looks at the button
    'write_timeout_ms': 100,  # no progress writing a frame for this long: give the frame up
}

PROTOCOL_VERSION = const(0x10)
_SYNC = b'\xa5\x5aPK'
_HEADER = const(20)
_OVERHEAD = const(24)
_MAX_COMMAND = const(64)
_TICK_BITS = const(30)
_U32 = const(0xFFFFFFFF)

# device to host
T_HELLO = const(0x01)
T_AUDIO = const(0x02)
T_STATUS = const(0x03)
T_BUTTON = const(0x04)
T_END = const(0x05)
T_ERROR = const(0x06)
T_PONG = const(0x07)
# host to device
C_START = const(0x81)
C_STOP = const(0x82)
C_STATUS = const(0x83)
C_PING = const(0x84)
C_EXIT = const(0x85)

END_STOP = const(1)
END_RESTART = const(2)
END_ERROR = const(3)
END_EXIT = const(4)

E_MALFORMED = const(1)
E_UNKNOWN = const(2)
E_PARAMETER = const(3)
E_I2S = const(4)
E_INTERNAL = const(5)
E_VERSION = const(6)

_MIN_PAYLOAD = {C_START: 10, C_STOP: 0, C_STATUS: 0, C_PING: 4, C_EXIT: 0}


class I2SFailure(Exception):
    pass


def load_config(path=CONFIG_FILE):
    config = dict(DEFAULT_CONFIG)
    try:
        import json

        with open(path) as f:
            config.update(json.load(f))
    except OSError:
        pass  # no settings file: the defaults
    return config


class Link:
    """Frames out (one write per frame, short writes retried) and the command parser in."""

    def __init__(self, out, inp, config):
        self.out = out
        self.inp = inp
        self.write_timeout_ms = config['write_timeout_ms']
        # the u32 frame counter as two 16-bit halves: MicroPython ints past 2^30 are heap objects
        self.seq_lo = 0
        self.seq_hi = 0
        self.short_writes = 0
        self.abandoned = 0
        # control frames are built here: 24 bytes of frame + payloads up to 232 bytes
        self.cbuf = bytearray(256)
        self.cmv = memoryview(self.cbuf)
        self.cbuf[0:4] = _SYNC
        # the command parser's buffer: one whole command frame at most
        self.rx = bytearray(_OVERHEAD + _MAX_COMMAND)
        self.rxn = 0
        self.stop_reading = False
        self.one = bytearray(1)
        self.poller = select.poll()
        self.poller.register(inp, select.POLLIN)

    def write_all(self, mv):
        """Writes a whole frame; False if it was given up (the host is not reading)."""
        n = len(mv)
        w = self.out.write(mv)
        if w == n:
            return True
        off = 0
        last = time.ticks_ms()
        while True:
            if w:
                off += w
                last = time.ticks_ms()
            if off >= n:
                return True
            self.short_writes += 1
            if time.ticks_diff(time.ticks_ms(), last) >= self.write_timeout_ms:
                self.abandoned += 1
                return False
            if not w:
                time.sleep_ms(1)  # rp2 waits inside write while connected; not when it gives up at once
            w = self.out.write(mv[off:])

    def next_seq(self):
        lo = self.seq_lo + 1
        if lo > 0xFFFF:
            lo = 0
            self.seq_hi = (self.seq_hi + 1) & 0xFFFF
        self.seq_lo = lo

    def send(self, ftype, n, sample=0, ticks=None):
        """Sends the control frame whose payload (n bytes) is already in cbuf[20:]."""
        buf = self.cbuf
        if ticks is None:
            ticks = time.ticks_ms()
        struct.pack_into('<BBHHHII', buf, 4, PROTOCOL_VERSION, ftype, n, self.seq_lo, self.seq_hi, sample, ticks)
        self.next_seq()
        end = _HEADER + n
        struct.pack_into('<I', buf, end, binascii.crc32(self.cmv[:end]))
        return self.write_all(self.cmv[: end + 4])

    def send_error(self, code, text):
        data = text.encode()[:200]
        self.cbuf[20] = code
        self.cbuf[21 : 21 + len(data)] = data
        self.send(T_ERROR, 1 + len(data))

    def read_commands(self, handle, timeout_ms=0, limit=256):
        """Feeds the bytes waiting on stdin to the parser, calling handle(ver, type, payload) for
        each good frame; stops after a frame for which handle returns True (exit: the bytes
        after it are for the REPL)."""
        poller = self.poller
        one = self.one
        self.stop_reading = False
        while limit > 0 and not self.stop_reading:
            ready = False
            for _ in poller.ipoll(timeout_ms):
                ready = True
            if not ready:
                return
            timeout_ms = 0
            if not self.inp.readinto(one):
                return
            limit -= 1
            rx = self.rx
            rx[self.rxn] = one[0]
            self.rxn += 1
            self._scan(handle)

    def _drop(self, k):
        n = self.rxn
        self.rx[0 : n - k] = self.rx[k:n]
        self.rxn = n - k

    def _scan(self, handle):
        rx = self.rx
        while self.rxn:
            n = self.rxn
            m = n if n < 4 else 4
            i = 0
            while i < m and rx[i] == _SYNC[i]:
                i += 1
            if i < m:
                self._drop(1)
                continue
            if n < _HEADER:
                return
            length = rx[6] | (rx[7] << 8)
            if length > _MAX_COMMAND:
                self._drop(1)  # a false sync
                continue
            end = _HEADER + length
            if n < end + 4:
                return
            crc = rx[end] | (rx[end + 1] << 8) | (rx[end + 2] << 16) | (rx[end + 3] << 24)
            if binascii.crc32(memoryview(rx)[:end]) != crc:
                self._drop(1)
                continue
            ver = rx[4]
            ftype = rx[5]
            payload = bytes(rx[_HEADER:end])
            self._drop(end + 4)
            if handle(ver, ftype, payload):
                self.stop_reading = True
                return


class Button:
    """A push-button to GND on a pulled-up input, debounced by polling: a new level counts once
    it has held for debounce_ms. edge() is True once per debounced change; since, sample_lo and
    sample_hi then tell when the change was first seen (ticks_ms, samples read)."""

    def __init__(self, machine, pin, debounce_ms):
        self.number = pin
        self.pin = machine.Pin(pin, machine.Pin.IN, machine.Pin.PULL_UP)
        self.debounce_ms = debounce_ms
        self.stable = self.pin.value()
        self.candidate = self.stable
        self.since = 0
        self.sample_lo = 0  # samples read when the change was first seen
        self.sample_hi = 0

    def pressed(self):
        return self.stable == 0

    def edge(self, now, sample_lo, sample_hi):
        level = self.pin.value()
        if level == self.stable:
            self.candidate = level
            return False
        if level != self.candidate:
            self.candidate = level
            self.since = now
            self.sample_lo = sample_lo
            self.sample_hi = sample_hi
            return False
        if time.ticks_diff(now, self.since) < self.debounce_ms:
            return False
        self.stable = level
        return True


class Firmware:
    def __init__(self, machine, config, out, inp):
        self.machine = machine
        self.config = config
        self.link = Link(out, inp, config)
        self.button = None
        if config['button'] is not None:
            self.button = Button(machine, config['button'], config['debounce_ms'])
        self.i2s = None
        self.running = True
        self.streaming = False
        self.rate = config['rate']
        self.spf = config['samples_per_frame']
        self.status_ms = 0
        self.next_status = 0
        # samples read in this stream, mod 2^32 (= the next audio frame's index), as two halves
        self.sample_lo = 0
        self.sample_hi = 0
        self.t0 = 0
        self.clock_ms = 0  # last ticks_ms folded into the elapsed time below
        self.elapsed_s = 0  # time since I2S started, as whole seconds + ms, so it never needs a
        self.elapsed_ms = 0  # ticks_diff across more than 2^29 ms nor a big integer
        self.frame_max = 0
        self.frame_sum = 0
        self.frame_count = 0
        self.abuf = None  # the audio frame, and views of it made once per stream
        self.a_payload = None
        self.a_body = None
        self.a_frame = None
        self.on_command_bound = self.on_command  # a bound method is an allocation: make it once

    # --- frames ---------------------------------------------------------------------------

    def send_hello(self, streaming):
        c = self.config
        buf = self.link.cbuf
        text = FIRMWARE_TEXT.encode()[:32]
        button = 0xFF if self.button is None else self.button.number
        struct.pack_into(
            '<IBBBBHBBBBBB', buf, 20,
            self.rate, 32, c['valid_bits'], 1, 1 if streaming else 0, self.spf,
            _TICK_BITS, c['sck'], c['ws'], c['sd'], button, len(text),
        )
        buf[36 : 36 + len(text)] = text
        self.link.send(T_HELLO, 16 + len(text))

    def samples_expected(self):
        return (self.elapsed_s * self.rate + self.elapsed_ms * self.rate // 1000) & _U32

    def samples_read(self):
        return (self.sample_hi << 16) | self.sample_lo

    def send_status(self):
        if self.streaming:
            self.fold_clock(time.ticks_ms())
        link = self.link
        avg = self.frame_sum // self.frame_count if self.frame_count else 0
        try:
            free = gc.mem_free()
        except Exception:
            free = _U32
        struct.pack_into(
            '<IIIIIIII', link.cbuf, 20,
            self.samples_expected(), self.samples_read(), link.short_writes & _U32, link.abandoned & _U32,
            _U32, self.frame_max & _U32, avg & _U32, free & _U32,
        )
        self.frame_max = 0
        self.frame_sum = 0
        self.frame_count = 0
        link.send(T_STATUS, 32)

    def send_end(self, samples, reason):
        struct.pack_into('<IB', self.link.cbuf, 20, samples, reason)
        self.link.send(T_END, 5)

    def send_button(self):
        button = self.button
        buf = self.link.cbuf
        buf[20] = button.number
        buf[21] = 1 if button.pressed() else 0
        # header ticks and sample: when the change was first seen
        self.link.send(T_BUTTON, 2, (button.sample_hi << 16) | button.sample_lo, button.since)

    # --- commands ---------------------------------------------------------------------------

    def on_command(self, ver, ftype, payload):
        link = self.link
        if not ftype & 0x80:
            return  # our own direction: an echo
        if ver >> 4 != PROTOCOL_VERSION >> 4:
            link.send_error(E_VERSION, 'protocol %d.%d not supported, firmware speaks 1.0' % (ver >> 4, ver & 15))
            return
        need = _MIN_PAYLOAD.get(ftype)
        if need is None:
            link.send_error(E_UNKNOWN, 'unknown command 0x%02x' % ftype)
            return
        if len(payload) < need:
            link.send_error(E_MALFORMED, 'command 0x%02x needs %d payload bytes, got %d' % (ftype, need, len(payload)))
            return
        if ftype == C_START:
            self.start(payload)
        elif ftype == C_STOP:
            if self.streaming:
                self.stop_stream(END_STOP)
            else:
                self.send_end(0, END_STOP)
        elif ftype == C_STATUS:
            self.send_status()
        elif ftype == C_PING:
            buf = link.cbuf
            buf[20:24] = payload[0:4]
            buf[24] = 1 if self.streaming else 0
            link.send(T_PONG, 5)
        elif ftype == C_EXIT:
            if self.streaming:
                self.stop_stream(END_EXIT)
            self.running = False
            return True
        return False

    def start(self, payload):
        rate, slot_bits, channels, spf, status_ms = struct.unpack_from('<IBBHH', payload, 0)
        problem = None
        if rate < 8000 or rate > 48000:
            problem = 'sampleRate %d: accepted 8000 to 48000' % rate
        elif slot_bits != 32:
            problem = 'slotBits %d: accepted 32' % slot_bits
        elif channels != 1:
            problem = 'channels %d: accepted 1' % channels
        elif spf != 0 and (spf < 64 or spf > 2048):
            problem = 'samplesPerFrame %d: accepted 0 (default) or 64 to 2048' % spf
        if problem:
            self.link.send_error(E_PARAMETER, problem)
            return  # a streaming stream goes on, an idle device stays idle
        if self.streaming:
            self.stop_stream(END_RESTART)
        self.spf = spf or self.config['samples_per_frame']
        self.rate = rate
        self.status_ms = status_ms
        self.abuf = self.a_payload = self.a_body = self.a_frame = None
        gc.collect()
        try:
            self.open_i2s()
        except Exception as e:
            self.close_i2s()
            self.link.send_error(E_I2S, 'I2S did not start: %r' % (e,))
            return
        n = 4 * self.spf
        abuf = bytearray(_OVERHEAD + n)
        abuf[0:4] = _SYNC
        struct.pack_into('<BBH', abuf, 4, PROTOCOL_VERSION, T_AUDIO, n)
        mv = memoryview(abuf)
        self.abuf = abuf
        self.a_payload = mv[_HEADER : _HEADER + n]
        self.a_body = mv[: _HEADER + n]
        self.a_frame = mv
        link = self.link
        link.short_writes = 0
        link.abandoned = 0
        self.sample_lo = self.sample_hi = 0
        self.frame_max = self.frame_sum = self.frame_count = 0
        self.streaming = True
        self.send_hello(True)
        now = time.ticks_ms()
        self.next_status = time.ticks_add(now, status_ms)

    def open_i2s(self):
        machine = self.machine
        c = self.config
        seconds = c['ibuf_seconds']
        least = c['ibuf_min_seconds']
        while True:
            ibuf = int(self.rate * 8 * seconds) & ~7
            try:
                self.i2s = machine.I2S(
                    c['i2s_id'],
                    sck=machine.Pin(c['sck']), ws=machine.Pin(c['ws']), sd=machine.Pin(c['sd']),
                    mode=machine.I2S.RX, bits=32, format=machine.I2S.MONO,
                    rate=self.rate, ibuf=ibuf,
                )
                break
            except MemoryError:
                if seconds / 2 < least:
                    raise
                seconds /= 2
                gc.collect()
        self.t0 = time.ticks_ms()
        self.clock_ms = self.t0
        self.elapsed_s = 0
        self.elapsed_ms = 0

    def close_i2s(self):
        i2s = self.i2s
        self.i2s = None
        if i2s is not None:
            i2s.deinit()

    def stop_stream(self, reason):
        self.streaming = False
        self.fold_clock(time.ticks_ms())
        try:
            self.close_i2s()
        finally:
            self.send_end(self.samples_read(), reason)

    def fold_clock(self, now):
        ms = self.elapsed_ms + time.ticks_diff(now, self.clock_ms)
        self.clock_ms = now
        if ms >= 1000:
            s = ms // 1000
            self.elapsed_s += s
            ms -= s * 1000
        self.elapsed_ms = ms

    # --- the loops --------------------------------------------------------------------------

    def poll_button(self, now):
        button = self.button
        if button is None:
            return
        if self.streaming:
            edge = button.edge(now, self.sample_lo, self.sample_hi)
        else:
            edge = button.edge(now, 0, 0)
        if edge:
            self.send_button()

    def stream_frame(self):
        """One audio frame: read, frame, send, then the chores. Nothing is allocated here but the
        CRC: binascii.crc32 returns a big integer (a heap object) when the CRC is 2^30 or more,
        3 frames in 4. The u32 counters are kept as 16-bit halves to stay small integers."""
        abuf = self.abuf
        n = len(self.a_payload)
        try:
            got = self.i2s.readinto(self.a_payload)
        except Exception as e:
            raise I2SFailure('readinto: %s: %s' % (type(e).__name__, e))
        t_read = time.ticks_us()
        link = self.link
        now = time.ticks_ms()
        struct.pack_into('<HHHHI', abuf, 8, link.seq_lo, link.seq_hi, self.sample_lo, self.sample_hi, now)
        if got == n:
            struct.pack_into('<I', abuf, _HEADER + n, binascii.crc32(self.a_body))
            link.write_all(self.a_frame)
        elif got:
            # a blocking readinto fills the buffer; should it not, send what came
            mv = self.a_frame
            struct.pack_into('<H', abuf, 6, got)
            struct.pack_into('<I', abuf, _HEADER + got, binascii.crc32(mv[: _HEADER + got]))
            link.write_all(mv[: _OVERHEAD + got])
            struct.pack_into('<H', abuf, 6, n)
        else:
            return
        link.next_seq()
        lo = self.sample_lo + (got >> 2)
        if lo > 0xFFFF:
            self.sample_hi = (self.sample_hi + (lo >> 16)) & 0xFFFF
            lo &= 0xFFFF
        self.sample_lo = lo
        spent = time.ticks_diff(time.ticks_us(), t_read)
        if spent > self.frame_max:
            self.frame_max = spent
        self.frame_sum += spent
        self.frame_count += 1
        if self.frame_sum > 0x1FFFFFFF:
            # no status for a long while: halve, keeping the mean, before the sum needs a big int
            self.frame_sum >>= 1
            self.frame_count >>= 1
        self.fold_clock(now)
        self.poll_button(now)
        if self.status_ms and time.ticks_diff(now, self.next_status) >= 0:
            self.next_status = time.ticks_add(self.next_status, self.status_ms)
            if time.ticks_diff(now, self.next_status) >= 0:
                self.next_status = time.ticks_add(now, self.status_ms)  # fell behind: skip
            self.send_status()
        link.read_commands(self.on_command_bound)

    def run(self):
        link = self.link
        idle_ms = self.config['idle_poll_ms']
        self.send_hello(False)
        while self.running:
            try:
                if self.streaming:
                    self.stream_frame()
                else:
                    link.read_commands(self.on_command_bound, idle_ms)
                    self.poll_button(time.ticks_ms())
            except Exception as e:
                self.fail(E_I2S if isinstance(e, I2SFailure) else E_INTERNAL, e)

    def fail(self, code, e):
        """Reports a failure (error frame; a stream under way ends with reason error) and goes on
        idle. Exceptions while reporting are dropped: the loop must survive."""
        try:
            self.link.send_error(code, str(e) if code == E_I2S else '%s: %s' % (type(e).__name__, e))
        except Exception:
            pass
        if self.streaming:
            try:
                self.stop_stream(END_ERROR)
            except Exception:
                self.streaming = False
                self.i2s = None


def main(machine=None, config=None, out=None, inp=None):
    """Runs the protocol loop until the host sends exit. The arguments are for tests; on the
    Pico everything comes from the board."""
    if machine is None:
        import machine
    if config is None:
        config = load_config()
    if out is None:
        out = sys.stdout.buffer
    if inp is None:
        inp = sys.stdin.buffer
    fw = None
    micropython.kbd_intr(-1)
    try:
        fw = Firmware(machine, config, out, inp)
        if fw.button is not None and fw.button.pressed():
            return None  # safe boot: button held, leave the REPL to the user
        fw.run()
    finally:
        try:
            if fw is not None:
                fw.streaming = False
                fw.close_i2s()
        finally:
            micropython.kbd_intr(3)
    return fw


if __name__ == '__main__':
    main()
