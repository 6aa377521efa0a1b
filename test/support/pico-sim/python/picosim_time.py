# Stand-in for MicroPython's `time` module: the same functions, on the simulation's clock
# (test/support/pico-sim), so ticks, sleeps and the simulated I2S sample clock agree, the clock can
# run faster than real time, and the ticks can start just before their 2^30 wrap.
import _picosim

_PERIOD = 1 << 30
_MASK = _PERIOD - 1
_HALF = _PERIOD >> 1

ticks_ms = _picosim.ticks_ms
ticks_us = _picosim.ticks_us
ticks_cpu = _picosim.ticks_us


def ticks_add(ticks, delta):
    return (ticks + delta) & _MASK


def ticks_diff(end, start):
    return ((end - start + _HALF) & _MASK) - _HALF


def sleep_ms(ms):
    _picosim.sleep_us(int(ms) * 1000)


def sleep_us(us):
    _picosim.sleep_us(int(us))


def sleep(seconds):
    _picosim.sleep_us(int(seconds * 1_000_000))


def time():
    return _picosim.time_s()


def time_ns():
    return _picosim.time_s() * 1_000_000_000
