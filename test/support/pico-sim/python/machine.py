# Stand-in for MicroPython's `machine` module on a Raspberry Pi Pico (rp2), for running the
# pico-mic firmware under the MicroPython WebAssembly port (test/support/pico-sim). Only what the
# firmware uses: Pin (inputs with pulls, the button) and I2S in blocking RX mode. Behaviour follows
# ports/rp2: ws must be sck + 1, ibuf comes from the heap, a new I2S(id) deinitialises the
# previous one of that id. The timing and the samples come from the simulation in JS (_picosim);
# readinto reads /dev/i2s<id>, a device the simulation serves.
import _picosim


def _pin_id(pin):
    return pin.id if isinstance(pin, Pin) else pin


class Pin:
    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    ALT = 3
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 4
    IRQ_RISING = 8

    def __init__(self, id, mode=-1, pull=-1, *, value=None):
        if not isinstance(id, int) or not 0 <= id <= 29:
            raise ValueError('invalid pin')
        self.id = id
        self.init(mode, pull, value=value)

    def init(self, mode=-1, pull=-1, *, value=None):
        _picosim.pin_init(self.id, mode, pull)
        if value is not None:
            _picosim.pin_write(self.id, 1 if value else 0)

    def value(self, value=None):
        if value is None:
            return _picosim.pin_value(self.id)
        _picosim.pin_write(self.id, 1 if value else 0)

    def __call__(self, value=None):
        return self.value(value)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, hard=False):
        raise NotImplementedError('pico-sim: Pin.irq is not simulated')

    def __repr__(self):
        return 'Pin(GPIO%d)' % self.id


class I2S:
    RX = 0
    TX = 1
    MONO = 0
    STEREO = 1

    def __init__(self, id, *, sck, ws, sd, mck=None, mode, bits, format, rate, ibuf):
        if id not in (0, 1):
            raise ValueError('invalid id')
        sck = _pin_id(sck)
        ws = _pin_id(ws)
        sd = _pin_id(sd)
        if ws != sck + 1:
            raise ValueError('invalid ws (must be sck+1)')
        if mode not in (I2S.RX, I2S.TX):
            raise ValueError('invalid mode')
        if mode != I2S.RX:
            raise NotImplementedError('pico-sim: only I2S.RX is simulated')
        if bits not in (16, 32):
            raise ValueError('invalid bits')
        if format not in (I2S.MONO, I2S.STEREO):
            raise ValueError('invalid format')
        if ibuf <= 0:
            raise ValueError('invalid ibuf')
        self.id = id
        self._dev = None
        status = _picosim.i2s_init(id, sck, ws, sd, mode, bits, format, rate, ibuf)
        if status == 1:
            raise MemoryError('memory allocation failed, allocating %d bytes' % ibuf)
        # the ring buffer comes from the MicroPython heap on the Pico too
        self._ring = bytearray(ibuf)
        self._dev = open('/dev/i2s%d' % id, 'rb')

    def readinto(self, buf):
        if self._dev is None:
            raise OSError(5, 'pico-sim: readinto on a deinitialised I2S (the rp2 driver has freed its buffer)')
        try:
            return self._dev.readinto(buf)
        except OSError:
            raise OSError(5, _picosim.i2s_error(self.id))

    def write(self, buf):
        raise NotImplementedError('pico-sim: only I2S.RX is simulated')

    def irq(self, handler):
        raise NotImplementedError('pico-sim: non-blocking I2S is not simulated')

    def deinit(self):
        if self._dev is not None:
            _picosim.i2s_deinit(self.id)
            self._dev.close()
            self._dev = None
            self._ring = None

    @staticmethod
    def shift(*, buf, bits, shift):
        raise NotImplementedError('pico-sim: I2S.shift is not simulated')


def freq(hz=None):
    return 125_000_000


def unique_id():
    return b'\xe6\x61\x38\x52\x83\x2f\x4a\x2d'


def reset():
    _picosim.reset()


def soft_reset():
    _picosim.reset()


def idle():
    _picosim.sleep_us(1)
